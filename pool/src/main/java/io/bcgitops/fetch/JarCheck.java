package io.bcgitops.fetch;

import io.bcgitops.fetch.ArtifactFetchException.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Checks a downloaded file can be run before it takes the place of the app's jar, so the failure
 * shows up as InvalidArtifact on the AppDeployment instead of a crash-looping main container.
 */
final class JarCheck {
  static final String NO_MAIN_CLASS = "the jar has no Main-Class in its manifest; set source.mainClass";

  private JarCheck() {
  }

  /**
   * @param jar the file to check
   * @param mainClass the class the container will run, or null when it runs the manifest's Main-Class
   * @param shownUrl where the file came from, for the message
   */
  static void check(Path jar, String mainClass, String shownUrl) throws ArtifactFetchException {
    Manifest manifest;
    boolean hasMainClass;
    // No signature verification here: the JVM does that when it loads the classes.
    try (JarFile file = new JarFile(jar.toFile(), false)) {
      manifest = file.getManifest();
      hasMainClass = mainClass != null && file.getJarEntry(classEntry(mainClass)) != null;
    } catch (IOException | SecurityException e) {
      throw new ArtifactFetchException(Reason.INVALID_ARTIFACT,
          shownUrl + " is not a jar (zip) file: " + ArtifactFetcher.describe(e));
    }
    if (mainClass == null) {
      String named = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
      if (named == null || named.isBlank()) {
        throw new ArtifactFetchException(Reason.INVALID_ARTIFACT, NO_MAIN_CLASS);
      }
    } else if (!hasMainClass) {
      throw new ArtifactFetchException(Reason.INVALID_ARTIFACT, "the jar has no class " + mainClass + " ("
          + classEntry(mainClass) + "); check source.mainClass");
    }
  }

  private static String classEntry(String className) {
    return className.replace('.', '/') + ".class";
  }
}
