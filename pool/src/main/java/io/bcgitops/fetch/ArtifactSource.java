package io.bcgitops.fetch;

import io.bcgitops.spec.SafeUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where an app's jar comes from: a direct http(s) URL (source type release), or Maven coordinates
 * group:artifact:version in a Maven 2 layout repository (source type maven).
 *
 * <p>Exactly one of {@code url} and {@code coordinates} is set; {@code repository} only goes with
 * coordinates and defaults to Maven Central. A malformed value is an IllegalArgumentException, and
 * so is a URL with user info: credentials come from a Secret (ArtifactCredentials), never from a
 * URL, which is copied into objects, process arguments and messages. A
 * SNAPSHOT version is well formed but cannot be fetched: resolving it needs the repository's
 * maven-metadata.xml, which this fetcher does not read, so {@link #snapshot()} lets callers refuse it.
 */
public record ArtifactSource(String url, String coordinates, String repository) {
  public static final String MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";

  // Conservative on purpose: each part becomes a path segment, so no '/', no "..", no spaces.
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern ARTIFACT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

  public ArtifactSource {
    if ((url == null) == (coordinates == null)) {
      throw new IllegalArgumentException("give either a url or Maven coordinates, not both or neither");
    }
    if (url != null) {
      if (repository != null) {
        throw new IllegalArgumentException("a repository only goes with Maven coordinates");
      }
      httpUrl("url", url);
    } else {
      String[] parts = coordinates.split(":", -1);
      if (parts.length != 3 || !GROUP.matcher(parts[0]).matches() || !ARTIFACT.matcher(parts[1]).matches()
          || !VERSION.matcher(parts[2]).matches() || parts[2].contains("..")) {
        throw new IllegalArgumentException("'" + coordinates + "' is not Maven coordinates group:artifact:version");
      }
      if (repository != null) {
        httpUrl("repository", repository);
      }
    }
  }

  public static ArtifactSource ofUrl(String url) {
    return new ArtifactSource(url, null, null);
  }

  /** Coordinates in a repository; a null repository means Maven Central. */
  public static ArtifactSource ofMaven(String coordinates, String repository) {
    return new ArtifactSource(null, coordinates, repository);
  }

  /** True for Maven coordinates whose version is a SNAPSHOT, which cannot be fetched (see the class comment). */
  public boolean snapshot() {
    return coordinates != null && coordinates.toUpperCase(Locale.ROOT).endsWith("SNAPSHOT");
  }

  /**
   * The URL to download: the url itself, or repository/group-as-path/artifact/version/artifact-version.jar.
   *
   * @throws UnsupportedOperationException for a SNAPSHOT version
   */
  public URI toUrl() {
    if (url != null) {
      return URI.create(url);
    }
    if (snapshot()) {
      throw new UnsupportedOperationException(snapshotMessage());
    }
    String[] parts = coordinates.split(":");
    String base = repository == null ? MAVEN_CENTRAL : repository;
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/" + parts[0].replace('.', '/') + "/" + parts[1] + "/" + parts[2] + "/"
        + parts[1] + "-" + parts[2] + ".jar");
  }

  /** Why a SNAPSHOT cannot be fetched, and what to do instead. */
  public String snapshotMessage() {
    return "Maven SNAPSHOT versions are not supported (" + coordinates + "): a snapshot changes under the same"
        + " version and its file name must be resolved from maven-metadata.xml; use a release version, or a"
        + " release source with the jar's url and sha256";
  }

  private static void httpUrl(String what, String value) {
    if (SafeUrls.hasUserInfo(value)) {
      throw new IllegalArgumentException(what + " '" + SafeUrls.redact(value) + "' holds credentials (user info);"
          + " take them out of the URL and give them from a Secret");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " '" + SafeUrls.redact(value) + "' is not a valid URL: "
          + SafeUrls.redact(e.getReason()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException(what + " '" + SafeUrls.redact(value) + "' is not an http(s) URL with a host");
    }
  }
}
