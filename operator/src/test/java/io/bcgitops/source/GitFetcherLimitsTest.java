package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.CommitFiles;
import io.bcgitops.testing.GitDaemonServer;
import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.Tarpit;
import io.bcgitops.testing.TestRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hostile remote (issue 12): a server that trickles, a repository with a huge object or pack,
 * credentials in the URL. Each fetch ends on time, within its limits, and writes no secret.
 */
class GitFetcherLimitsTest {
  /** The slow server of issue 12: a byte every 1.5 s, under a 2 s timeout, held a fetch past 30 s. */
  private static final Duration TRICKLE = Duration.ofMillis(1500);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** What the fetch may take past its deadline: closing the transport and unwinding JGit. */
  private static final Duration MARGIN = Duration.ofMillis(1000);

  @TempDir
  Path temp;

  private TestRepo repo;
  private Path cache;

  @BeforeEach
  void setUp() {
    repo = TestRepo.create(temp.resolve("remote"));
    cache = temp.resolve("cache");
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Tarpit.Mode.class)
  void aServerThatTricklesIsCutOffAtTheDeadline(Tarpit.Mode mode) {
    try (Tarpit tarpit = new Tarpit(mode, TRICKLE)) {
      long started = System.nanoTime();
      GitFetchException e = assertThrows(GitFetchException.class,
          () -> new GitFetcher().fetch(tarpit.url(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertEquals(GitFetchException.Kind.FETCH, e.kind());
      assertTrue(e.getMessage().contains("did not finish within 2s (spec.timeout)"), e.getMessage());
      assertTrue(took.compareTo(TIMEOUT.plus(MARGIN)) < 0, "ended after " + took.toMillis() + " ms");
      assertTrue(tarpit.connections() > 0, "the tarpit was reached");
      assertFalse(Thread.currentThread().isInterrupted(), "the deadline's interrupt does not leak");
      System.out.printf("tarpit %s: fetch with timeout 2s ended after %d ms%n", mode, took.toMillis());
    }
  }

  @Test
  void gitDaemonUrlsAreFetched() throws Exception {
    repo.write("apps/web/app.yaml", "name: web\n");
    String sha = repo.commit("first");
    try (GitDaemonServer daemon = GitDaemonServer.of(repo)) {
      String url = daemon.url();

      FetchedRevision fetched = new GitFetcher().fetch(url, GitReference.branch("main"), GitCredentials.NONE,
          Duration.ofSeconds(10), cache);

      assertEquals("main@sha1:" + sha, fetched.revision());
      assertEquals("name: web\n", CommitFiles.read(fetched, "apps/web/app.yaml"));
    }
  }

  @Test
  void anObjectOverTheLimitIsRefusedBeforeItIsHeld() {
    repo.write("apps/web/app.yaml", "name: web\n").write("big.bin", random(300 * 1024, 0));
    repo.commit("a big file");
    GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withObjectBytes(256 * 1024));

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetcher.fetch(repo.fileUrl(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache));

    assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind());
    assertTrue(e.getMessage().contains("larger than 256 KiB, the limit BCGITOPS_GIT_MAX_OBJECT_BYTES sets"),
        e.getMessage());
  }

  @Test
  void aPackOverTheLimitIsRefusedAndNotKept() throws Exception {
    repo.write("apps/web/app.yaml", "name: web\n");
    for (int i = 0; i < 8; i++) {
      repo.write("data/" + i + ".bin", random(100 * 1024, i));
    }
    repo.commit("800 KiB that do not compress");
    GitFetcher fetcher = new GitFetcher(FetchLimits.DEFAULTS.withFetchBytes(256 * 1024));

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetcher.fetch(repo.fileUrl(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache));

    assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind());
    assertTrue(e.getMessage().contains("larger than 256 KiB, the limit BCGITOPS_GIT_MAX_FETCH_BYTES sets"),
        e.getMessage());
    assertTrue(packBytes() < 256 * 1024, "no pack over the limit is left in the cache: " + packBytes());
  }

  @Test
  void credentialsInTheUrlAreUsedButNeverWrittenToTheCache() throws Exception {
    String user = "x-access-token";
    String token = "ghp_SecretToken0123456789";
    repo.write("apps/web/app.yaml", "name: web\n");
    String sha = repo.commit("first");
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, user, token)) {
      FetchedRevision fetched = new GitFetcher().fetch(http.urlWithUserInfo(user, token), GitReference.branch("main"),
          GitCredentials.NONE, Duration.ofSeconds(10), cache);
      assertEquals("main@sha1:" + sha, fetched.revision());

      try (Stream<Path> files = Files.walk(temp.resolve("cache").getParent())) {
        for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(repo.dir())).toList()) {
          String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          assertFalse(content.contains(token), file + " holds the token");
          assertFalse(content.contains(user + ":"), file + " holds the URL's user info");
        }
      }
    }
  }

  @Test
  void aWrongTokenInTheUrlIsNotWrittenEither() throws Exception {
    repo.write("apps/web/app.yaml", "name: web\n");
    repo.commit("first");
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, "alice", "right-password")) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> new GitFetcher().fetch(
          http.urlWithUserInfo("alice", "wrong-token-4242"), GitReference.branch("main"), GitCredentials.NONE,
          Duration.ofSeconds(10), cache));

      assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
      assertFalse(e.getMessage().contains("wrong-token-4242"), e.getMessage());
      assertNull(findIn(cache, "wrong-token-4242"));
    }
  }

  private static String findIn(Path dir, String secret) throws IOException {
    if (!Files.exists(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(secret)) {
          return file.toString();
        }
      }
    }
    return null;
  }

  private long packBytes() throws IOException {
    Path packs = cache.resolve("objects/pack");
    if (!Files.isDirectory(packs)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(packs)) {
      long total = 0;
      for (Path file : files.toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  /** Bytes that do not compress, as text (TestRepo writes strings). */
  private static String random(int size, long seed) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder(size);
    List<Character> chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/".chars()
        .mapToObj(c -> (char) c).toList();
    for (int i = 0; i < size; i++) {
      out.append(chars.get(random.nextInt(chars.size())));
    }
    return out.toString();
  }
}
