package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URLs as messages, objects and arguments may show them, and where plain http is safe enough. */
class SafeUrlsTest {

  @Test
  void displayedUrlsHaveNoCredentialsNorQuery() {
    assertEquals("https://repo.example.com:8443/maven2/a.jar",
        SafeUrls.display(URI.create("https://ci:p%40ss@repo.example.com:8443/maven2/a.jar")));
    assertEquals("https://objects.example.com/a.jar?...",
        SafeUrls.display(URI.create("https://objects.example.com/a.jar?X-Amz-Signature=abc")));
  }

  @Test
  void redactionReplacesTheUserInfoOfEveryUrlInAText() {
    assertEquals("failed: GET https://***@host/a.jar, then http://***@other:80/b",
        SafeUrls.redact("failed: GET https://user:p@ss@host/a.jar, then http://token@other:80/b"));
    assertEquals("no url here", SafeUrls.redact("no url here"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://u:p@host/a.jar", "https://token@host", "http://u:p@ss@host:81/x?y=@"})
  void userInfoIsFound(String url) {
    assertTrue(SafeUrls.hasUserInfo(url), url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://host/a.jar", "https://host/a@b.jar", "https://host?to=a@b", "https://host#x@y",
      "not a url @ all"})
  void anAtSignOutsideTheAuthorityIsNoUserInfo(String url) {
    assertFalse(SafeUrls.hasUserInfo(url), url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://artifacts.example.com/a.jar", "http://127.0.0.1:8080/a.jar",
      "http://localhost/a.jar", "http://127.1.2.3/a.jar", "http://[::1]:9000/a.jar"})
  void httpsAndLoopbackAreProtectedInTransit(String url) {
    assertTrue(SafeUrls.protectedInTransit(URI.create(url)), url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://artifacts.example.com/a.jar", "http://10.0.0.1/a.jar", "http://localhost.evil.com/",
      "http://127.0.0.1.nip.io/a.jar", "ftp://127.0.0.1/a.jar"})
  void plainHttpElsewhereIsNot(String url) {
    assertFalse(SafeUrls.protectedInTransit(URI.create(url)), url);
  }
}
