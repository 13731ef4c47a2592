package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.TestRepo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review's attack on git credentials: host A (spec.url) answers 302 to host B. With a bearer
 * token JGit sent it to both; with username and password, B answered 401 and got them. Credentials
 * now go to spec.url's own origin only, and with credentials a redirect elsewhere is not followed.
 */
class GitCredentialScopeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String TOKEN = "sekret-bearer-token";
  private static final String PASSWORD = "alice-password";

  @TempDir
  Path temp;

  private final List<HttpServer> servers = new java.util.ArrayList<>();
  /** The Authorization header of each request B received ("" when there was none). */
  private final List<String> seenByB = new CopyOnWriteArrayList<>();
  private final List<String> seenByA = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(server -> server.stop(0));
  }

  /** Host B: records what it is sent; asks for basic credentials when it got none, as the attacker's would. */
  private int hostB() throws IOException {
    return serve(exchange -> {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      seenByB.add(authorization == null ? "" : authorization);
      if (authorization == null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"x\"");
      }
      exchange.sendResponseHeaders(authorization == null ? 401 : 404, -1);
    });
  }

  /** Host A, spec.url's: every request is sent on to the same path on {@code to}. */
  private int redirecting(String to) throws IOException {
    return serve(exchange -> {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      seenByA.add(authorization == null ? "" : authorization);
      exchange.getResponseHeaders().set("Location", to + exchange.getRequestURI());
      exchange.sendResponseHeaders(302, -1);
    });
  }

  private int serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        handler.handle(exchange);
      }
    });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  private GitFetchException fetchFails(String url, GitCredentials credentials) {
    return assertThrows(GitFetchException.class, () -> new GitFetcher().fetch(url, GitReference.branch("main"),
        credentials, TIMEOUT, temp.resolve("cache")));
  }

  @Test
  void aBearerTokenNeverReachesTheHostARedirectLeadsTo() throws Exception {
    int b = hostB();
    int a = redirecting("http://127.0.0.1:" + b);

    GitFetchException e = fetchFails("http://127.0.0.1:" + a + "/repo.git",
        new GitCredentials(null, null, TOKEN, null, null));

    assertEquals(List.of(), seenByB, "B was not even asked");
    assertEquals(List.of("Bearer " + TOKEN), seenByA, "spec.url's own origin got the token, once");
    assertEquals(GitFetchException.Kind.FETCH, e.kind());
    assertTrue(e.getMessage().contains("http://127.0.0.1:" + a + "/repo.git/info/refs?... redirected to"
        + " http://127.0.0.1:" + b + "/repo.git/info/refs?..., another origin (scheme, host and port); credentials"
        + " go only to spec.url's own origin, so the redirect is not followed: set spec.url to the repository's"
        + " address there"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
  }

  @Test
  void basicCredentialsNeverAnswerTheChallengeOfAnotherHost() throws Exception {
    int b = hostB();
    int a = redirecting("http://127.0.0.1:" + b);

    fetchFails("http://127.0.0.1:" + a + "/repo.git", new GitCredentials("alice", PASSWORD, null, null, null));

    assertEquals(List.of(), seenByB);
  }

  @Test
  void anotherPortOfTheSameHostIsAnotherOrigin() throws Exception {
    int b = hostB();
    int a = redirecting("http://localhost:" + b);

    fetchFails("http://localhost:" + a + "/repo.git", new GitCredentials(null, null, TOKEN, null, null));

    assertEquals(List.of(), seenByB);
  }

  /** Without credentials nothing can leak: JGit follows a redirect as git does (a repository that moved). */
  @Test
  void withoutCredentialsARedirectIsFollowed(@TempDir Path remote) throws Exception {
    try (TestRepo repo = TestRepo.create(remote); GitHttpServer moved = GitHttpServer.anonymous(repo)) {
      repo.write("apps/web/app.yaml", "name: web\n");
      String sha = repo.commit("first");
      int a = redirecting("http://127.0.0.1:" + moved.port());

      FetchedRevision fetched = new GitFetcher().fetch("http://127.0.0.1:" + a + "/repo.git",
          GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, temp.resolve("cache"));

      assertEquals("main@sha1:" + sha, fetched.revision());
    }
  }

  @Test
  void credentialsGoOnlyToTheOriginAndOnlyOverAProtectedTransport() {
    HttpCredentials token = new HttpCredentials(null, null, TOKEN);
    CredentialScope https = CredentialScope.of("https://git.example.com/org/repo.git", token);
    CredentialScope loopback = CredentialScope.of("http://127.0.0.1:8080/repo.git", token);
    CredentialScope plain = CredentialScope.of("http://git.example.com/org/repo.git", token);

    assertEquals(Optional.of("Bearer " + TOKEN), https.authorizationFor(URI.create("https://git.example.com:443/x")));
    assertEquals(Optional.empty(), https.authorizationFor(URI.create("https://evil.example.com/org/repo.git")));
    assertEquals(Optional.empty(), https.authorizationFor(URI.create("http://git.example.com/org/repo.git")));
    assertEquals(Optional.empty(), https.authorizationFor(URI.create("https://git.example.com:8443/org/repo.git")));
    assertEquals(Optional.of("Bearer " + TOKEN), loopback.authorizationFor(URI.create("http://127.0.0.1:8080/y")));
    assertEquals(Optional.empty(), plain.authorizationFor(URI.create("http://git.example.com/org/repo.git")),
        "plain http to another machine carries none, even to its own origin");
    assertEquals(null, CredentialScope.of("ssh://git@git.example.com/repo.git", token), "ssh: not http's to give");
    assertEquals(null, CredentialScope.of("https://git.example.com/repo.git", HttpCredentials.NONE));
  }

  @Test
  void aSourceWithCredentialsOverPlainHttpIsRefusedSayingWhy() {
    assertEquals(Optional.of("spec.secretRef names credentials, and spec.url 'http://git.example.com/shop.git' is"
        + " plain http to git.example.com, where anyone on the network path could read the credentials; credentials"
        + " are sent only over https, ssh, or http to this machine's loopback address: use an https or ssh URL"),
        CredentialScope.refusal("http://git.example.com/shop.git", true));
    assertEquals(Optional.of("spec.url 'http://***@git.example.com/shop.git' holds a password (user info) and is"
        + " plain http to git.example.com, where anyone on the network path could read the credentials; credentials"
        + " are sent only over https, ssh, or http to this machine's loopback address: use an https or ssh URL (and"
        + " name a Secret holding them in spec.secretRef)"),
        CredentialScope.refusal("http://git:p@ss@git.example.com/shop.git", false));
    assertEquals(Optional.empty(), CredentialScope.refusal("http://git.example.com/shop.git", false));
    assertEquals(Optional.empty(), CredentialScope.refusal("https://git.example.com/shop.git", true));
    assertEquals(Optional.empty(), CredentialScope.refusal("http://127.0.0.1:3000/shop.git", true));
    assertEquals(Optional.empty(), CredentialScope.refusal("http://localhost/shop.git", true));
    assertEquals(Optional.empty(), CredentialScope.refusal("ssh://git@git.example.com/shop.git", true));
    assertEquals(Optional.empty(), CredentialScope.refusal("git@git.example.com:org/shop.git", true));
  }
}
