package io.bcgitops.spec;

import java.io.IOException;
import java.util.List;

/**
 * The files of one revision of a GitOps repository, as {@link GitOpsRepository} reads them: a
 * folder on disk ({@link DirectoryTree}, for {@code validate} and {@code render}) or a commit's
 * tree in git (the operator), so that both are read by the same code. Paths are relative to the
 * repository's root, separated by '/', without "." or ".." ("" is the root). Symlinks are followed
 * only inside the repository; every method charges what it walks and reads to the budget.
 */
public interface RepositoryTree {

  /** What a path names once its symlinks are followed. */
  enum Kind {
    FOLDER,
    /** A regular file. */
    FILE,
    /** Something else: a git submodule, a device, a socket. */
    OTHER,
    /** Nothing is there. */
    MISSING,
    /** The path itself is a symlink whose target does not exist (or loops). */
    DANGLING,
    /** A symlink on the way leads out of the repository. */
    OUTSIDE
  }

  /**
   * What a path names.
   *
   * @param path where it really is (its symlinks followed), relative to the root; for {@link #list} and {@link #read}
   * @param size a file's size in bytes, known before anything of it is read; 0 for anything else
   */
  record Node(String path, Kind kind, long size) {
  }

  Node resolve(String path, ReadBudget budget) throws IOException, RepositoryTooLargeException;

  /** The names of a folder's entries, in no particular order. */
  List<String> list(Node folder, ReadBudget budget) throws IOException, RepositoryTooLargeException;

  /** A file's content; the caller has checked its size, and charged it to the budget. */
  byte[] read(Node file) throws IOException;
}
