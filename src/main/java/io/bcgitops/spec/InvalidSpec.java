package io.bcgitops.spec;

/**
 * A rejected spec file.
 *
 * @param file the file, relative to the repository root
 * @param declaredName the app name the file declares, when readable; its AppDeployment is left as it is
 * @param error what is wrong, in a sentence a user can act on
 * @param cycle true when the app is rejected only for being on a dependsOn cycle
 */
public record InvalidSpec(String file, String declaredName, String error, boolean cycle) {
  static InvalidSpec of(String file, String declaredName, String error) {
    return new InvalidSpec(file, declaredName, error, false);
  }
}
