package io.bcgitops.spec;

import java.util.Map;

/**
 * What reading one revision of a GitOps repository may cost: the operator (and {@code validate})
 * reads only {@code <path>/<dir>/<spec file>}, and stops with {@link RepositoryTooLargeException}
 * (or, for one spec file too large, an invalid app) past any of these. README lists the defaults.
 *
 * @param apps app folders with a spec file under the path
 * @param specBytes one spec file (DESIGN.md section 2: 1 MiB); a larger file is an invalid app
 * @param readBytes every byte read for one revision: spec files, folder listings, symlink targets
 * @param treeDepth folders deep a path walked may be (spec.path, and where its symlinks lead)
 * @param treeEntries folder entries walked, over every folder listed
 */
public record RepositoryLimits(Limit apps, Limit specBytes, Limit readBytes, Limit treeDepth, Limit treeEntries) {

  public static final RepositoryLimits DEFAULTS = new RepositoryLimits(
      Limit.count("BCGITOPS_MAX_APPS", 1000),
      Limit.bytes("BCGITOPS_MAX_SPEC_BYTES", GitOpsRepository.MAX_SPEC_BYTES),
      // 1000 apps of 4 KiB: parsed, a revision takes up to about ten times what was read of it.
      Limit.bytes("BCGITOPS_MAX_READ_BYTES", 4L << 20),
      Limit.count("BCGITOPS_MAX_TREE_DEPTH", 32),
      Limit.count("BCGITOPS_MAX_TREE_ENTRIES", 100_000));

  /**
   * The defaults, each replaced by its environment variable when set.
   *
   * @throws IllegalArgumentException naming the variable whose value is not a positive amount
   */
  public static RepositoryLimits fromEnvironment(Map<String, String> env) {
    return new RepositoryLimits(DEFAULTS.apps.from(env), DEFAULTS.specBytes.from(env), DEFAULTS.readBytes.from(env),
        DEFAULTS.treeDepth.from(env), DEFAULTS.treeEntries.from(env));
  }

  /** The defaults with other values (tests and benchmarks); the settings stay the same. */
  public static RepositoryLimits of(long apps, long specBytes, long readBytes, long treeDepth, long treeEntries) {
    return new RepositoryLimits(DEFAULTS.apps.withValue(apps), DEFAULTS.specBytes.withValue(specBytes),
        DEFAULTS.readBytes.withValue(readBytes), DEFAULTS.treeDepth.withValue(treeDepth),
        DEFAULTS.treeEntries.withValue(treeEntries));
  }
}
