package io.bcgitops.runtime;

/**
 * An app's exception as one line of text. The host keeps only this text: a Throwable of the app
 * holds its stack's classes, and keeping one would keep the app's class loader from being collected.
 */
final class Failures {
  private Failures() {
  }

  /** The exception, its innermost cause when it has one, and where it was thrown. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    StringBuilder text = new StringBuilder(e.toString());
    if (root != e) {
      text.append(", caused by ").append(root);
    }
    StackTraceElement[] stack = root.getStackTrace();
    if (stack.length > 0) {
      text.append(" (at ").append(stack[0]).append(')');
    }
    return text.toString();
  }
}
