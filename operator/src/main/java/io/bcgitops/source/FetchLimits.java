package io.bcgitops.source;

import io.bcgitops.spec.Limit;
import java.util.Map;

/**
 * What one fetch may cost the operator. A fetch past any of these stops at once and leaves the
 * cache as it was; the source shows RepositoryTooLarge naming the limit. README lists the defaults.
 *
 * @param objectBytes the largest object (file, folder listing, commit) the pack may hold, and the
 *     largest delta: JGit holds a folder listing, a commit, a delta and its base whole in memory
 * @param fetchBytes the pack one fetch may download (the cache holds one fetch's pack)
 * @param objects the objects the pack may hold: JGit keeps about 130 bytes per object while it
 *     indexes the pack, however small the objects are
 * @param refsBytes what the server may send before the pack: its list of refs (protocol v0 lists
 *     every ref the repository has) and the negotiation
 * @param inflatedBytes the objects JGit may rebuild from the deltas on one base: while it resolves
 *     them it holds each object that still has deltas to apply, so a long chain of deltas on a
 *     large object would hold that object's size times the chain's length
 */
public record FetchLimits(Limit objectBytes, Limit fetchBytes, Limit objects, Limit refsBytes,
    Limit inflatedBytes) {
  public static final FetchLimits DEFAULTS = new FetchLimits(
      Limit.bytes("BCGITOPS_GIT_MAX_OBJECT_BYTES", 8L << 20),
      Limit.bytes("BCGITOPS_GIT_MAX_FETCH_BYTES", 128L << 20),
      Limit.count("BCGITOPS_GIT_MAX_OBJECTS", 100_000),
      Limit.bytes("BCGITOPS_GIT_MAX_REFS_BYTES", 1L << 20),
      Limit.bytes("BCGITOPS_GIT_MAX_INFLATED_BYTES", 16L << 20));

  /** @throws IllegalArgumentException naming the variable whose value is not a positive size */
  public static FetchLimits fromEnvironment(Map<String, String> env) {
    return new FetchLimits(DEFAULTS.objectBytes.from(env), DEFAULTS.fetchBytes.from(env), DEFAULTS.objects.from(env),
        DEFAULTS.refsBytes.from(env), DEFAULTS.inflatedBytes.from(env));
  }

  public FetchLimits withObjectBytes(long value) {
    return new FetchLimits(objectBytes.withValue(value), fetchBytes, objects, refsBytes, inflatedBytes);
  }

  public FetchLimits withFetchBytes(long value) {
    return new FetchLimits(objectBytes, fetchBytes.withValue(value), objects, refsBytes, inflatedBytes);
  }

  public FetchLimits withObjects(long value) {
    return new FetchLimits(objectBytes, fetchBytes, objects.withValue(value), refsBytes, inflatedBytes);
  }

  public FetchLimits withRefsBytes(long value) {
    return new FetchLimits(objectBytes, fetchBytes, objects, refsBytes.withValue(value), inflatedBytes);
  }

  public FetchLimits withInflatedBytes(long value) {
    return new FetchLimits(objectBytes, fetchBytes, objects, refsBytes, inflatedBytes.withValue(value));
  }
}
