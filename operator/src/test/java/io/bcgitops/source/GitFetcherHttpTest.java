package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.CommitFiles;
import io.bcgitops.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching over smart HTTP: anonymous, basic auth, bearer token, and the errors a user can run into. */
class GitFetcherHttpTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String USER = "alice";
  private static final String PASSWORD = "correct-horse-battery";
  private static final String TOKEN = "ghp_0123456789abcdefTOKEN";

  @TempDir
  Path temp;

  private final GitFetcher fetcher = new GitFetcher();
  private TestRepo repo;
  private Path cache;
  private String sha;

  @BeforeEach
  void setUp() {
    repo = TestRepo.create(temp.resolve("remote"));
    repo.write("apps/web/app.yaml", "name: web\n");
    sha = repo.commit("first");
    cache = temp.resolve("cache");
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  /** The last revision fetched: what read and exists look at. */
  private FetchedRevision last;

  private FetchedRevision fetch(String url, GitCredentials credentials) throws GitFetchException {
    last = fetcher.fetch(url, GitReference.branch("main"), credentials, TIMEOUT, cache);
    return last;
  }

  private String read(String path) throws Exception {
    return CommitFiles.read(last, path);
  }

  private boolean exists(String path) throws Exception {
    return CommitFiles.exists(last, path);
  }

  private static GitCredentials basic(String user, String password) {
    return new GitCredentials(user, password, null, null, null);
  }

  private static GitCredentials bearer(String token) {
    return new GitCredentials(null, null, token, null, null);
  }

  @Test
  void anonymousRepository() throws Exception {
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      FetchedRevision fetched = fetch(http.url(), GitCredentials.NONE);

      assertEquals("main@sha1:" + sha, fetched.revision());
      assertEquals("name: web\n", read("apps/web/app.yaml"));
      assertTrue(http.uploadPackRequests() >= 2, "smart HTTP was used");
    }
  }

  @Test
  void incrementalFetchOverHttp() throws Exception {
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      fetch(http.url(), GitCredentials.NONE);
      repo.write("apps/api/app.yaml", "name: api\n").delete("apps/web");
      String second = repo.commit("second");

      FetchedRevision fetched = fetch(http.url(), GitCredentials.NONE);

      assertEquals("main@sha1:" + second, fetched.revision());
      assertTrue(exists("apps/api/app.yaml"));
      assertFalse(exists("apps/web/app.yaml"));
    }
  }

  @Test
  void tagAndSemverOverHttp() throws Exception {
    repo.annotatedTag("v1.0.0");
    repo.write("apps/web/app.yaml", "name: web\nversion: '2'\n");
    String v2 = repo.commit("second");
    repo.tag("v2.0.0");
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      assertEquals("v1.0.0@sha1:" + sha, fetcher.fetch(http.url(), new GitReference(GitReference.Kind.TAG, "v1.0.0"),
          GitCredentials.NONE, TIMEOUT, cache).revision());
      assertEquals("v2.0.0@sha1:" + v2, fetcher.fetch(http.url(), new GitReference(GitReference.Kind.SEMVER, ">=1.0.0"),
          GitCredentials.NONE, TIMEOUT, cache).revision());
    }
  }

  @Test
  void basicAuthWithRightCredentials() throws Exception {
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      assertEquals("main@sha1:" + sha, fetch(http.url(), basic(USER, PASSWORD)).revision());
    }
  }

  @Test
  void basicAuthWithWrongPasswordIsAuthenticationErrorWithoutThePassword() throws Exception {
    String wrong = "wrong-password-1234";
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(http.url(), basic(USER, wrong)));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
      assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1:" + http.port()), "names the remote: " + e.getMessage());
      assertFalse(Files.exists(cache.resolve("apps")), "nothing checked out");
    }
  }

  @Test
  void basicAuthWithoutCredentialsIsAuthenticationError() throws Exception {
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(http.url(), GitCredentials.NONE));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
    }
  }

  @Test
  void bearerTokenRight() throws Exception {
    try (GitHttpServer http = GitHttpServer.bearerToken(repo, TOKEN)) {
      assertEquals("main@sha1:" + sha, fetch(http.url(), bearer(TOKEN)).revision());
    }
  }

  @Test
  void bearerTokenWrongIsAuthenticationErrorWithoutTheToken() throws Exception {
    String wrong = "ghp_wrongwrongwrongTOKEN";
    try (GitHttpServer http = GitHttpServer.bearerToken(repo, TOKEN)) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(http.url(), bearer(wrong)));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }
  }

  @Test
  void bearerTokenMissingIsAuthenticationError() throws Exception {
    try (GitHttpServer http = GitHttpServer.bearerToken(repo, TOKEN)) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(http.url(), GitCredentials.NONE));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
    }
  }

  @Test
  void credentialsInTheUrlWork() throws Exception {
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      assertEquals("main@sha1:" + sha, fetch(http.urlWithUserInfo(USER, PASSWORD), GitCredentials.NONE).revision());
    }
  }

  @Test
  void wrongPasswordInTheUrlDoesNotLeakIntoTheMessage() throws Exception {
    String wrong = "url-embedded-secret-5678";
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      GitFetchException e = assertThrows(GitFetchException.class,
          () -> fetch(http.urlWithUserInfo(USER, wrong), GitCredentials.NONE));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }
  }

  @Test
  void passwordInTheUrlDoesNotLeakWhenTheHostIsUnreachable() {
    String secret = "url-embedded-secret-9999";
    String url = GitHttpServer.unreachableUrl().replace("http://", "http://" + USER + ":" + secret + "@");

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(url, GitCredentials.NONE));

    assertEquals(GitFetchException.Kind.FETCH, e.kind());
    assertFalse(e.getMessage().contains(secret), e.getMessage());
  }

  @Test
  void percentEncodedPasswordInTheUrlDoesNotLeakInAnyForm() throws Exception {
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, USER, PASSWORD)) {
      String url = http.urlWithUserInfo(USER, "p%40ss-in-url-4321");

      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(url, GitCredentials.NONE));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
      assertFalse(e.getMessage().contains("ss-in-url-4321"), e.getMessage());
    }
  }

  @Test
  void nothingListeningIsFetchErrorWithinSeconds() {
    String url = GitHttpServer.unreachableUrl();

    GitFetchException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertThrows(GitFetchException.class, () -> fetch(url, basic(USER, PASSWORD))));

    assertEquals(GitFetchException.Kind.FETCH, e.kind());
    assertTrue(e.getMessage().contains(url), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void missingRepositoryIsFetchError() throws Exception {
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      GitFetchException e = assertThrows(GitFetchException.class,
          () -> fetch(http.missingRepoUrl(), GitCredentials.NONE));

      assertEquals(GitFetchException.Kind.FETCH, e.kind());
      assertTrue(e.getMessage().contains("missing.git"), e.getMessage());
    }
  }

  @Test
  void unknownBranchOverHttpIsRefNotFound() throws Exception {
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      GitFetchException e = assertThrows(GitFetchException.class,
          () -> fetcher.fetch(http.url(), GitReference.branch("nope"), GitCredentials.NONE, TIMEOUT, cache));

      assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
  }
}
