package io.bcgitops.fetch;

import io.bcgitops.spec.HttpCredentials;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One jar to fetch: from where, to which file, the sha256 it must have (null: not pinned, then a
 * file already at dest is fetched again), the main class it must contain (null: the manifest
 * must name one, since the container runs {@code java -jar}), and the credentials to present
 * (never part of the URL).
 */
public record FetchRequest(ArtifactSource source, Path dest, String sha256, String mainClass,
    HttpCredentials credentials) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  public FetchRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(dest, "dest");
    if (dest.getFileName() == null) {
      throw new IllegalArgumentException("dest '" + dest + "' is not a file path");
    }
    if (sha256 != null) {
      if (!SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 must be 64 hexadecimal characters");
      }
      sha256 = sha256.toLowerCase(Locale.ROOT);
    }
    if (mainClass != null && mainClass.isBlank()) {
      throw new IllegalArgumentException("main class must not be blank");
    }
    credentials = credentials == null ? HttpCredentials.NONE : credentials;
  }

  /** A download that needs no credentials. */
  public FetchRequest(ArtifactSource source, Path dest, String sha256, String mainClass) {
    this(source, dest, sha256, mainClass, HttpCredentials.NONE);
  }
}
