package io.bcgitops.cli;

/** Why a command could not start, in one line: what is wrong and what to do about it. */
final class StartupFailure extends Exception {
  /** @param message what is wrong and what to do; a library's text in it may span lines, which are joined */
  StartupFailure(String message) {
    super(message.strip().replaceAll("\\s*\\R\\s*", " "), null, false, false);
  }
}
