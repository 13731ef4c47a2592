package io.bcgitops.api;

/** Condition types and reasons of both kinds, in one place (DESIGN.md section 5). */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String FETCH_FAILED = "FetchFailed";
  public static final String DEPENDENCIES_READY = "DependenciesReady";
  public static final String HEALTHY = "Healthy";

  /** Reasons: CamelCase, as metav1.Condition requires. */
  public static final class Reasons {
    public static final String SUCCEEDED = "Succeeded";
    public static final String PROGRESSING = "Progressing";
    public static final String FETCH_FAILED = "FetchFailed";
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    public static final String PATH_NOT_FOUND = "PathNotFound";
    public static final String INVALID_APP_SPECS = "InvalidAppSpecs";
    public static final String DEPENDENCY_CYCLE = "DependencyCycle";
    /** The path holds no valid app and spec.allowEmpty is false: nothing is pruned. */
    public static final String EMPTY_APP_SET = "EmptyAppSet";
    /** The GitOpsSource itself asks for something the operator will not do (e.g. a file URL). */
    public static final String INVALID_SOURCE = "InvalidSource";
    public static final String WAITING_FOR_DEPENDENCIES = "WaitingForDependencies";
    public static final String DEPENDENCY_NOT_FOUND = "DependencyNotFound";
    public static final String ARTIFACT_FETCH_FAILED = "ArtifactFetchFailed";
    public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
    public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";
    public static final String UPGRADE_FAILED = "UpgradeFailed";
    public static final String SUSPENDED = "Suspended";

    private Reasons() {
    }
  }

  private Conditions() {
  }
}
