package io.bcgitops.source;

import java.nio.file.Path;

/**
 * A fetched revision.
 *
 * @param revision Flux-style revision: {@code main@sha1:<40 hex>}, {@code v1.2.0@sha1:...}, or {@code sha1:...}
 * @param commit the commit id, 40 hex characters
 * @param repository the git cache holding it (a bare repository): {@link #open()} reads its files
 */
public record FetchedRevision(String revision, String commit, Path repository) {
  static FetchedRevision of(String refName, String commit, Path repository) {
    String revision = (refName == null ? "" : refName + "@") + "sha1:" + commit;
    return new FetchedRevision(revision, commit, repository);
  }

  /**
   * The commit's files, read from the cache as they are asked for, by {@code deadline} (the
   * fetch's: a read after it fails); close it when done.
   */
  public GitCommitTree open(java.time.Instant deadline) throws java.io.IOException {
    return GitCommitTree.open(repository, commit, deadline);
  }

  /** The revision with the hash cut to 7 characters: {@code main@a1b2c3d}. */
  public String shortRevision() {
    return shorten(revision);
  }

  public static String shorten(String revision) {
    if (revision == null) {
      return null;
    }
    int hash = revision.lastIndexOf("sha1:");
    String prefix = revision.substring(0, hash);
    String sha = revision.substring(hash + "sha1:".length());
    return prefix + sha.substring(0, Math.min(7, sha.length()));
  }
}
