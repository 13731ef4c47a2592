package io.bcgitops.runtime;

/**
 * An app that cannot run as asked, whatever the number of tries: no jar, no class to start, no
 * lifecycle nor main method. The app becomes Failed (not restarted) until its request changes.
 */
final class AppLoadException extends Exception {
  AppLoadException(String message) {
    super(message);
  }

  AppLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
