package io.bcgitops.spec;

/** The source's path does not exist in the repository, or leaves it. */
public class PathNotFoundException extends Exception {
  public PathNotFoundException(String message) {
    super(message);
  }
}
