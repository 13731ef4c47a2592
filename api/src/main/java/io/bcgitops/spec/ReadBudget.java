package io.bcgitops.spec;

/**
 * What one read of a repository has cost so far (entries walked, bytes read), against its limits.
 * A reading that would go past a limit stops with a {@link RepositoryTooLargeException} before it
 * loads anything more: a repository costs the operator at most this much, however it is built.
 */
public final class ReadBudget {
  private final RepositoryLimits limits;
  private long entries;
  private long bytes;

  public ReadBudget(RepositoryLimits limits) {
    this.limits = limits;
  }

  public RepositoryLimits limits() {
    return limits;
  }

  /** Counts entries of a folder (or tree) about to be walked. */
  public void entries(long count) throws RepositoryTooLargeException {
    entries += count;
    if (entries > limits.treeEntries().value()) {
      throw new RepositoryTooLargeException("walking the repository would visit more than "
          + limits.treeEntries().amount() + " folder entries, the limit " + limits.treeEntries().setting()
          + " sets");
    }
  }

  /** Counts bytes (a spec file, a folder's listing) about to be read; nothing is read past the limit. */
  public void bytes(long count, String what) throws RepositoryTooLargeException {
    bytes += count;
    if (bytes > limits.readBytes().value()) {
      throw new RepositoryTooLargeException("reading " + what + " would take the bytes read from the repository"
          + " past " + limits.readBytes().amount() + ", the limit " + limits.readBytes().setting() + " sets");
    }
  }

  /** Checks how many folders deep a path to be walked is. */
  public void depth(String path, int depth) throws RepositoryTooLargeException {
    if (depth > limits.treeDepth().value()) {
      throw new RepositoryTooLargeException("'" + path + "' is more than " + limits.treeDepth().amount()
          + " folders deep, the limit " + limits.treeDepth().setting() + " sets");
    }
  }
}
