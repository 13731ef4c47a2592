package io.bcgitops.embedded;

/** A runtime pool API answered with an error, or could not be reached. */
public class RuntimeApiException extends Exception {
  private final String reason;

  public RuntimeApiException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A condition reason (ArtifactFetchFailed, ChecksumMismatch, InvalidArtifact) or RuntimeUnavailable. */
  public String reason() {
    return reason;
  }
}
