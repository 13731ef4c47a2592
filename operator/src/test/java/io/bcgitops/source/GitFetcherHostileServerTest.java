package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bcgitops.testing.GitDaemonServer;
import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.HostileGitDaemon;
import io.bcgitops.testing.HostilePacks;
import io.bcgitops.testing.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks a reviewer made on fetching (issue 12), each with small limits: packs of a few KB
 * that cost JGit gigabytes (a chain of deltas on a large object), a minute (the same chain with its
 * leaves first) or a table of billions of entries (a pack's header); a server listing millions of
 * refs; responses that grow once JGit inflates them. Each is stopped at its limit or its deadline,
 * with a message naming the setting.
 */
class GitFetcherHostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** What a fetch may take past its deadline: closing the transport and unwinding JGit. */
  private static final Duration MARGIN = Duration.ofMillis(1000);
  private static final int MIB = 1 << 20;

  @TempDir
  Path temp;

  private Path cache;
  private TestRepo repo;

  @BeforeEach
  void setUp() {
    cache = temp.resolve("cache");
    repo = TestRepo.create(temp.resolve("remote"));
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  private static GitFetchException refused(GitFetcher fetcher, String url, GitReference ref, Duration timeout,
      Path cache) {
    return assertThrows(GitFetchException.class, () -> fetcher.fetch(url, ref, GitCredentials.NONE, timeout, cache));
  }

  @Test
  void aChainOfDeltasHeldWholeStopsAtTheInflatedLimit() {
    // 64 levels of 256 KiB: JGit would hold 16 MiB at once for a pack of a few KB.
    byte[] pack = HostilePacks.deltaComb(256 * 1024, 64, false);
    try (HostileGitDaemon daemon = new HostileGitDaemon(0, pack)) {
      GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withObjectBytes(MIB).withInflatedBytes(2 * MIB));

      GitFetchException e = refused(fetcher, daemon.url(), GitReference.branch("main"), TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("was stopped: the objects it rebuilds from the deltas on one base add up to"
          + " more than 2 MiB, the limit BCGITOPS_GIT_MAX_INFLATED_BYTES sets"), e.getMessage());
      assertFalse(Files.exists(cache), "nothing is kept");
      assertFalse(Files.exists(temp.resolve("cache.next")), "nothing is kept");
    }
  }

  /**
   * The reviewer's 18 KB pack, scaled down: 100 levels of 1 MiB would hold 100 MiB. With limits that
   * bound what the fetch holds to 8 MiB rebuilt (plus a base and a delta of at most 2 MiB each), it
   * ends within a heap of 40 MiB; with the rebuilt objects' limit above what the pack holds, the
   * same fetch runs out of that heap.
   */
  @Test
  void aChainOfDeltasFitsInASmallHeap() throws Exception {
    byte[] pack = HostilePacks.deltaComb(MIB, 100, false);
    try (HostileGitDaemon daemon = new HostileGitDaemon(0, pack)) {
      ChildFetch bounded = fetchInA40MiBHeap(daemon.url(), "8Mi");

      assertEquals(0, bounded.exit(), "no OutOfMemoryError:\n" + bounded.output());
      assertTrue(bounded.output().contains("TOO_LARGE: fetching branch 'main' from " + daemon.url() + " was stopped:"
          + " the objects it rebuilds from the deltas on one base add up to more than 8 MiB"), bounded.output());
      System.out.println("a chain of 100 deltas of 1 MiB (" + pack.length + " bytes on the wire), -Xmx40m: "
          + bounded.output().lines().filter(l -> l.startsWith("took")).findFirst().orElse(""));

      ChildFetch unbounded = fetchInA40MiBHeap(daemon.url(), "1Gi");
      assertEquals(3, unbounded.exit(), "-XX:+ExitOnOutOfMemoryError:\n" + unbounded.output());
    }
  }

  private record ChildFetch(int exit, String output) {
  }

  private ChildFetch fetchInA40MiBHeap(String url, String inflatedBytes) throws Exception {
    Path log = Files.createTempFile(temp, "child", ".log");
    ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx40m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.bcgitops.testing.OneFetch", url, "main", "PT30S",
        Files.createTempDirectory(temp, "cache").resolve("cache").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    child.environment().keySet().removeIf(k -> k.startsWith("BCGITOPS_"));
    child.environment().put("BCGITOPS_GIT_MAX_OBJECT_BYTES", "2Mi");
    child.environment().put("BCGITOPS_GIT_MAX_INFLATED_BYTES", inflatedBytes);
    Process process = child.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the fetch ended");
    return new ChildFetch(process.exitValue(), Files.readString(log));
  }

  /** The reviewer's 37 KB pack ran 57 s on a 5 s spec.timeout: JGit asked whether to stop only between bases. */
  @Test
  void theDeadlineHoldsWhileDeltasAreResolved() {
    // 2,000 levels with the leaves first: JGit holds two objects of 1 MiB at once, but rebuilds 4,000.
    byte[] pack = HostilePacks.deltaComb(MIB, 2000, true);
    try (HostileGitDaemon daemon = new HostileGitDaemon(0, pack)) {
      GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withObjectBytes(2 * MIB)
          .withInflatedBytes(1L << 40));
      Duration timeout = Duration.ofSeconds(2);
      long started = System.nanoTime();

      GitFetchException e = refused(fetcher, daemon.url(), GitReference.branch("main"), timeout, cache);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertEquals(GitFetchException.Kind.FETCH, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("did not finish within 2s (spec.timeout)"), e.getMessage());
      assertTrue(took.compareTo(timeout.plus(MARGIN)) < 0, "ended after " + took.toMillis() + " ms");
      assertFalse(Thread.currentThread().isInterrupted(), "the deadline's interrupt does not leak");
    }
  }

  @Test
  void aPackClaimingBillionsOfObjectsIsRefusedBeforeJGitSizesItsTables() {
    // JGit allocates a table of the objects the header states (8 bytes each) before it reads one.
    try (HostileGitDaemon daemon = new HostileGitDaemon(0, HostilePacks.headerOnly(2_000_000_000L))) {
      GitFetchException e = refused(new GitFetcher(), daemon.url(), GitReference.branch("main"), TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().endsWith("was stopped: its pack holds 2000000000 objects, more than 100000, the limit"
          + " BCGITOPS_GIT_MAX_OBJECTS sets"), e.getMessage());
    }
  }

  @Test
  void aPackOfManySmallObjectsStopsAtTheObjectLimit() {
    // The reviewer's 72 MB pack of 1.85M blobs was within every byte limit, and took 4 fetches' heap.
    for (int i = 0; i < 150; i++) {
      repo.write("junk/" + i, String.valueOf(i));
    }
    repo.commit("150 files");
    GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withObjects(100));

    GitFetchException e = refused(fetcher, repo.fileUrl(), GitReference.branch("main"), TIMEOUT, cache);

    assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("its pack holds 153 objects, more than 100, the limit BCGITOPS_GIT_MAX_OBJECTS"
        + " sets"), e.getMessage());
  }

  @Test
  void aServerListingMillionsOfRefsIsStoppedAtTheRefsLimit() {
    // Protocol v0 lists every ref; the reviewer's 2M tags took the heap of a fetch of one branch.
    try (HostileGitDaemon daemon = new HostileGitDaemon(2_000_000, new byte[0])) {
      long started = System.nanoTime();
      GitFetchException e = refused(new GitFetcher(FetchLimits.DEFAULTS.withRefsBytes(MIB)), daemon.url(),
          GitReference.branch("main"), TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().endsWith("was stopped: the server sent more than 1 MiB of refs before the pack, the"
          + " limit BCGITOPS_GIT_MAX_REFS_BYTES sets"), e.getMessage());
      assertTrue(System.nanoTime() - started < TIMEOUT.toNanos() / 2, "stopped at once");
    }
  }

  @Test
  void aBranchIsFetchedOverGitDaemonListingOnlyThatBranch() throws Exception {
    manyTags(500);
    try (GitDaemonServer daemon = GitDaemonServer.of(repo)) {
      String url = daemon.url();
      // 500 tags are 30 KB in protocol v0; in v2 the daemon lists refs/heads/main alone.
      GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withRefsBytes(8 * 1024));

      assertEquals("main@sha1:" + repo.head(), fetcher.fetch(url, GitReference.branch("main"), GitCredentials.NONE,
          TIMEOUT, cache).revision());
    }
  }

  @Test
  void overHttpABranchListsOnlyThatBranchAndSemverEveryTagWithinTheRefsLimit() throws Exception {
    manyTags(500);
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withRefsBytes(8 * 1024));

      assertEquals("main@sha1:" + repo.head(), fetcher.fetch(http.url(), GitReference.branch("main"),
          GitCredentials.NONE, TIMEOUT, cache).revision());
      Path pack = onlyPack();
      GitFetchException e = refused(fetcher, http.url(), new GitReference(GitReference.Kind.SEMVER, ">=1.0.0"),
          TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("more than 8 KiB of refs before the pack, the limit"
          + " BCGITOPS_GIT_MAX_REFS_BYTES sets"), e.getMessage());
      assertEquals(pack, onlyPack(), "the cache is as it was");
    }
  }

  private void manyTags(int count) {
    repo.write("apps/web/app.yaml", "name: web\n");
    repo.commit("first");
    for (int i = 1; i <= count; i++) {
      repo.tag("v1.0." + i);
    }
  }

  @Test
  void aFetchWithNothingNewAsksForTheRefAndDownloadsNothing() throws Exception {
    repo.write("apps/web/app.yaml", "name: web\n");
    String sha = repo.commit("first");
    try (GitHttpServer http = GitHttpServer.anonymous(repo)) {
      GitFetcher fetcher = new GitFetcher();
      fetcher.fetch(http.url(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache);
      int first = http.uploadPackRequests();
      Path pack = onlyPack();

      FetchedRevision again = fetcher.fetch(http.url(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT,
          cache);

      assertEquals("main@sha1:" + sha, again.revision());
      assertEquals(3, first, "the capabilities, the refs, the pack");
      assertEquals(2, http.uploadPackRequests() - first, "the capabilities and the refs, no pack");
      assertEquals(pack, onlyPack(), "the cache is kept as it was");
    }
  }

  /** Issue 12's reviewer: a pack of 78 MiB was refused as larger than 120 MiB, its index counted with it. */
  @Test
  void aPackIsMeasuredWithoutItsIndex() throws Exception {
    for (int i = 0; i < 2000; i++) {
      repo.write("junk/" + i, String.valueOf(i)); // tiny objects: the index is as large as the pack
    }
    String sha = repo.commit("2,000 files");
    new GitFetcher().fetch(repo.fileUrl(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache);
    long packBytes = Files.size(onlyPack());
    long indexBytes = Files.size(Path.of(onlyPack().toString().replace(".pack", ".idx")));
    assertTrue(indexBytes > packBytes / 2, "an index of " + indexBytes + " bytes, a pack of " + packBytes);

    GitFetcher exact = new GitFetcher(FetchLimits.DEFAULTS.withFetchBytes(packBytes));
    assertEquals("main@sha1:" + sha, exact.fetch(repo.fileUrl(), GitReference.branch("main"), GitCredentials.NONE,
        TIMEOUT, temp.resolve("exact")).revision());
    GitFetcher under = new GitFetcher(FetchLimits.DEFAULTS.withFetchBytes(packBytes - 1));
    GitFetchException e = refused(under, repo.fileUrl(), GitReference.branch("main"), TIMEOUT, temp.resolve("under"));
    assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
  }

  private Path onlyPack() throws IOException {
    try (Stream<Path> files = Files.list(cache.resolve("objects/pack"))) {
      List<Path> packs = files.filter(f -> f.toString().endsWith(".pack")).toList();
      assertEquals(1, packs.size(), packs.toString());
      return packs.get(0);
    }
  }

  @Test
  void aCompressedResponseIsRefused() throws Exception {
    // gzip of a list of refs: a few KB that JGit would inflate to millions of refs, past the count.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(body)) {
      gzip.write(pktLine("# service=git-upload-pack\n"));
      gzip.write("0000".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 100_000; i++) {
        gzip.write(pktLine(HostileGitDaemon.MAIN + " refs/tags/t" + i + "\n"));
      }
      gzip.write("0000".getBytes(StandardCharsets.US_ASCII));
    }
    HttpServer server = answering(Map.of("Content-Type", "application/x-git-upload-pack-advertisement",
        "Content-Encoding", "gzip"), body.toByteArray(), new ArrayList<>());
    try {
      String url = urlOf(server);
      GitFetchException e = refused(new GitFetcher(), url, GitReference.branch("main"), TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.FETCH, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("answered with Content-Encoding gzip, which was not asked for"),
          e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void dumbHttpIsRefusedBeforeAnyObjectIsDownloaded() throws Exception {
    // Dumb HTTP downloads the remote's packs and objects as files, past the pack's limits.
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer server = answering(Map.of("Content-Type", "text/plain"),
        (HostileGitDaemon.MAIN + "\trefs/heads/main\n").getBytes(StandardCharsets.US_ASCII), asked);
    try {
      String url = urlOf(server);
      GitFetchException e = refused(new GitFetcher(), url, GitReference.branch("main"), TIMEOUT, cache);

      assertEquals(GitFetchException.Kind.FETCH, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("offers only git's \"dumb\" HTTP protocol"), e.getMessage());
      assertTrue(asked.stream().noneMatch(path -> path.contains("/objects/")), asked.toString());
    } finally {
      server.stop(0);
    }
  }

  /** A server answering every request with {@code body} and {@code headers}; each path asked is added to {@code asked}. */
  private static HttpServer answering(Map<String, String> headers, byte[] body, List<String> asked) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      headers.forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static String urlOf(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
  }

  private static byte[] pktLine(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[bytes.length + 4];
    System.arraycopy(String.format("%04x", out.length).getBytes(StandardCharsets.US_ASCII), 0, out, 0, 4);
    System.arraycopy(bytes, 0, out, 4, bytes.length);
    return out;
  }
}
