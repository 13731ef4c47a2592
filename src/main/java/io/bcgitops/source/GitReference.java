package io.bcgitops.source;

import io.bcgitops.api.GitRef;

/** The ref of a source, resolved to one kind: commit wins over tag, tag over semver, semver over branch. */
public record GitReference(Kind kind, String value) {
  public enum Kind { BRANCH, TAG, SEMVER, COMMIT }

  public static final String DEFAULT_BRANCH = "main";

  public static GitReference of(GitRef ref) {
    if (ref == null) {
      return new GitReference(Kind.BRANCH, DEFAULT_BRANCH);
    }
    if (ref.getCommit() != null) {
      return new GitReference(Kind.COMMIT, ref.getCommit());
    }
    if (ref.getTag() != null) {
      return new GitReference(Kind.TAG, ref.getTag());
    }
    if (ref.getSemver() != null) {
      return new GitReference(Kind.SEMVER, ref.getSemver());
    }
    return new GitReference(Kind.BRANCH, ref.getBranch() == null ? DEFAULT_BRANCH : ref.getBranch());
  }

  public static GitReference branch(String name) {
    return new GitReference(Kind.BRANCH, name);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + value + "'";
  }
}
