package io.bcgitops.fetch;

import io.bcgitops.spec.SafeUrls;

/**
 * A fetch that failed for good (retries, if any, are already spent). The message is safe to show:
 * URL credentials are stripped, and it names what to fix.
 */
public class ArtifactFetchException extends Exception {

  /** The condition reason the controller puts on the AppDeployment (DESIGN.md section 5). */
  public enum Reason {
    /** The artifact could not be downloaded: unreachable, HTTP error, too large, SNAPSHOT version. */
    ARTIFACT_FETCH_FAILED("ArtifactFetchFailed"),
    /** The downloaded bytes do not have the sha256 the spec pins. */
    CHECKSUM_MISMATCH("ChecksumMismatch"),
    /** The bytes arrived intact but are not a runnable jar: not a zip, or no main class. */
    INVALID_ARTIFACT("InvalidArtifact");

    private final String conditionReason;

    Reason(String conditionReason) {
      this.conditionReason = conditionReason;
    }

    /** The CamelCase reason as written in conditions and in the termination log. */
    public String conditionReason() {
      return conditionReason;
    }
  }

  private final Reason reason;

  public ArtifactFetchException(Reason reason, String message) {
    // Redacted here as well, so no path that builds a message can leak a URL's password.
    super(SafeUrls.redact(message));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** "Reason: message", the one line the termination log carries. */
  public String toLine() {
    return reason.conditionReason() + ": " + getMessage();
  }
}
