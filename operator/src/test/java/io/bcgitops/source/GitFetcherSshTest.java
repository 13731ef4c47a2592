package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.GitSshServer;
import io.bcgitops.testing.CommitFiles;
import io.bcgitops.testing.TestRepo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching over SSH: the Secret's identity and known_hosts are the only keys used, and both are enforced. */
class GitFetcherSshTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  static Path shared;

  private static TestRepo repo;
  private static GitSshServer ssh;
  private static String sha;

  @TempDir
  Path temp;

  private final GitFetcher fetcher = new GitFetcher();
  private Path cache;

  @BeforeAll
  static void startServer() {
    repo = TestRepo.create(shared.resolve("remote"));
    repo.write("apps/web/app.yaml", "name: web\n");
    sha = repo.commit("first");
    ssh = GitSshServer.start(repo);
  }

  @AfterAll
  static void stopServer() {
    ssh.close();
    repo.close();
  }

  @BeforeEach
  void setUp() {
    cache = temp.resolve("cache");
  }

  /** The last revision fetched: what read and exists look at. */
  private FetchedRevision last;

  private FetchedRevision fetch(GitCredentials credentials) throws GitFetchException {
    last = fetcher.fetch(ssh.url(), GitReference.branch("main"), credentials, TIMEOUT, cache);
    return last;
  }

  private String read(String path) throws Exception {
    return CommitFiles.read(last, path);
  }

  private boolean exists(String path) throws Exception {
    return CommitFiles.exists(last, path);
  }

  private static GitCredentials identity(String key, String knownHosts) {
    return new GitCredentials(null, null, null, key, knownHosts);
  }

  @Test
  void rightKeyAndKnownHostsWork() throws Exception {
    FetchedRevision fetched = fetch(identity(ssh.clientPrivateKey(), ssh.knownHosts()));

    assertEquals("main@sha1:" + sha, fetched.revision());
    assertEquals("name: web\n", read("apps/web/app.yaml"));
  }

  @Test
  void openSshFormatKeyWorksToo() throws Exception {
    assertTrue(ssh.clientPrivateKeyOpenSsh().startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));

    FetchedRevision fetched = fetch(identity(ssh.clientPrivateKeyOpenSsh(), ssh.knownHosts()));

    assertEquals("main@sha1:" + sha, fetched.revision());
  }

  @Test
  void secretValuesFromBase64DataWork() throws Exception {
    GitCredentials credentials = GitCredentials.fromSecretData(java.util.Map.of(
        "identity", base64(ssh.clientPrivateKey()),
        "known_hosts", base64(ssh.knownHosts())));

    assertEquals("main@sha1:" + sha, fetch(credentials).revision());
  }

  @Test
  void incrementalFetchOverSsh() throws Exception {
    GitCredentials credentials = identity(ssh.clientPrivateKey(), ssh.knownHosts());
    fetch(credentials);
    repo.branch("ssh-second");
    repo.checkout("ssh-second");
    repo.write("second.txt", "2");
    String second = repo.commit("second");
    repo.checkout("main");

    FetchedRevision fetched = fetcher.fetch(ssh.url(), GitReference.branch("ssh-second"), credentials, TIMEOUT, cache);
    last = fetched;

    assertEquals("ssh-second@sha1:" + second, fetched.revision());
    assertEquals("2", read("second.txt"));
  }

  @Test
  void aBranchIsFetchedListingOnlyThatBranch() throws Exception {
    for (int i = 1; i <= 300; i++) {
      repo.tag("ssh-v1.0." + i); // 16 KB of refs in protocol v0; v2 lists the branch alone
    }
    GitFetcher limited = new GitFetcher(FetchLimits.DEFAULTS.withRefsBytes(8 * 1024));

    assertEquals("main@sha1:" + sha, limited.fetch(ssh.url(), GitReference.branch("main"),
        identity(ssh.clientPrivateKey(), ssh.knownHosts()), TIMEOUT, cache).revision());
    GitFetchException e = assertThrows(GitFetchException.class, () -> limited.fetch(ssh.url(),
        new GitReference(GitReference.Kind.SEMVER, ">=1.0.0"), identity(ssh.clientPrivateKey(), ssh.knownHosts()),
        TIMEOUT, temp.resolve("semver")));
    assertEquals(GitFetchException.Kind.TOO_LARGE, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("the limit BCGITOPS_GIT_MAX_REFS_BYTES sets"), e.getMessage());
  }

  @Test
  void wrongKeyIsAuthenticationError() {
    String wrongKey = GitSshServer.generatePrivateKey();

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(identity(wrongKey, ssh.knownHosts())));

    assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
    assertTrue(e.getMessage().contains("127.0.0.1:" + ssh.port()), "names the host: " + e.getMessage());
    assertFalse(e.getMessage().contains("PRIVATE KEY"), e.getMessage());
    assertFalse(Files.exists(cache.resolve("apps")));
  }

  @Test
  void noKeyIsAuthenticationError() {
    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(identity(null, ssh.knownHosts())));

    assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
  }

  @Test
  void knownHostsWithAnotherHostKeyStopsBeforeAuthenticating() {
    int attemptsBefore = ssh.publicKeyAuthAttempts();

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(identity(ssh.clientPrivateKey(), ssh.knownHostsWithOtherKey())));

    assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
    assertTrue(e.getMessage().toLowerCase().contains("key"), "says the host key is the problem: " + e.getMessage());
    assertEquals(attemptsBefore, ssh.publicKeyAuthAttempts(), "the client never offered its key to an untrusted host");
    assertFalse(Files.exists(cache.resolve("apps")));
  }

  @Test
  void noKnownHostsIsAuthenticationErrorNotTrustOnFirstUse() {
    int attemptsBefore = ssh.publicKeyAuthAttempts();

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(identity(ssh.clientPrivateKey(), null)));

    assertEquals(GitFetchException.Kind.AUTHENTICATION, e.kind());
    assertEquals(attemptsBefore, ssh.publicKeyAuthAttempts());
  }

  @Test
  void hostThatNeverAnswersIsFetchErrorWithinTheTimeout() throws IOException {
    // Accepts TCP connections (the kernel's backlog does) but never speaks SSH.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "ssh://git@127.0.0.1:" + silent.getLocalPort() + "/repo.git";

      GitFetchException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(GitFetchException.class,
          () -> fetcher.fetch(url, GitReference.branch("main"), identity(ssh.clientPrivateKey(), ssh.knownHosts()),
              Duration.ofSeconds(2), cache)));

      assertEquals(GitFetchException.Kind.FETCH, e.kind());
      assertFalse(Thread.currentThread().isInterrupted(), "the fetcher's own deadline does not leak an interrupt");
    }
  }

  @Test
  void nothingListeningIsFetchError() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "ssh://git@127.0.0.1:" + port + "/repo.git";

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetcher.fetch(url, GitReference.branch("main"),
        identity(ssh.clientPrivateKey(), ssh.knownHosts()), TIMEOUT, cache));

    assertEquals(GitFetchException.Kind.FETCH, e.kind());
  }

  private static String base64(String value) {
    return java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
