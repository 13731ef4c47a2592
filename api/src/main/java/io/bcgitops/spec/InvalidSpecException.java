package io.bcgitops.spec;

/** A spec file that cannot be used; the message says what is wrong and where, for a user to fix. */
public class InvalidSpecException extends Exception {
  private final String declaredName;

  public InvalidSpecException(String message, String declaredName) {
    super(message);
    this.declaredName = declaredName;
  }

  /** The name the file declares, when it could be read despite the error; null otherwise. */
  public String declaredName() {
    return declaredName;
  }
}
