package io.bcgitops.spec;

/**
 * A rejected spec file.
 *
 * @param file the file, relative to the repository root
 * @param declaredName the app name the file declares, when readable (and a name an app can have); its
 *     AppDeployment is left as it is
 * @param error what is wrong, in a sentence a user can act on; at most {@link #MAX_ERROR} characters
 * @param cycle true when the app is rejected only for being on a dependsOn cycle
 */
public record InvalidSpec(String file, String declaredName, String error, boolean cycle) {
  /**
   * The longest error kept: it is in the source's status (with one per invalid app, within the API
   * server's object size) and held between fetches, however much of the file it would quote.
   */
  static final int MAX_ERROR = 1000;

  public InvalidSpec {
    declaredName = SpecValidator.isDnsLabel(declaredName) ? declaredName : null;
    error = error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR) + "...";
  }

  static InvalidSpec of(String file, String declaredName, String error) {
    return new InvalidSpec(file, declaredName, error, false);
  }
}
