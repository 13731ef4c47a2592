package io.bcgitops.source;

import io.bcgitops.spec.Limit;
import java.util.Map;

/**
 * What one fetch may bring into the git cache. A fetch past either stops at once and its pack is
 * dropped; the source shows RepositoryTooLarge naming the limit. README lists the defaults.
 *
 * @param objectBytes the largest object (file, folder listing, commit) the pack may hold: JGit holds a
 *     folder listing, a commit and a delta's base in memory whole while it indexes the pack
 * @param fetchBytes the pack one fetch may download (the cache's disk; a first fetch is the whole tip)
 */
public record FetchLimits(Limit objectBytes, Limit fetchBytes) {
  public static final FetchLimits DEFAULTS = new FetchLimits(
      Limit.bytes("BCGITOPS_GIT_MAX_OBJECT_BYTES", 16L << 20),
      Limit.bytes("BCGITOPS_GIT_MAX_FETCH_BYTES", 128L << 20));

  /** @throws IllegalArgumentException naming the variable whose value is not a positive size */
  public static FetchLimits fromEnvironment(Map<String, String> env) {
    return new FetchLimits(DEFAULTS.objectBytes.from(env), DEFAULTS.fetchBytes.from(env));
  }
}
