package io.bcgitops.fetch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.JarInfo;
import io.bcgitops.runtime.RuntimeApi.JarRequest;
import io.bcgitops.testing.Tarpit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader in process: serialized fetches, remembered checksums, path checks, leftovers. */
class LoaderServerTest {
  private static final byte[] JAR = TestJars.runnable();
  private static final String JAR_SHA = TestJars.sha256(JAR);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;
  ArtifactServer upstream;
  LoaderServer loader;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new ArtifactServer();
    loader = newLoader();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private LoaderServer newLoader() throws Exception {
    ArtifactFetcher fetcher = new ArtifactFetcher(ArtifactFetcher.Settings.defaults()
        .withTimeout(Duration.ofSeconds(2)).withRetries(0));
    return new LoaderServer(dir, upstream.url("/repo").toString(), fetcher);
  }

  private JarRequest url(String path, String sha256) {
    return new JarRequest(upstream.url(path).toString(), null, null, sha256, null, null);
  }

  /** An upstream answer that takes a while, counting how many downloads run at once. */
  private ArtifactServer.Responder slow(byte[] body, AtomicInteger running, AtomicInteger mostAtOnce) {
    return (exchange, attempt) -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        Thread.sleep(300);
        ArtifactServer.send(exchange, 200, body);
      } finally {
        running.decrementAndGet();
      }
    };
  }

  private List<JarInfo> concurrently(int count, String name, String version, JarRequest request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<JarInfo>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return loader.fetchNow(name, version, request);
        }));
      }
      go.countDown();
      List<JarInfo> results = new ArrayList<>();
      for (Future<JarInfo> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentPutsOfOneJarDownloadItOnce() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    upstream.on("/pinned.jar", slow(JAR, running, mostAtOnce));
    upstream.on("/unpinned.jar", slow(JAR, running, mostAtOnce));

    List<JarInfo> pinned = concurrently(4, "web", "1.0.0", url("/pinned.jar", JAR_SHA));
    List<JarInfo> unpinned = concurrently(4, "api", "1.0.0", url("/unpinned.jar", null));

    JarInfo expected = new JarInfo("web", "1.0.0", dir.resolve("web/1.0.0/app.jar").toString(), JAR.length, JAR_SHA);
    assertEquals(List.of(expected, expected, expected, expected), pinned);
    assertEquals(1, upstream.requests("/pinned.jar"), "pinned: kept once there");
    // Unpinned, the waiters reuse the result of the download that was running when they came.
    assertEquals(1, upstream.requests("/unpinned.jar"));
    assertTrue(unpinned.stream().allMatch(info -> info.sha256().equals(JAR_SHA)));
    assertEquals(1, mostAtOnce.get(), "never two downloads at once");
  }

  @Test
  void differentVersionsFetchInParallel() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    upstream.on("/v1.jar", slow(JAR, running, mostAtOnce));
    upstream.on("/v2.jar", slow(JAR, running, mostAtOnce));
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<JarInfo> one = pool.submit(() -> {
        go.await();
        return loader.fetchNow("web", "1", url("/v1.jar", null));
      });
      Future<JarInfo> two = pool.submit(() -> {
        go.await();
        return loader.fetchNow("web", "2", url("/v2.jar", null));
      });
      go.countDown();
      assertEquals(JAR_SHA, one.get().sha256());
      assertEquals(JAR_SHA, two.get().sha256());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, mostAtOnce.get());
  }

  @Test
  void aSequentialUnpinnedPutDownloadsAgain() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));

    loader.fetchNow("web", "1.0.0", url("/app.jar", null));
    loader.fetchNow("web", "1.0.0", url("/app.jar", null));

    assertEquals(2, upstream.requests("/app.jar"), "without a sha256 nothing tells the old file is right");
  }

  @Test
  void aFailedRefetchKeepsTheJarThatWasThere() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    loader.fetchNow("web", "1.0.0", url("/app.jar", JAR_SHA));

    ArtifactFetchException failure = assertThrows(ArtifactFetchException.class,
        () -> loader.fetchNow("web", "1.0.0", url("/app.jar", "1".repeat(64))));

    assertEquals(ArtifactFetchException.Reason.CHECKSUM_MISMATCH, failure.reason());
    assertArrayEquals(JAR, Files.readAllBytes(dir.resolve("web/1.0.0/app.jar")));
    assertEquals(1, loader.list().jars().size());
  }

  @Test
  void listComputesChecksumsOfJarsItDidNotFetch() throws Exception {
    byte[] other = TestJars.jar("x.Y", "x.Y");
    Files.createDirectories(dir.resolve("placed/3.0"));
    Files.write(dir.resolve("placed/3.0/app.jar"), other);
    // Not jars the loader knows: another file name, an unsafe folder name, a folder without a jar.
    Files.write(dir.resolve("placed/3.0/notes.txt"), new byte[] {1});
    Files.createDirectories(dir.resolve(".trash/1.0"));
    Files.write(dir.resolve(".trash/1.0/app.jar"), JAR);
    Files.createDirectories(dir.resolve("empty/1.0"));

    assertEquals(List.of(new JarInfo("placed", "3.0", dir.resolve("placed/3.0/app.jar").toString(), other.length,
        TestJars.sha256(other))), loader.list().jars());
    assertEquals(1, loader.health().jars());

    // Replaced behind the loader's back: computed again, not remembered.
    Files.write(dir.resolve("placed/3.0/app.jar"), JAR);
    Files.setLastModifiedTime(dir.resolve("placed/3.0/app.jar"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertEquals(JAR_SHA, loader.list().jars().get(0).sha256());
  }

  @Test
  void startupRemovesPartialDownloads() throws Exception {
    Files.createDirectories(dir.resolve("web/1.0.0"));
    Path part = dir.resolve("web/1.0.0/.app.jar.12345.part");
    Files.write(part, new byte[] {1, 2, 3});
    Files.write(dir.resolve("web/1.0.0/app.jar"), JAR);

    newLoader();

    assertFalse(Files.exists(part));
    assertTrue(Files.exists(dir.resolve("web/1.0.0/app.jar")));
  }

  @Test
  void onlySafePathSegmentsNameAFolder() {
    for (String unsafe : new String[] {"..", ".", "", "a/b", "a\\b", ".hidden", "a b", "a\u0000", "a..b", "x".repeat(129),
        "/abs", "ä"}) {
      assertThrows(IllegalArgumentException.class, () -> loader.folder(unsafe, "1.0"), unsafe);
      assertThrows(IllegalArgumentException.class, () -> loader.folder("web", unsafe), unsafe);
    }
    for (String safe : new String[] {"web", "my_app", "1.2.3", "1.2.3-rc.1+build.7", "V2", "x".repeat(128)}) {
      assertEquals(dir.resolve("web").resolve(safe), loader.folder("web", safe));
    }
  }

  @Test
  void snapshotsAre422NotDownloads() {
    ArtifactFetchException failure = assertThrows(ArtifactFetchException.class,
        () -> loader.fetchNow("web", "1.0-SNAPSHOT", new JarRequest(null, "com.example:web:1.0-SNAPSHOT", null, null,
            null, null)));

    assertEquals(ArtifactFetchException.Reason.ARTIFACT_FETCH_FAILED, failure.reason());
    assertFalse(Files.exists(dir.resolve("web")));
  }

  @Test
  void servesTheRoutesOverHttp() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    try (ApiServer api = loader.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "tok")) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port();
      HttpRequest jar = HttpRequest.newBuilder(URI.create(base + "/v1/jars/web/1.0.0"))
          .header("Authorization", "Bearer tok")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(url("/app.jar", null)))).build();
      HttpResponse<String> accepted = http.send(jar, HttpResponse.BodyHandlers.ofString());
      assertEquals(202, accepted.statusCode(), accepted.body());
      assertEquals(new RuntimeApi.JarFetching("web", "1.0.0"), JSON.readValue(accepted.body(),
          RuntimeApi.JarFetching.class));
      HttpResponse<String> put = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> http.send(jar, HttpResponse.BodyHandlers.ofString()), answer -> answer.statusCode() != 202);
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/health"))
          .header("Authorization", "Bearer tok").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> empty = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/jars/web/2.0.0"))
          .header("Authorization", "Bearer tok").PUT(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());

      assertEquals(200, put.statusCode(), put.body());
      assertEquals(JAR_SHA, JSON.readValue(put.body(), JarInfo.class).sha256());
      assertEquals(200, health.statusCode());
      assertEquals(new LoaderServer.Health("ok", 1), JSON.readValue(health.body(), LoaderServer.Health.class));
      assertEquals(400, empty.statusCode(), empty.body());
    }
  }

  /** A request for a jar, answered at once, until the jar or the failure is the answer. */
  private LoaderServer.JarAnswer settled(String name, String version, JarRequest request) {
    return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> loader.request(name, version, request), answer -> !(answer instanceof LoaderServer.JarAnswer.Fetching));
  }

  /**
   * The reviewer's attack: a server that sends a byte every so often kept a PUT (and the operator's reconcile thread
   * behind it) waiting for minutes. The request is answered at once; the download runs on the loader's own threads,
   * until its deadline.
   */
  @Test
  void aJarRequestIsAnsweredAtOnceWhileTheServerTrickles() throws Exception {
    try (Tarpit tarpit = new Tarpit(Tarpit.Mode.HTTP_BODY, Duration.ofMillis(100))) {
      JarRequest trickled = new JarRequest(tarpit.url(), null, null, null, null, null);
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        assertEquals(new LoaderServer.JarAnswer.Fetching("slow", "1.0"), loader.request("slow", "1.0", trickled));
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(took < 500, "answered after " + took + " ms");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> tarpit.connections() == 1);
      assertEquals(new LoaderServer.JarAnswer.Fetching("slow", "1.0"), loader.request("slow", "1.0", trickled));
      assertEquals(1, tarpit.connections(), "one download, however often it is asked for");

      // At the fetch's deadline (2 s here) the failure is the answer.
      LoaderServer.JarAnswer failed = settled("slow", "1.0", trickled);
      assertTrue(failed instanceof LoaderServer.JarAnswer.Failed, failed.toString());
      assertTrue(((LoaderServer.JarAnswer.Failed) failed).failure().getMessage()
          .contains("did not finish within the timeout of 2s"), failed.toString());
    }
  }

  @Test
  void aFetchedJarIsTheAnswerToTheSameRequestWithoutAnotherDownload() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    JarRequest unpinned = url("/app.jar", null);

    JarInfo expected = new JarInfo("web", "1.0.0", dir.resolve("web/1.0.0/app.jar").toString(), JAR.length, JAR_SHA);
    assertEquals(new LoaderServer.JarAnswer.Ready(expected), settled("web", "1.0.0", unpinned));
    assertEquals(new LoaderServer.JarAnswer.Ready(expected), loader.request("web", "1.0.0", unpinned));
    assertEquals(1, upstream.requests("/app.jar"));

    // Another request for the same version (a sha256 now) is fetched again.
    assertEquals(new LoaderServer.JarAnswer.Fetching("web", "1.0.0"), loader.request("web", "1.0.0",
        url("/app.jar", JAR_SHA)));
  }

  /**
   * A failure stays the answer to the same request for a while (the operator asks every 2 s), then that request
   * fetches again; meanwhile the failure is still the answer, so the app does not flip between failed and fetching.
   */
  @Test
  void aFailedFetchIsTheAnswerUntilItIsTriedAgain() throws Exception {
    loader = new LoaderServer(dir, upstream.url("/repo").toString(), new ArtifactFetcher(ArtifactFetcher.Settings
        .defaults().withTimeout(Duration.ofSeconds(2)).withRetries(0)), RuntimeApi.APPS_MAX_TOTAL_BYTES,
        LoaderServer.DEFAULT_UNUSED_GRACE, Duration.ofMillis(500));
    JarRequest request = url("/late.jar", null);

    LoaderServer.JarAnswer failed = settled("late", "1.0", request);
    assertTrue(failed instanceof LoaderServer.JarAnswer.Failed, failed.toString());
    assertTrue(((LoaderServer.JarAnswer.Failed) failed).failure().getMessage().contains("HTTP 404"), failed.toString());
    assertEquals(failed, loader.request("late", "1.0", request));
    assertEquals(1, upstream.requests("/late.jar"), "not fetched again yet");

    upstream.on("/late.jar", ArtifactServer.bytes(JAR));
    Thread.sleep(600);
    assertEquals(failed, loader.request("late", "1.0", request), "fetched again; the failure is the answer meanwhile");
    await().atMost(Duration.ofSeconds(10)).until(() -> loader.request("late", "1.0", request)
        instanceof LoaderServer.JarAnswer.Ready);
    assertEquals(2, upstream.requests("/late.jar"));
  }

  private LoaderServer loaderWith(long maxTotalBytes, Duration unusedGrace) throws Exception {
    ArtifactFetcher fetcher = new ArtifactFetcher(ArtifactFetcher.Settings.defaults()
        .withTimeout(Duration.ofSeconds(2)).withRetries(0));
    return new LoaderServer(dir, upstream.url("/repo").toString(), fetcher, maxTotalBytes, unusedGrace);
  }

  private static AppState app(String name, String version, EmbeddedState state) {
    return new AppState(name, version, state, "healthy", 0, null, null, null, null, null);
  }

  private List<String> jars() throws Exception {
    return loader.list().jars().stream().map(j -> j.name() + "/" + j.version()).toList();
  }

  /**
   * The attack: every upgrade left the previous version's jar in the pool's /apps, until
   * the volume filled up. A version stays while the host may still need it (an upgrade not yet
   * confirmed can fall back to it), and goes once the host runs another one, or no longer has the app.
   */
  @Test
  void jarsNoAppOfTheHostRunsAreRemoved() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    loader = loaderWith(RuntimeApi.APPS_MAX_TOTAL_BYTES, Duration.ZERO);
    for (String jar : List.of("web/1.0", "web/1.1", "api/1.0", "old/0.9")) {
      loader.fetchNow(jar.split("/")[0], jar.split("/")[1], url("/app.jar", JAR_SHA));
    }

    // web is being upgraded to 1.1: the host may fall back to 1.0, and restart either from its jar.
    assertEquals(List.of("old/0.9"), loader.removeUnused(List.of(app("web", "1.1", EmbeddedState.Starting),
        app("api", "1.0", EmbeddedState.Running))));
    assertEquals(List.of("api/1.0", "web/1.0", "web/1.1"), jars());

    // The upgrade is done; api was removed from the host.
    assertEquals(List.of("api/1.0", "web/1.0"), loader.removeUnused(List.of(app("web", "1.1", EmbeddedState.Running))));
    assertEquals(List.of("web/1.1"), jars());
    assertFalse(Files.exists(dir.resolve("api")), "no empty folder left");
  }

  @Test
  void aJarJustAskedForIsKeptUntilTheHostCouldHaveLoadedIt() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    loader = loaderWith(RuntimeApi.APPS_MAX_TOTAL_BYTES, Duration.ofMinutes(10));
    loader.fetchNow("web", "2.0", url("/app.jar", JAR_SHA));

    // The operator fetches the jar, then loads it: in between, the host does not have it yet.
    assertEquals(List.of(), loader.removeUnused(List.of()));
    assertEquals(List.of("web/2.0"), jars());

    // Jars found on disk at startup count as asked for then: a restarted loader removes nothing at once.
    loader = loaderWith(RuntimeApi.APPS_MAX_TOTAL_BYTES, Duration.ofMinutes(10));
    assertEquals(List.of(), loader.removeUnused(List.of()));
  }

  /**
   * The jars together stay under the folder's limit: past the emptyDir's sizeLimit the kubelet
   * would evict the pool, every app in it; here the one jar that does not fit fails, with a reason.
   */
  @Test
  void theJarsTogetherStayUnderTheFoldersLimit() throws Exception {
    upstream.on("/app.jar", ArtifactServer.bytes(JAR));
    long limit = 2L * JAR.length + JAR.length / 2;
    loader = loaderWith(limit, Duration.ZERO);
    loader.fetchNow("one", "1.0", url("/app.jar", JAR_SHA));
    loader.fetchNow("two", "1.0", url("/app.jar", JAR_SHA));

    ArtifactFetchException full = assertThrows(ArtifactFetchException.class,
        () -> loader.fetchNow("three", "1.0", url("/app.jar", JAR_SHA)));

    assertEquals(ArtifactFetchException.Reason.ARTIFACT_FETCH_FAILED, full.reason());
    assertTrue(full.getMessage().contains("over the " + (limit - 2L * JAR.length) + " bytes left of the " + limit
        + " this runtime pool's jars may take together"), full.getMessage());
    assertEquals(List.of("one/1.0", "two/1.0"), jars());
    // A jar already there needs no room.
    assertEquals(JAR_SHA, loader.fetchNow("two", "1.0", url("/app.jar", JAR_SHA)).sha256());

    loader.removeUnused(List.of(app("two", "1.0", EmbeddedState.Running)));
    assertEquals(JAR_SHA, loader.fetchNow("three", "1.0", url("/app.jar", JAR_SHA)).sha256());
  }
}
