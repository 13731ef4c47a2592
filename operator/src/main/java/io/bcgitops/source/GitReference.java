package io.bcgitops.source;

import io.bcgitops.api.GitRef;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.semver4j.range.RangeListFactory;

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

  /** What is wrong with the ref as written, or null when it can be fetched. */
  public String problem() {
    return switch (kind) {
      case SEMVER -> value.isBlank() || RangeListFactory.create(value).get().isEmpty()
          ? "'" + value + "' is not a semver range (examples: \">=1.0.0 <2.0.0\", \"1.x\", \"~1.2\")" : null;
      case COMMIT -> ObjectId.isId(value) ? null : "'" + value + "' is not a full 40-character commit sha1";
      case BRANCH, TAG -> value.isBlank() || !Repository.isValidRefName("refs/heads/" + value)
          ? "'" + value + "' is not a valid git " + kind.name().toLowerCase(java.util.Locale.ROOT) + " name" : null;
    };
  }

  public static GitReference branch(String name) {
    return new GitReference(Kind.BRANCH, name);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + value + "'";
  }
}
