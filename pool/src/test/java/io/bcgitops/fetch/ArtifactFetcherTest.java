package io.bcgitops.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.fetch.ArtifactFetchException.Reason;
import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.testing.Tarpit;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a real HTTP server on the loopback interface: retries, limits, checksum, atomic write, jar check. */
class ArtifactFetcherTest {
  private static final byte[] JAR = TestJars.runnable();
  private static final String JAR_SHA = TestJars.sha256(JAR);
  // Short enough that the whole class runs in seconds, long enough for a loaded CI machine.
  private static final ArtifactFetcher.Settings FAST = new ArtifactFetcher.Settings(Duration.ofMillis(500), 3,
      Duration.ofMillis(20), ArtifactFetcher.Settings.DEFAULT_MAX_BYTES);

  @TempDir
  Path dir;
  Path dest;
  ArtifactServer server;
  List<String> notes;
  ArtifactFetcher fetcher;

  @BeforeEach
  void setUp() throws IOException {
    dest = dir.resolve("app").resolve("app.jar");
    server = new ArtifactServer();
    notes = new ArrayList<>();
    fetcher = new ArtifactFetcher(FAST, notes::add);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private FetchRequest request(String path, String sha256) {
    return new FetchRequest(ArtifactSource.ofUrl(server.url(path).toString()), dest, sha256, null);
  }

  private ArtifactFetchException fails(ArtifactFetcher with, FetchRequest request, Reason reason) {
    ArtifactFetchException e = assertThrows(ArtifactFetchException.class, () -> with.fetch(request));
    assertEquals(reason, e.reason(), e::getMessage);
    return e;
  }

  /** dest is absent and no temporary file is left in its folder. */
  private void assertNothingWritten() throws IOException {
    assertFalse(Files.exists(dest), "dest must not exist");
    if (Files.exists(dest.getParent())) {
      try (Stream<Path> files = Files.list(dest.getParent())) {
        assertEquals(List.of(), files.toList(), "no temporary file left");
      }
    }
  }

  @Test
  void downloadsAndVerifiesTheChecksum() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    FetchResult result = fetcher.fetch(request("/app.jar", JAR_SHA.toUpperCase()));

    assertEquals(new FetchResult(dest, JAR.length, JAR_SHA, true), result);
    assertArrayEquals(JAR, Files.readAllBytes(dest));
    assertEquals(1, server.requests("/app.jar"));
    try (Stream<Path> files = Files.list(dest.getParent())) {
      assertEquals(List.of(dest), files.toList(), "only the jar, no temporary file");
    }
    // The app container may run as another user than this init container.
    assertTrue(Files.getPosixFilePermissions(dest).contains(PosixFilePermission.OTHERS_READ));
  }

  @Test
  void withoutChecksumReportsTheComputedOne() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    assertEquals(JAR_SHA, fetcher.fetch(request("/app.jar", null)).sha256());
  }

  @Test
  void checksumMismatchFailsAtOnceAndLeavesNothing() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));
    String wrong = "0".repeat(64);

    ArtifactFetchException e = fails(fetcher, request("/app.jar", wrong), Reason.CHECKSUM_MISMATCH);

    assertTrue(e.getMessage().contains(JAR_SHA) && e.getMessage().contains(wrong), e.getMessage());
    assertEquals(1, server.requests("/app.jar"), "a checksum mismatch is not retried");
    assertNothingWritten();
  }

  @Test
  void checksumMismatchKeepsThePreviousJar() throws Exception {
    Files.createDirectories(dest.getParent());
    byte[] old = TestJars.jar("com.example.Old", "com.example.Old");
    Files.write(dest, old);
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    fails(fetcher, request("/app.jar", "0".repeat(64)), Reason.CHECKSUM_MISMATCH);

    assertArrayEquals(old, Files.readAllBytes(dest));
  }

  @Test
  void notFoundFailsAtOnce() throws Exception {
    ArtifactFetchException e = fails(fetcher, request("/missing.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains("404"), e.getMessage());
    assertTrue(e.getMessage().contains(server.url("/missing.jar").toString()), e.getMessage());
    assertEquals(1, server.requests("/missing.jar"));
    assertNothingWritten();
  }

  @Test
  void serverErrorIsRetriedThenSucceeds() throws Exception {
    server.on("/app.jar", (exchange, attempt) -> {
      if (attempt == 1) {
        ArtifactServer.send(exchange, 500, new byte[0]);
      } else if (attempt == 2) {
        ArtifactServer.send(exchange, 429, new byte[0]);
      } else {
        ArtifactServer.send(exchange, 200, JAR);
      }
    });

    FetchResult result = fetcher.fetch(request("/app.jar", JAR_SHA));

    assertTrue(result.downloaded());
    assertEquals(3, server.requests("/app.jar"));
    assertEquals(2, notes.size(), notes::toString);
    assertTrue(notes.get(0).contains("HTTP 500") && notes.get(0).contains("retrying in 20ms"), notes.get(0));
    assertTrue(notes.get(1).contains("HTTP 429") && notes.get(1).contains("retrying in 40ms"), notes.get(1));
  }

  @Test
  void persistentServerErrorFailsAfterAllRetries() throws Exception {
    server.on("/app.jar", (exchange, attempt) -> ArtifactServer.send(exchange, 503, new byte[0]));

    ArtifactFetchException e = fails(fetcher, request("/app.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertEquals(4, server.requests("/app.jar"), "1 attempt + 3 retries");
    assertTrue(e.getMessage().contains("after 4 attempts") && e.getMessage().contains("HTTP 503"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void followsRedirects() throws Exception {
    server.on("/latest.jar", (exchange, attempt) -> {
      exchange.getResponseHeaders().add("Location", "/releases/1.0/app.jar");
      ArtifactServer.send(exchange, 302, new byte[0]);
    });
    server.on("/releases/1.0/app.jar", ArtifactServer.bytes(JAR));

    assertEquals(JAR_SHA, fetcher.fetch(request("/latest.jar", JAR_SHA)).sha256());
  }

  @Test
  void aResponseThatDoesNotComeFailsAtTheDeadline() throws Exception {
    server.on("/slow.jar", (exchange, attempt) -> {
      Thread.sleep(10_000);
      ArtifactServer.send(exchange, 200, JAR);
    });
    ArtifactFetcher quick = new ArtifactFetcher(FAST.withTimeout(Duration.ofMillis(300)).withRetries(2));

    long start = System.nanoTime();
    ArtifactFetchException e = fails(quick, request("/slow.jar", null), Reason.ARTIFACT_FETCH_FAILED);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals("downloading " + server.url("/slow.jar") + " did not finish within the timeout of 300ms: no response",
        e.getMessage());
    assertEquals(1, server.requests("/slow.jar"), "no time left to try again");
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    assertNothingWritten();
  }

  @Test
  void aBodyThatStopsArrivingFailsAtTheDeadline() throws Exception {
    server.on("/stalls.jar", (exchange, attempt) -> {
      exchange.sendResponseHeaders(200, JAR.length);
      OutputStream out = exchange.getResponseBody();
      out.write(JAR, 0, 100);
      out.flush();
      Thread.sleep(10_000);
    });
    ArtifactFetcher quick = new ArtifactFetcher(FAST.withTimeout(Duration.ofMillis(300)).withRetries(1));

    long start = System.nanoTime();
    ArtifactFetchException e = fails(quick, request("/stalls.jar", null), Reason.ARTIFACT_FETCH_FAILED);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals("downloading " + server.url("/stalls.jar") + " did not finish within the timeout of 300ms: 100 of "
        + JAR.length + " bytes arrived", e.getMessage());
    assertEquals(1, server.requests("/stalls.jar"));
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    assertNothingWritten();
  }

  /**
   * The reviewer's attack: a server that sends a byte every so often never trips a timeout of each pause (one every
   * 20 s against one of 30 s), so a download held its thread forever. The timeout is the whole fetch's.
   */
  @Test
  void aServerThatTricklesItsBodyIsCutOffAtTheDeadline() throws Exception {
    try (Tarpit tarpit = new Tarpit(Tarpit.Mode.HTTP_BODY, Duration.ofMillis(50))) {
      ArtifactFetcher quick = new ArtifactFetcher(FAST.withTimeout(Duration.ofSeconds(1)).withRetries(3));
      FetchRequest trickled = new FetchRequest(ArtifactSource.ofUrl(tarpit.url()), dest, null, null);

      long start = System.nanoTime();
      ArtifactFetchException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> fails(quick, trickled,
          Reason.ARTIFACT_FETCH_FAILED));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertTrue(e.getMessage().startsWith("downloading " + tarpit.url() + " did not finish within the timeout of 1s: "),
          e.getMessage());
      assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(3)) < 0,
          "took " + took);
      assertEquals(1, tarpit.connections(), "no retry past the deadline");
      assertNothingWritten();
    }
  }

  @Test
  void retriesStopWhenTheDeadlineLeavesNoTimeForAnother() throws Exception {
    server.on("/busy.jar", (exchange, attempt) -> ArtifactServer.send(exchange, 503, new byte[0]));
    ArtifactFetcher patient = new ArtifactFetcher(new ArtifactFetcher.Settings(Duration.ofSeconds(2), 10,
        Duration.ofMillis(200), ArtifactFetcher.Settings.DEFAULT_MAX_BYTES), notes::add);

    long start = System.nanoTime();
    ArtifactFetchException e = fails(patient, request("/busy.jar", null), Reason.ARTIFACT_FETCH_FAILED);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // Waits of 200, 400 and 800 ms fit in 2 s (with 600 ms to spare for the four requests on a busy
    // machine); the next one, 1600 ms, does not.
    assertEquals(4, server.requests("/busy.jar"));
    assertEquals("downloading " + server.url("/busy.jar") + " failed after 4 attempts: the server answered HTTP 503;"
        + " no time left for another within the timeout of 2s", e.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
  }

  @Test
  void connectionRefusedIsRetried() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    FetchRequest request = new FetchRequest(ArtifactSource.ofUrl("http://127.0.0.1:" + closedPort + "/app.jar"),
        dest, null, null);

    ArtifactFetchException e = fails(fetcher, request, Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot connect to 127.0.0.1:" + closedPort + " (refused or unreachable)"),
        e.getMessage());
    assertEquals(3, notes.size(), notes::toString);
  }

  @Test
  void contentLengthOverTheLimitIsRefusedWithoutRetry() throws Exception {
    server.on("/big.jar", ArtifactServer.bytes(JAR));
    ArtifactFetcher limited = new ArtifactFetcher(FAST.withMaxBytes(JAR.length - 1));

    ArtifactFetchException e = fails(limited, request("/big.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains(JAR.length + " bytes, over the limit of " + (JAR.length - 1)), e.getMessage());
    assertEquals(1, server.requests("/big.jar"));
    assertNothingWritten();
  }

  @Test
  void chunkedBodyOverTheLimitIsAborted() throws Exception {
    long[] written = new long[1];
    server.on("/endless.jar", (exchange, attempt) -> {
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      byte[] chunk = new byte[8192];
      // Far more than the limit: the client must stop reading long before the end.
      for (int i = 0; i < 10_000; i++) {
        out.write(chunk);
        written[0] += chunk.length;
      }
    });
    ArtifactFetcher limited = new ArtifactFetcher(FAST.withMaxBytes(64 * 1024));

    ArtifactFetchException e = fails(limited, request("/endless.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains("more than 65536 bytes, over the limit of 65536"), e.getMessage());
    assertEquals(1, server.requests("/endless.jar"));
    assertNothingWritten();
  }

  @Test
  void bodyCutShortIsRetriedThenSucceeds() throws Exception {
    server.on("/app.jar", (exchange, attempt) -> {
      if (attempt == 1) {
        exchange.sendResponseHeaders(200, JAR.length);
        OutputStream out = exchange.getResponseBody();
        out.write(JAR, 0, JAR.length / 3);
        out.flush();
        // Closing before Content-Length bytes were sent throws, and the server drops the connection.
        out.close();
      } else {
        ArtifactServer.send(exchange, 200, JAR);
      }
    });

    FetchResult result = fetcher.fetch(request("/app.jar", JAR_SHA));

    assertEquals(JAR.length, result.size());
    assertEquals(2, server.requests("/app.jar"));
    assertTrue(notes.get(0).contains("after " + JAR.length / 3 + " of " + JAR.length + " bytes"), notes::toString);
    assertFalse(notes.get(0).contains("no data"), "a closed connection is seen at once, not as a stall: " + notes);
  }

  @Test
  void bodyAlwaysCutShortFailsAndLeavesNothing() throws Exception {
    server.on("/app.jar", (exchange, attempt) -> {
      exchange.sendResponseHeaders(200, JAR.length);
      OutputStream out = exchange.getResponseBody();
      out.write(JAR, 0, 100);
      out.close();
    });

    ArtifactFetchException e = fails(fetcher, request("/app.jar", JAR_SHA), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains("after 4 attempts: the connection broke after 100 of " + JAR.length + " bytes"),
        e.getMessage());
    assertEquals(4, server.requests("/app.jar"));
    assertNothingWritten();
  }

  @Test
  void mavenCoordinatesAreFetchedFromTheRepository() throws Exception {
    server.on("/maven2/com/example/shop/web-app/1.10/web-app-1.10.jar", ArtifactServer.bytes(JAR));
    FetchRequest request = new FetchRequest(
        ArtifactSource.ofMaven("com.example.shop:web-app:1.10", server.url("/maven2/").toString()), dest, JAR_SHA, null);

    assertEquals(JAR_SHA, fetcher.fetch(request).sha256());
    assertEquals(1, server.requests("/maven2/com/example/shop/web-app/1.10/web-app-1.10.jar"));
  }

  @Test
  void mavenSnapshotIsRefusedWithoutARequest() throws Exception {
    FetchRequest request = new FetchRequest(
        ArtifactSource.ofMaven("com.example:web:1.0-SNAPSHOT", server.url("/maven2").toString()), dest, null, null);

    ArtifactFetchException e = fails(fetcher, request, Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().contains("SNAPSHOT versions are not supported"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void existingDestWithTheChecksumIsKept() throws Exception {
    Files.createDirectories(dest.getParent());
    Files.write(dest, JAR);
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    FetchResult result = fetcher.fetch(request("/app.jar", JAR_SHA));

    assertEquals(new FetchResult(dest, JAR.length, JAR_SHA, false), result);
    assertEquals(0, server.requests("/app.jar"));
  }

  @Test
  void existingDestWithAnotherChecksumIsReplaced() throws Exception {
    Files.createDirectories(dest.getParent());
    Files.write(dest, TestJars.jar("com.example.Old", "com.example.Old"));
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    assertTrue(fetcher.fetch(request("/app.jar", JAR_SHA)).downloaded());

    assertArrayEquals(JAR, Files.readAllBytes(dest));
    assertEquals(1, server.requests("/app.jar"));
  }

  @Test
  void existingDestWithoutPinnedChecksumIsFetchedAgain() throws Exception {
    Files.createDirectories(dest.getParent());
    Files.write(dest, JAR);
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    assertTrue(fetcher.fetch(request("/app.jar", null)).downloaded());
    assertEquals(1, server.requests("/app.jar"));
  }

  @Test
  void notAJarIsInvalid() throws Exception {
    server.on("/page.jar", ArtifactServer.bytes("<html>Sign in</html>".getBytes()));

    ArtifactFetchException e = fails(fetcher, request("/page.jar", null), Reason.INVALID_ARTIFACT);

    assertTrue(e.getMessage().startsWith(server.url("/page.jar") + " is not a jar (zip) file"), e.getMessage());
    assertEquals(1, server.requests("/page.jar"), "invalid bytes are not retried");
    assertNothingWritten();
  }

  @Test
  void jarWithoutMainClassIsInvalid() throws Exception {
    server.on("/lib.jar", ArtifactServer.bytes(TestJars.jar(null, "com.example.Main")));

    ArtifactFetchException e = fails(fetcher, request("/lib.jar", null), Reason.INVALID_ARTIFACT);

    assertEquals("InvalidArtifact: the jar has no Main-Class in its manifest; set source.mainClass", e.toLine());
    assertNothingWritten();
  }

  @Test
  void mainClassGivenMustBeInTheJar() throws Exception {
    server.on("/lib.jar", ArtifactServer.bytes(TestJars.jar(null, "com.example.Main", "com.example.Main$Inner")));

    FetchResult ok = fetcher.fetch(new FetchRequest(ArtifactSource.ofUrl(server.url("/lib.jar").toString()), dest,
        null, "com.example.Main"));
    assertTrue(ok.downloaded());
    Files.delete(dest);

    ArtifactFetchException e = fails(fetcher, new FetchRequest(ArtifactSource.ofUrl(server.url("/lib.jar").toString()),
        dest, null, "com.example.Other"), Reason.INVALID_ARTIFACT);
    assertEquals("the jar has no class com.example.Other (com/example/Other.class); check source.mainClass",
        e.getMessage());
    assertNothingWritten();
  }

  @Test
  void keptJarIsCheckedForTheMainClassToo() throws Exception {
    Files.createDirectories(dest.getParent());
    Files.write(dest, JAR);

    fails(fetcher, new FetchRequest(ArtifactSource.ofUrl(server.url("/app.jar").toString()), dest, JAR_SHA,
        "com.example.Missing"), Reason.INVALID_ARTIFACT);
    assertEquals(0, server.requests("/app.jar"));
  }

  private FetchRequest withCredentials(String path, String sha256, HttpCredentials credentials) {
    return new FetchRequest(ArtifactSource.ofUrl(server.url(path).toString()), dest, sha256, null, credentials);
  }

  @Test
  void credentialsFromASecretAreSentAsBasicOrBearerAndNeverShow() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("deploy:s3cr3t-pw".getBytes());
    String bearer = "Bearer t0k3n-value";
    server.on("/private/app.jar", (exchange, attempt) -> {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      boolean ok = basic.equals(given) || bearer.equals(given);
      ArtifactServer.send(exchange, ok ? 200 : 401, ok ? JAR : new byte[0]);
    });

    assertEquals(JAR_SHA, fetcher.fetch(withCredentials("/private/app.jar", JAR_SHA,
        new HttpCredentials("deploy", "s3cr3t-pw", null))).sha256());
    Files.delete(dest);
    assertEquals(JAR_SHA, fetcher.fetch(withCredentials("/private/app.jar", JAR_SHA,
        new HttpCredentials(null, null, "t0k3n-value"))).sha256());
    Files.delete(dest);

    ArtifactFetchException wrong = fails(fetcher, withCredentials("/private/app.jar", null,
        new HttpCredentials("deploy", "wr0ng-pw", null)), Reason.ARTIFACT_FETCH_FAILED);
    assertEquals("downloading http://127.0.0.1:" + server.port() + "/private/app.jar failed: the server answered"
        + " HTTP 401 (unauthorized): the credentials of source.secretRef are wrong", wrong.getMessage());
    ArtifactFetchException none = fails(fetcher, request("/private/app.jar", null), Reason.ARTIFACT_FETCH_FAILED);
    assertTrue(none.getMessage().endsWith("HTTP 401 (unauthorized): it needs credentials; name a Secret holding"
        + " them in source.secretRef"), none.getMessage());
    assertEquals(4, server.requests("/private/app.jar"), "a refusal is not retried");
    assertNothingWritten();
    String shown = wrong.getMessage() + none.getMessage() + notes
        + withCredentials("/x", null, new HttpCredentials("deploy", "s3cr3t-pw", null));
    assertFalse(shown.contains("s3cr3t-pw") || shown.contains("wr0ng-pw"), shown);
  }

  @Test
  void credentialsAreNotSentToAnotherOriginAfterARedirect() throws Exception {
    try (ArtifactServer cdn = new ArtifactServer()) {
      cdn.on("/blob/app.jar", ArtifactServer.bytes(JAR));
      server.on("/private/app.jar", (exchange, attempt) -> {
        if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
          ArtifactServer.send(exchange, 401, new byte[0]);
        } else {
          exchange.getResponseHeaders().add("Location", cdn.url("/blob/app.jar").toString());
          ArtifactServer.send(exchange, 302, new byte[0]);
        }
      });

      fetcher.fetch(withCredentials("/private/app.jar", JAR_SHA, new HttpCredentials(null, null, "t0k3n")));

      assertEquals(List.of("Bearer t0k3n"), server.authorizations());
      assertEquals(1, cdn.requests("/blob/app.jar"));
      assertEquals(List.of(), cdn.authorizations(), "the CDN must not see the credentials");
    }
  }

  /** The attack: a jar over plain http with nothing to check it against would run as it arrives. */
  @Test
  void plainHttpWithoutSha256IsRefusedBeforeAnyRequest() {
    FetchRequest unpinned = new FetchRequest(ArtifactSource.ofUrl("http://artifacts.example.com/app.jar"), dest, null,
        null);
    ArtifactFetchException e = fails(fetcher, unpinned, Reason.ARTIFACT_FETCH_FAILED);
    assertEquals("http://artifacts.example.com/app.jar is plain http and no sha256 pins the jar, so anyone on the"
        + " way could replace it; set source.sha256, or use an https URL (or repository)", e.getMessage());

    FetchRequest maven = new FetchRequest(ArtifactSource.ofMaven("com.example:app:1.0", "http://nexus.example.com/m2"),
        dest, null, null);
    assertTrue(fails(fetcher, maven, Reason.ARTIFACT_FETCH_FAILED).getMessage()
        .startsWith("http://nexus.example.com/m2/com/example/app/1.0/app-1.0.jar is plain http and no sha256"));
    assertEquals(List.of(), notes, "nothing was tried");
  }

  @Test
  void credentialsAreNeverSentOverPlainHttp() {
    FetchRequest request = new FetchRequest(ArtifactSource.ofUrl("http://artifacts.example.com/app.jar"), dest,
        JAR_SHA, null, new HttpCredentials("deploy", "s3cr3t-pw", null));
    ArtifactFetchException e = fails(fetcher, request, Reason.ARTIFACT_FETCH_FAILED);
    assertEquals("http://artifacts.example.com/app.jar is plain http: credentials are only sent over https; use an"
        + " https URL (or repository)", e.getMessage());
  }

  @Test
  void aRedirectToPlainHttpIsRefusedForAnUnpinnedJar() throws Exception {
    server.on("/latest.jar", (exchange, attempt) -> {
      exchange.getResponseHeaders().add("Location", "http://mirror.example.com/app.jar");
      ArtifactServer.send(exchange, 302, new byte[0]);
    });

    ArtifactFetchException e = fails(fetcher, request("/latest.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().endsWith("the server redirected to plain http (http://mirror.example.com/app.jar),"
        + " where anyone on the way could replace the jar; refused (a sha256 in the spec would allow it)"),
        e.getMessage());
    assertEquals(1, server.requests("/latest.jar"));
    assertNothingWritten();
  }

  @Test
  void httpsIsNeverRedirectedToPlainHttpEvenForAPinnedJar() {
    FetchRequest pinned = new FetchRequest(ArtifactSource.ofUrl("https://artifacts.example.com/app.jar"), dest,
        JAR_SHA, null);
    ArtifactFetchException e = assertThrows(ArtifactFetchException.class, () -> ArtifactFetcher.redirectTarget(
        URI.create("https://artifacts.example.com/app.jar"), "http://artifacts.example.com/app.jar", pinned, "shown"));
    assertTrue(e.getMessage().contains("redirected to plain http"), e.getMessage());
  }

  @Test
  void redirectLoopsEnd() throws Exception {
    server.on("/loop.jar", (exchange, attempt) -> {
      exchange.getResponseHeaders().add("Location", "/loop.jar");
      ArtifactServer.send(exchange, 307, new byte[0]);
    });

    ArtifactFetchException e = fails(fetcher, request("/loop.jar", null), Reason.ARTIFACT_FETCH_FAILED);

    assertTrue(e.getMessage().endsWith("failed: more than 5 redirects"), e.getMessage());
    assertEquals(6, server.requests("/loop.jar"));
  }

  @Test
  void aSizeLimitOfTheCallIsNamedInTheMessage() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    ArtifactFetchException e = assertThrows(ArtifactFetchException.class, () -> fetcher.fetch(request("/app.jar",
        null), new ArtifactFetcher.SizeLimit(10, "the 10 bytes left")));

    assertTrue(e.getMessage().endsWith("is " + JAR.length + " bytes, over the 10 bytes left"), e.getMessage());
  }

  @Test
  void unwritableFolderFailsWithoutRetry() throws Exception {
    Path readOnly = dir.resolve("ro");
    Files.createDirectories(readOnly);
    assertTrue(readOnly.toFile().setWritable(false));
    try {
      server.on("/app.jar", ArtifactServer.bytes(JAR));
      if (Files.isWritable(readOnly)) {
        return; // running as root: permissions do not stop it
      }
      ArtifactFetchException e = fails(fetcher, new FetchRequest(ArtifactSource.ofUrl(server.url("/app.jar")
          .toString()), readOnly.resolve("app.jar"), null, null), Reason.ARTIFACT_FETCH_FAILED);
      assertTrue(e.getMessage().startsWith("cannot write to " + readOnly), e.getMessage());
      assertEquals(0, server.requests("/app.jar"));
    } finally {
      readOnly.toFile().setWritable(true);
    }
  }

  @Test
  void describeNamesTheExceptionAndTheFirstMessage() {
    assertEquals("IllegalStateException: inner",
        ArtifactFetcher.describe(new IOException(new IllegalStateException("inner"))));
    assertEquals("EOFException: EOF reached", ArtifactFetcher.describe(new IOException("closed",
        new EOFException("EOF reached"))));
    assertEquals("IOException: closed", ArtifactFetcher.describe(new IOException("closed", new EOFException())));
    assertEquals("IOException", ArtifactFetcher.describe(new IOException()));
    assertEquals("IOException: to http://***@host/x",
        ArtifactFetcher.describe(new IOException("to http://u:p@host/x")));
    assertTrue(Arrays.asList(Reason.values()).stream().map(Reason::conditionReason).toList()
        .containsAll(List.of("ArtifactFetchFailed", "ChecksumMismatch", "InvalidArtifact")));
  }
}
