package io.bcgitops.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a jar is downloaded from, and the URLs messages may show. */
class ArtifactSourceTest {

  @Test
  void mavenCoordinatesUseMavenCentralByDefault() {
    assertEquals(URI.create("https://repo.maven.apache.org/maven2/org/example/shop/web/1.10/web-1.10.jar"),
        ArtifactSource.ofMaven("org.example.shop:web:1.10", null).toUrl());
  }

  @Test
  void repositoryTrailingSlashIsTolerated() {
    URI expected = URI.create("https://nexus.example.com/repository/releases/io/x/app/2.0.1/app-2.0.1.jar");
    assertEquals(expected, ArtifactSource.ofMaven("io.x:app:2.0.1", "https://nexus.example.com/repository/releases")
        .toUrl());
    assertEquals(expected, ArtifactSource.ofMaven("io.x:app:2.0.1", "https://nexus.example.com/repository/releases/")
        .toUrl());
  }

  @Test
  void urlIsUsedAsIs() {
    String url = "https://github.com/o/r/releases/download/v1.0/app.jar";
    assertEquals(URI.create(url), ArtifactSource.ofUrl(url).toUrl());
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.example:web:1.0-SNAPSHOT", "com.example:web:SNAPSHOT", "com.example:web:2.1-snapshot"})
  void snapshotVersionsAreNotSupported(String coordinates) {
    ArtifactSource source = ArtifactSource.ofMaven(coordinates, null);
    assertTrue(source.snapshot());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, source::toUrl);
    assertTrue(e.getMessage().contains("SNAPSHOT versions are not supported"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"com.example:web", "com.example:web:1.0:jar", "com/example:web:1.0", "com.example:../x:1.0",
      "com.example:web:../../1", "com..example:web:1.0", ":web:1.0", "com.example:web:1.0 beta"})
  void malformedCoordinatesAreRejected(String coordinates) {
    assertThrows(IllegalArgumentException.class, () -> ArtifactSource.ofMaven(coordinates, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host/app.jar", "/local/app.jar", "app.jar", "http://", "https://exa mple.com/x.jar"})
  void nonHttpUrlsAreRejected(String url) {
    assertThrows(IllegalArgumentException.class, () -> ArtifactSource.ofUrl(url));
  }

  @Test
  void exactlyOneOfUrlAndCoordinates() {
    assertThrows(IllegalArgumentException.class, () -> new ArtifactSource(null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new ArtifactSource("https://h/a.jar", "g:a:1", null));
    assertThrows(IllegalArgumentException.class, () -> new ArtifactSource("https://h/a.jar", null, "https://repo"));
  }

  @Test
  void rejectionsNeverEchoAPassword() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArtifactSource.ofUrl("ftp://user:hunter22@host/app.jar"));
    assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://ci:hunter22@repo.example.com/a.jar", "https://hunter22@repo.example.com/a.jar",
      "http://ci:hun@ter22@127.0.0.1:8080/a.jar"})
  void urlsWithCredentialsAreRefusedWithoutEchoingThem(String url) {
    for (var attempt : List.<org.junit.jupiter.api.function.Executable>of(() -> ArtifactSource.ofUrl(url),
        () -> ArtifactSource.ofMaven("com.example:a:1", url))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, attempt);
      assertTrue(e.getMessage().contains("holds credentials"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter22") || e.getMessage().contains("ter22"), e.getMessage());
    }
  }
}
