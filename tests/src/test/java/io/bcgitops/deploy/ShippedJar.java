package io.bcgitops.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The one runnable jar the cli module's package phase writes, the jar the image runs. */
public final class ShippedJar {
  private ShippedJar() {
  }

  /** Its path; a missing jar fails the caller with what builds it ({@code mvn verify} does, before this module's tests). */
  public static Path path() {
    Path jar = Path.of("target", "bc-gitops-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: this test runs the jar that ships;"
          + " mvn verify builds it first (mvn test does not)");
    }
    return jar;
  }
}
