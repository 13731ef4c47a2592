package io.bcgitops.source;

/** A fetch that failed; the message is safe to show (credentials are redacted) and says what to fix. */
public class GitFetchException extends Exception {
  public enum Kind {
    /** The remote refused the credentials, or none were given where needed, or its host key is unknown. */
    AUTHENTICATION,
    /** The ref as written cannot name anything: not a semver range, not a full commit sha1. */
    INVALID_REF,
    /** The branch, tag, semver range or commit is not in the repository. */
    REF_NOT_FOUND,
    /** The fetch went past a limit of {@link FetchLimits}: the refs listed, the pack, an object, what it rebuilds. */
    TOO_LARGE,
    /** Anything else: unreachable host, timeout, no such repository. */
    FETCH
  }

  private final Kind kind;

  public GitFetchException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
