package io.bcgitops.api;

/**
 * The bounds of an app's fields, in one place: the CRD's schema states them (maxItems, maxLength,
 * maximum, pattern) and {@code validate} (io.bcgitops.spec.SpecValidator) checks the same numbers,
 * so that a spec refused by one is refused by the other.
 */
public final class FieldLimits {
  /** A DNS-1123 label but for its length: an app's, a runtime pool's or a dependency's name (the CRD's pattern too). */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  public static final int MAX_CPUS = 512;
  public static final int MAX_NAME_LENGTH = 63;
  /** 63 minus "bcgitops-runtime-": the runtime pool's Service name is a DNS-1035 label. */
  public static final int MAX_RUNTIME_LENGTH = 46;
  /**
   * What one app may list, and how long each entry may be. Parsed, a spec costs the operator far
   * more than its bytes (a map entry of "A: v" is about 150 bytes of heap), and the operator keeps
   * each source's apps between fetches: these bound that, with room to spare for real apps.
   */
  public static final int MAX_ENV = 128;
  public static final int MAX_ENV_NAME = 256;
  public static final int MAX_ENV_VALUE = 32 * 1024;
  /** Entries of args, vmConfig.extraArgs and health.command, each. */
  public static final int MAX_ARGS = 64;
  public static final int MAX_ARG = 4 * 1024;
  public static final int MAX_DEPENDS_ON = 64;

  private FieldLimits() {}
}
