package io.bcgitops.testing;

import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCommitTree;
import io.bcgitops.spec.ReadBudget;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.RepositoryTree;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The files of a fetched revision, read from the git cache (nothing is checked out). */
public final class CommitFiles {
  private CommitFiles() {
  }

  /** The content of a file of the revision; null when the revision has no such file. */
  public static String read(FetchedRevision revision, String path) throws Exception {
    try (GitCommitTree tree = revision.open(Instant.MAX)) {
      RepositoryTree.Node node = tree.resolve(path, new ReadBudget(RepositoryLimits.DEFAULTS));
      return node.kind() == RepositoryTree.Kind.FILE ? new String(tree.read(node), StandardCharsets.UTF_8) : null;
    }
  }

  public static boolean exists(FetchedRevision revision, String path) throws Exception {
    return read(revision, path) != null;
  }
}
