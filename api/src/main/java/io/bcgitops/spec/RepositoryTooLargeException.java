package io.bcgitops.spec;

/**
 * Reading a repository would cost more than a {@link Limit} allows: nothing of it is used. The
 * message names the limit and its setting.
 */
public class RepositoryTooLargeException extends Exception {
  public RepositoryTooLargeException(String message) {
    super(message);
  }
}
