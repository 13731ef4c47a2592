package io.bcgitops.cli;

/** Why a command stopped, in one line, and the exit code that says so (1: it could not do it, 2: wrong input). */
final class CommandFailure extends Exception {
  private final int exitCode;

  CommandFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
