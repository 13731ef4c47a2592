package io.bcgitops.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch command as the init container runs it: output, exit code and termination log. */
class FetchCommandTest {
  private static final byte[] JAR = TestJars.runnable();
  private static final String JAR_SHA = TestJars.sha256(JAR);

  @TempDir
  Path dir;
  Path dest;
  Path terminationLog;
  ArtifactServer server;

  record Run(int code, String out, String err) {
  }

  @BeforeEach
  void setUp() throws Exception {
    dest = dir.resolve("app.jar");
    terminationLog = dir.resolve("termination-log");
    server = new ArtifactServer();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  /** Runs fetch with --dest and --termination-log set, plus the given arguments. */
  private Run fetch(String... args) {
    List<String> all = new ArrayList<>(List.of("--dest", dest.toString(), "--termination-log",
        terminationLog.toString(), "--timeout", "1s"));
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  private static Run runRaw(String... args) {
    return runRaw(Map.of(), args);
  }

  /** Runs fetch with this environment (where a vm pod's init container gets the Secret's credentials). */
  private static Run runRaw(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = FetchCommand.run(args, env, o, e, Duration.ofMillis(10));
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String terminationMessage() throws Exception {
    return Files.readString(terminationLog);
  }

  @Test
  void successPrintsOneLineAndExitsZero() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    Run run = fetch("--url", server.url("/app.jar").toString(), "--sha256", JAR_SHA);

    assertEquals(0, run.code(), run.err());
    assertEquals("fetched " + dest + ": " + JAR.length + " bytes, sha256 " + JAR_SHA + "\n", run.out());
    assertArrayEquals(JAR, Files.readAllBytes(dest));
    assertFalse(Files.exists(terminationLog), "nothing to report on success");
  }

  @Test
  void restartKeepsTheVerifiedJar() throws Exception {
    Files.write(dest, JAR);
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    Run run = fetch("--url=" + server.url("/app.jar"), "--sha256=" + JAR_SHA);

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("kept (already verified) " + dest), run.out());
    assertEquals(0, server.requests("/app.jar"));
  }

  @Test
  void mavenWithRepository() throws Exception {
    server.on("/m2/com/example/web/1.0.0/web-1.0.0.jar", ArtifactServer.bytes(JAR));

    Run run = fetch("--maven", "com.example:web:1.0.0", "--repository", server.url("/m2/").toString(),
        "--main-class", "com.example.Main");

    assertEquals(0, run.code(), run.err());
  }

  @Test
  void notFoundExitsOneWithTheReasonInTheTerminationLog() throws Exception {
    Run run = fetch("--url", server.url("/missing.jar").toString(), "--retries", "5");

    assertEquals(1, run.code());
    String message = terminationMessage();
    assertTrue(message.startsWith("ArtifactFetchFailed: downloading " + server.url("/missing.jar")
        + " failed: the server answered HTTP 404"), message);
    assertFalse(message.contains("\n"), "one line");
    assertEquals(message + "\n", run.err());
    assertEquals(1, server.requests("/missing.jar"));
  }

  @Test
  void checksumMismatchIsReportedAsSuch() throws Exception {
    server.on("/app.jar", ArtifactServer.bytes(JAR));

    Run run = fetch("--url", server.url("/app.jar").toString(), "--sha256", "ab".repeat(32));

    assertEquals(1, run.code());
    assertTrue(terminationMessage().startsWith("ChecksumMismatch: "), terminationMessage());
    assertFalse(Files.exists(dest));
  }

  @Test
  void jarWithoutMainClassIsReportedAsInvalidArtifact() throws Exception {
    server.on("/lib.jar", ArtifactServer.bytes(TestJars.jar(null, "com.example.Lib")));

    Run run = fetch("--url", server.url("/lib.jar").toString());

    assertEquals(1, run.code());
    assertEquals("InvalidArtifact: the jar has no Main-Class in its manifest; set source.mainClass",
        terminationMessage());
  }

  @Test
  void retriesAreLoggedAndTheLastErrorReported() throws Exception {
    server.on("/app.jar", (exchange, attempt) -> ArtifactServer.send(exchange, 502, new byte[0]));

    Run run = fetch("--url", server.url("/app.jar").toString(), "--retries", "2");

    assertEquals(1, run.code());
    assertEquals(3, server.requests("/app.jar"));
    assertTrue(run.err().contains("attempt 1 of 3") && run.err().contains("attempt 2 of 3"), run.err());
    assertTrue(terminationMessage().contains("after 3 attempts: the server answered HTTP 502"), terminationMessage());
  }

  @Test
  void snapshotIsAFetchFailureTheUserSees() throws Exception {
    Run run = fetch("--maven", "com.example:web:1.0-SNAPSHOT", "--repository", server.url("/m2").toString());

    assertEquals(1, run.code());
    assertTrue(terminationMessage().startsWith("ArtifactFetchFailed: Maven SNAPSHOT versions are not supported"),
        terminationMessage());
  }

  /** The attack: user:password@ in the URL, copied into args and messages. Refused, and never echoed. */
  @Test
  void aUrlWithCredentialsIsRefusedWithoutEchoingThem() throws Exception {
    for (List<String> args : List.of(
        List.of("--url", "https://deployer:Pa55-w0rd@artifacts.example.com/a.jar"),
        List.of("--url", "ftp://deployer:Pa55-w0rd@host/a.jar"),
        List.of("--maven", "com.example:a:1.0", "--repository", "https://deployer:Pa55-w0rd@nexus.example.com/m2"))) {
      Run run = fetch(args.toArray(String[]::new));

      assertEquals(2, run.code(), run.err());
      for (String text : List.of(run.out(), run.err(), terminationMessage())) {
        assertFalse(text.contains("Pa55-w0rd") || text.contains("deployer"), text);
      }
      assertTrue(run.err().contains("holds credentials") || run.err().contains("not an http(s) URL"), run.err());
    }
  }

  /** Credentials come from the environment (a Secret, in a pod), go to the URL's host, and show nowhere. */
  @Test
  void credentialsFromTheEnvironmentAnswerTheServerAndNeverShow() throws Exception {
    String expected = "Basic " + Base64.getEncoder().encodeToString("deployer:Pa55-w0rd".getBytes());
    server.on("/private/app.jar", (exchange, attempt) -> ArtifactServer.send(exchange,
        expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? 200 : 401,
        expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? JAR : new byte[0]));
    Map<String, String> env = Map.of(ArtifactCredentials.USERNAME_ENV, "deployer",
        ArtifactCredentials.PASSWORD_ENV, "Pa55-w0rd");

    Run ok = runRaw(env, "--dest", dest.toString(), "--termination-log", terminationLog.toString(),
        "--url", server.url("/private/app.jar").toString(), "--sha256", JAR_SHA);
    assertEquals(0, ok.code(), ok.err());
    assertArrayEquals(JAR, Files.readAllBytes(dest));

    Run wrong = runRaw(Map.of(ArtifactCredentials.BEARER_TOKEN_ENV, "t0ken-Secret"), "--dest",
        dir.resolve("other.jar").toString(), "--termination-log", terminationLog.toString(),
        "--url", server.url("/private/app.jar").toString());
    assertEquals(1, wrong.code());
    assertTrue(terminationMessage().contains("HTTP 401 (unauthorized): the credentials of source.secretRef are"
        + " wrong"), terminationMessage());
    for (String text : List.of(ok.out(), ok.err(), wrong.out(), wrong.err(), terminationMessage())) {
      assertFalse(text.contains("Pa55-w0rd") || text.contains("t0ken-Secret"), text);
    }
  }

  /** The attack: a jar over plain http with nothing to check it against runs as it arrives. */
  @Test
  void aPlainHttpUrlWithoutSha256IsRefusedBeforeAnyRequest() throws Exception {
    Run run = fetch("--url", "http://artifacts.example.com/app.jar");

    assertEquals(1, run.code());
    assertEquals("ArtifactFetchFailed: http://artifacts.example.com/app.jar is plain http and no sha256 pins the"
        + " jar, so anyone on the way could replace it; set source.sha256, or use an https URL (or repository)",
        terminationMessage());
    assertFalse(Files.exists(dest));
  }

  @Test
  void badArgumentsExitTwoWithUsage() throws Exception {
    String url = server.url("/app.jar").toString();
    List<List<String>> cases = List.of(
        List.of("--url", url),
        List.of("--dest", dest.toString(), "--url", url, "--maven", "g:a:1"),
        List.of("--dest", dest.toString()),
        List.of("--dest", dest.toString(), "--url", url, "--sha256", "abc"),
        List.of("--dest", dest.toString(), "--url", url, "--sha256", "g".repeat(64)),
        List.of("--dest", dest.toString(), "--url", url, "--repository", "https://repo"),
        List.of("--dest", dest.toString(), "--maven", "g:a"),
        List.of("--dest", dest.toString(), "--url", "file:///tmp/app.jar"),
        List.of("--dest", dest.toString(), "--url", url, "--timeout", "soon"),
        List.of("--dest", dest.toString(), "--url", url, "--timeout", "0s"),
        List.of("--dest", dest.toString(), "--url", url, "--retries", "-1"),
        List.of("--dest", dest.toString(), "--url", url, "--max-bytes", "0"),
        List.of("--dest", dest.toString(), "--url", url, "--main-class", "not a class"),
        List.of("--dest", dest.toString(), "--url", url, "--verbose", "true"),
        List.of("--dest", dest.toString(), "--url", url, "extra"),
        List.of("--dest", dest.toString(), "--url", url, "--dest", dest.toString()),
        List.of("--dest", dest.toString(), "--url"));
    for (List<String> args : cases) {
      Run run = runRaw(args.toArray(String[]::new));
      assertEquals(2, run.code(), args + " -> " + run.err());
      assertTrue(run.err().startsWith("fetch: ") && run.err().contains("usage: fetch"), args + " -> " + run.err());
      assertEquals("", run.out());
    }
    assertEquals(0, server.requests("/app.jar"));
    assertFalse(Files.exists(dest));
  }

  @Test
  void badArgumentsAreAlsoInTheTerminationLog() throws Exception {
    Run run = fetch("--url", server.url("/app.jar").toString(), "--sha256", "abc");

    assertEquals(2, run.code());
    assertEquals("ArtifactFetchFailed: invalid fetch arguments: --sha256 must be 64 hexadecimal characters, got 'abc'",
        terminationMessage());
  }

  @Test
  void unwritableTerminationLogIsSkipped() {
    terminationLog = dir.resolve("no-such-folder").resolve("termination-log");

    Run run = fetch("--url", server.url("/missing.jar").toString());

    assertEquals(1, run.code());
    assertFalse(Files.exists(terminationLog));
  }
}
