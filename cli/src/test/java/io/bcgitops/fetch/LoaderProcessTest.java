package io.bcgitops.fetch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.RuntimeApi.JarInfo;
import io.bcgitops.runtime.RuntimeApi.JarList;
import io.bcgitops.runtime.RuntimeApi.JarRequest;
import io.bcgitops.runtime.RuntimeApi.Problem;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.spec.HttpCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loader as the runtime pool runs it: a real child process ({@code Main loader}) on loopback,
 * fetching from a real HTTP server on loopback, driven over its HTTP API with the pool's token.
 * One loader process serves the whole class (each test uses its own app names); the tests of
 * starting and stopping run processes of their own.
 */
class LoaderProcessTest {
  private static final String TOKEN = "test-token-4f1c2a";
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Pattern SERVING = Pattern.compile("loader: serving .* on [^ ]*:(\\d+) \\(probes on (\\d+)\\),");
  private static final Duration STARTUP = Duration.ofSeconds(20);
  private static final byte[] JAR = TestJars.runnable();
  private static final String JAR_SHA = TestJars.sha256(JAR);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path dir;
  private static ArtifactServer upstream;
  private static Loader loader;

  /** A loader child process and everything it printed so far. */
  record Loader(Process process, int port, int healthPort, StringBuffer output) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  record Answer(int status, String body) {
    <T> T as(Class<T> type) throws IOException {
      return JSON.readValue(body, type);
    }
  }

  @BeforeAll
  static void startLoader() throws Exception {
    dir = Files.createTempDirectory("loader-process-test");
    upstream = new ArtifactServer();
    loader = start(Map.of(), "--port", "0", "--health-port", "0", "--dir", dir.toString(),
        "--bind", "127.0.0.1", "--maven-repository", upstream.url("/repo").toString(), "--timeout", "2s", "--retries", "0");
  }

  @AfterAll
  static void stopLoader() throws Exception {
    try {
      if (loader != null) {
        loader.close();
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  /** Starts {@code Main loader args} with env added, and waits for its "serving" line (port 0: the port is read there). */
  private static Loader start(Map<String, String> env, String... args) throws Exception {
    // The pool's token in a file, as the loader's Secret volume has it.
    Path tokenFile = Files.createTempFile("loader-token", "");
    Files.writeString(tokenFile, TOKEN + "\n");
    List<String> withToken = new java.util.ArrayList<>(List.of(args));
    withToken.addAll(List.of("--token-file", tokenFile.toString()));
    ProcessBuilder builder = command(withToken.toArray(String[]::new)).redirectErrorStream(true);
    builder.environment().remove(RuntimeApi.LEGACY_TOKEN_ENV);
    builder.environment().putAll(env);
    Process process = builder.start();
    StringBuffer output = new StringBuffer();
    Thread reader = drain(process, output);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        Matcher matcher = SERVING.matcher(output);
        if (matcher.find()) {
          return new Loader(process, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), output);
        }
        if (!process.isAlive()) {
          reader.join(2_000);
          fail("the loader exited with " + process.exitValue() + ":\n" + output);
        }
        Thread.sleep(20);
      }
      fail("the loader did not start within " + STARTUP + ":\n" + output);
      return null;
    } catch (Throwable e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.bcgitops.cli.Main", "loader"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static Thread drain(Process process, StringBuffer output) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
        }
      } catch (IOException e) {
        // The process is gone.
      }
    }, "loader-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static Answer call(String method, String path, Object body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loader.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  private static Answer call(String method, String path, Object body) throws Exception {
    return call(method, path, body, TOKEN);
  }

  /**
   * PUTs a jar request, answered 202 at once (the loader fetches in the background), then again until the jar or
   * the fetch's failure is the answer, as the operator does at each poll.
   */
  private static Answer fetched(String path, Object body) throws Exception {
    Answer answer = call("PUT", path, body);
    assertEquals(202, answer.status(), "answered at once, before the download: " + answer.body());
    for (long until = System.nanoTime() + STARTUP.toNanos(); answer.status() == 202 && System.nanoTime() < until; ) {
      Thread.sleep(20);
      answer = call("PUT", path, body);
    }
    return answer;
  }

  private static JarRequest url(String url, String sha256) {
    return new JarRequest(url, null, null, sha256, null, null);
  }

  private static Path jarPath(String name, String version) {
    return dir.resolve(name).resolve(version).resolve("app.jar");
  }

  private static void assertProblem(Answer answer, String reason) throws IOException {
    assertEquals(422, answer.status(), answer.body());
    assertEquals(reason, answer.as(Problem.class).reason(), answer.body());
  }

  @Test
  void fetchesByUrl() throws Exception {
    upstream.on("/byurl/app.jar", ArtifactServer.bytes(JAR));

    Answer answer = fetched("/v1/jars/byurl/1.0.0", url(upstream.url("/byurl/app.jar").toString(), JAR_SHA));

    assertEquals(200, answer.status(), answer.body());
    JarInfo info = answer.as(JarInfo.class);
    Path jar = jarPath("byurl", "1.0.0");
    assertEquals(new JarInfo("byurl", "1.0.0", jar.toString(), JAR.length, JAR_SHA), info);
    assertArrayEquals(JAR, Files.readAllBytes(jar));
    // The loader logs before it answers; its output reaches this process on a thread of its own.
    await().atMost(Duration.ofSeconds(5)).until(() -> loader.output().toString()
        .contains("fetched byurl/1.0.0 from " + upstream.url("/byurl/app.jar")));

    // Again: the jar fetched for this same request, at once.
    Answer again = call("PUT", "/v1/jars/byurl/1.0.0", url(upstream.url("/byurl/app.jar").toString(), JAR_SHA));
    assertEquals(200, again.status(), again.body());
    assertEquals(info, again.as(JarInfo.class));
    assertEquals(1, upstream.requests("/byurl/app.jar"));
  }

  @Test
  void fetchesByMavenCoordinatesFromTheDefaultRepository() throws Exception {
    upstream.on("/repo/com/example/bymaven/2.1.0/bymaven-2.1.0.jar", ArtifactServer.bytes(JAR));

    Answer answer = fetched("/v1/jars/bymaven/2.1.0",
        new JarRequest(null, "com.example:bymaven:2.1.0", null, null, "com.example.Main", null));

    assertEquals(200, answer.status(), answer.body());
    assertEquals(JAR_SHA, answer.as(JarInfo.class).sha256());
    assertArrayEquals(JAR, Files.readAllBytes(jarPath("bymaven", "2.1.0")));
  }

  /**
   * Credentials come in the request body (the operator read them from the app's Secret) and go to
   * the repository's host; never in a URL, never in the logs or answers.
   */
  @Test
  void mavenRepositoryCredentialsAnswerTheServerAndStayOutOfLogsAndAnswers() throws Exception {
    String password = "s3cr3t-pw";
    String expected = "Basic " + java.util.Base64.getEncoder()
        .encodeToString(("deployer:" + password).getBytes(StandardCharsets.UTF_8));
    upstream.on("/private/org/acme/withauth/1.0/withauth-1.0.jar", (exchange, attempt) -> {
      if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        ArtifactServer.send(exchange, 401, new byte[0]);
      } else {
        ArtifactServer.send(exchange, 200, JAR);
      }
    });
    String repository = "http://127.0.0.1:" + upstream.port() + "/private";
    HttpCredentials credentials = new HttpCredentials("deployer", password, null);

    Answer answer = fetched("/v1/jars/withauth/1.0", new JarRequest(null, "org.acme:withauth:1.0", repository,
        JAR_SHA, null, credentials));
    Answer missing = fetched("/v1/jars/withauth/1.1", new JarRequest(null, "org.acme:withauth:1.1", repository,
        null, null, credentials));
    Answer inUrl = call("PUT", "/v1/jars/withauth/1.2", new JarRequest(null, "org.acme:withauth:1.2",
        "http://deployer:" + password + "@127.0.0.1:" + upstream.port() + "/private", null, null, null));

    assertEquals(200, answer.status(), answer.body());
    assertProblem(missing, "ArtifactFetchFailed");
    assertEquals(400, inUrl.status(), inUrl.body());
    assertTrue(inUrl.body().contains("holds credentials"), inUrl.body());
    await().atMost(Duration.ofSeconds(5)).until(() -> loader.output().toString()
        .contains("fetched withauth/1.0 from org.acme:withauth:1.0 in http://127.0.0.1:"));
    String output = loader.output().toString();
    assertFalse(output.contains(password), output);
    assertFalse(answer.body().contains(password) || missing.body().contains(password)
        || inUrl.body().contains(password), missing.body());
  }

  /**
   * The loader asks its pod's host which apps run (with the pool's token) and removes the jars of
   * no app: here the version an upgrade replaced. A host that does not answer removes nothing.
   */
  @Test
  void theLoaderRemovesTheJarsNoAppOfItsHostRuns() throws Exception {
    upstream.on("/cleanup/app.jar", ArtifactServer.bytes(JAR));
    Path own = Files.createTempDirectory("loader-cleanup-test");
    // The host runs version 2.0 of web: an upgrade from 1.0 that is done.
    List<RuntimeApi.AppState> running = List.of(new RuntimeApi.AppState("web", "2.0", EmbeddedState.Running, "healthy",
        0, null, null, null, null, null));
    // The host takes the token derived from the pool's: the loader holds the pool's and derives it.
    ApiServer host = new ApiServer(new java.net.InetSocketAddress("127.0.0.1", 0), PoolToken.hostToken(TOKEN))
        .route("GET", "/v1/apps", r -> ApiServer.Response.ok(new RuntimeApi.AppList(List.copyOf(running))))
        .start();
    try (Loader cleaning = start(Map.of(), "--port", "0", "--health-port", "0", "--dir",
        own.toString(), "--bind", "127.0.0.1", "--maven-repository", upstream.url("/repo").toString(), "--host-url",
        "http://127.0.0.1:" + host.port(), "--cleanup-interval", "1s", "--unused-grace", "1ms")) {
      for (String version : List.of("1.0", "2.0")) {
        HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cleaning.port() + "/v1/jars/web/"
            + version)).header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofByteArray(
            JSON.writeValueAsBytes(url(upstream.url("/cleanup/app.jar").toString(), JAR_SHA)))).build();
        HttpResponse<String> answer = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
        for (long until = System.nanoTime() + STARTUP.toNanos(); answer.statusCode() == 202
            && System.nanoTime() < until; ) {
          Thread.sleep(20);
          answer = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, answer.statusCode(), answer.body());
      }

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      // The jar goes, then the loader logs it: its output reaches the test a little later.
      while ((Files.exists(own.resolve("web/1.0"))
          || !cleaning.output().toString().contains("removed jars no app of the host runs"))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(Files.exists(own.resolve("web/1.0")), cleaning.output().toString());
      assertTrue(Files.isRegularFile(own.resolve("web/2.0/app.jar")));
      assertTrue(cleaning.output().toString().contains("removed jars no app of the host runs: web/1.0"),
          cleaning.output().toString());
    } finally {
      host.close();
      deleteTree(own);
    }
  }

  @Test
  void checksumMismatchIs422AndLeavesNoFile() throws Exception {
    upstream.on("/mismatch/app.jar", ArtifactServer.bytes(JAR));

    Answer answer = fetched("/v1/jars/mismatch/1.0.0", url(upstream.url("/mismatch/app.jar").toString(),
        "0".repeat(64)));

    assertProblem(answer, "ChecksumMismatch");
    assertTrue(answer.as(Problem.class).message().contains(JAR_SHA), answer.body());
    assertFalse(Files.exists(dir.resolve("mismatch")), "no file and no folder left");
    assertTrue(loader.output().toString().contains("fetching mismatch/1.0.0 from"), loader.output().toString());
  }

  @Test
  void missingUpstreamIs422ArtifactFetchFailed() throws Exception {
    Answer answer = fetched("/v1/jars/missing/1.0.0", url(upstream.url("/nothing-here.jar").toString(), null));

    assertProblem(answer, "ArtifactFetchFailed");
    assertTrue(answer.as(Problem.class).message().contains("404"), answer.body());
    assertFalse(Files.exists(dir.resolve("missing")));
  }

  @Test
  void notAJarIs422InvalidArtifact() throws Exception {
    upstream.on("/notajar/app.jar", ArtifactServer.bytes("<html>login</html>".getBytes(StandardCharsets.UTF_8)));
    upstream.on("/nomain/app.jar", ArtifactServer.bytes(TestJars.jar(null, "com.example.Main")));

    assertProblem(fetched("/v1/jars/notajar/1.0.0", url(upstream.url("/notajar/app.jar").toString(), null)),
        "InvalidArtifact");
    assertProblem(fetched("/v1/jars/nomain/1.0.0", url(upstream.url("/nomain/app.jar").toString(), null)),
        "InvalidArtifact");
    assertFalse(Files.exists(dir.resolve("notajar")));
    assertFalse(Files.exists(dir.resolve("nomain")));
  }

  @Test
  void withoutTheTokenNothingIsFetched() throws Exception {
    upstream.on("/auth/app.jar", ArtifactServer.bytes(JAR));
    JarRequest request = url(upstream.url("/auth/app.jar").toString(), null);

    for (String token : new String[] {null, "wrong", TOKEN + "x", ""}) {
      assertEquals(401, call("PUT", "/v1/jars/auth/1.0.0", request, token).status(), "token " + token);
      assertEquals(401, call("GET", "/v1/jars", null, token).status());
      assertEquals(401, call("DELETE", "/v1/jars/auth/1.0.0", null, token).status());
      assertEquals(401, call("GET", "/v1/health", null, token).status());
    }

    assertEquals(0, upstream.requests("/auth/app.jar"), "the upstream server saw no request");
    assertFalse(Files.exists(dir.resolve("auth")));
  }

  @Test
  void unsafeNamesAndVersionsAre400() throws Exception {
    upstream.on("/unsafe/app.jar", ArtifactServer.bytes(JAR));
    JarRequest request = url(upstream.url("/unsafe/app.jar").toString(), null);

    for (String path : List.of("/v1/jars/../1.0.0", "/v1/jars/app/..", "/v1/jars/%2E%2E/1.0.0", "/v1/jars/app/%2e%2e",
        "/v1/jars/..%2F..%2Ftmp/1.0.0", "/v1/jars/app/1.0.0%2F..%2F..", "/v1/jars/.hidden/1.0.0",
        "/v1/jars/a%20b/1.0.0", "/v1/jars/app/1.0.0/extra", "/v1/jars/app", "/v1/jars/app%00/1.0.0",
        "/v1/jars/app%5C..%5C../1.0.0")) {
      Answer answer = call("PUT", path, request);
      assertEquals(400, answer.status(), path + ": " + answer.body());
      assertEquals(400, call("DELETE", path, null).status(), path);
    }

    assertEquals(0, upstream.requests("/unsafe/app.jar"));
    try (Stream<Path> files = Files.list(dir.getParent())) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("app.jar")), "nothing written outside");
    }
  }

  @Test
  void badRequestsAre400() throws Exception {
    String jarUrl = upstream.url("/bad/app.jar").toString();
    List<Object> bodies = List.of(
        new JarRequest(null, null, null, null, null, null),
        new JarRequest(jarUrl, "com.example:bad:1.0", null, null, null, null),
        new JarRequest(jarUrl, null, "http://127.0.0.1/repo", null, null, null),
        new JarRequest(jarUrl, null, null, "not-a-sha", null, null),
        new JarRequest(jarUrl, null, null, null, "not a class", null),
        new JarRequest("file:///etc/passwd", null, null, null, null, null),
        new JarRequest(null, "../../etc:passwd:1", null, null, null, null),
        "just a string");

    for (Object body : bodies) {
      Answer answer = call("PUT", "/v1/jars/bad/1.0.0", body);
      assertEquals(400, answer.status(), body + ": " + answer.body());
      assertEquals("BadRequest", answer.as(Problem.class).reason());
    }
    // The keys of an artifact Secret are checked as the operator checks them: one model of them.
    Answer newline = call("PUT", "/v1/jars/bad/1.0.0", Map.of("url", jarUrl,
        "credentials", Map.of("bearerToken", "t0ken-value\n")));
    assertEquals(400, newline.status(), newline.body());
    assertTrue(newline.body().contains("the value of key bearerToken holds a line break"), newline.body());
    assertFalse(newline.body().contains("t0ken-value"), newline.body());
    assertEquals(0, upstream.requests("/bad/app.jar"));
    assertFalse(Files.exists(dir.resolve("bad")));
  }

  @Test
  void listsAndDeletes() throws Exception {
    upstream.on("/listed/one.jar", ArtifactServer.bytes(JAR));
    byte[] other = TestJars.jar("com.example.Other", "com.example.Other");
    upstream.on("/listed/two.jar", ArtifactServer.bytes(other));
    assertEquals(200, fetched("/v1/jars/listed/1.0.0", url(upstream.url("/listed/one.jar").toString(), null))
        .status());
    assertEquals(200, fetched("/v1/jars/listed/2.0.0", url(upstream.url("/listed/two.jar").toString(), null))
        .status());

    List<JarInfo> listed = listedUnder("listed");
    assertEquals(List.of(
        new JarInfo("listed", "1.0.0", jarPath("listed", "1.0.0").toString(), JAR.length, JAR_SHA),
        new JarInfo("listed", "2.0.0", jarPath("listed", "2.0.0").toString(), other.length, TestJars.sha256(other))),
        listed);

    Answer deleted = call("DELETE", "/v1/jars/listed/1.0.0", null);
    assertEquals(204, deleted.status(), deleted.body());
    assertFalse(Files.exists(dir.resolve("listed").resolve("1.0.0")));
    assertEquals(List.of("2.0.0"), listedUnder("listed").stream().map(JarInfo::version).toList());
    assertEquals(204, call("DELETE", "/v1/jars/listed/1.0.0", null).status(), "absent: 204 too");
    assertEquals(204, call("DELETE", "/v1/jars/never/9.9.9", null).status());

    assertEquals(204, call("DELETE", "/v1/jars/listed/2.0.0", null).status());
    assertEquals(List.of(), listedUnder("listed"));
    assertFalse(Files.exists(dir.resolve("listed")), "the empty name folder goes too");
  }

  @Test
  void healthAnswers200() throws Exception {
    Answer answer = call("GET", "/v1/health", null);

    assertEquals(200, answer.status(), answer.body());
    assertEquals("ok", JSON.readTree(answer.body()).get("status").asText());
    assertNotNull(JSON.readTree(answer.body()).get("jars"));
  }

  private static List<JarInfo> listedUnder(String name) throws Exception {
    Answer answer = call("GET", "/v1/jars", null);
    assertEquals(200, answer.status(), answer.body());
    return answer.as(JarList.class).jars().stream().filter(jar -> jar.name().equals(name)).toList();
  }

  /** The kubelet's probes, on a port of their own and with no token: the API's port is in the pool's Service. */
  @Test
  void theProbesAnswerOnTheirOwnPortWithoutAToken() throws Exception {
    for (String path : List.of("/healthz", "/readyz")) {
      HttpResponse<String> probe = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + loader.healthPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, probe.statusCode(), path);
      assertEquals("ok", probe.body(), path);
    }
    HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loader.healthPort()
        + "/v1/jars")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, api.statusCode(), "the API is not on the probes' port");
  }

  @Test
  void refusesToStartWithoutATokenFileOrWithTheTokenInItsEnvironment() throws Exception {
    Path missing = dir.resolve("no-token-here");
    Path tokenFile = Files.writeString(Files.createTempFile("loader-token", ""), TOKEN);
    Map<List<String>, String> cases = Map.of(
        List.of("--token-file", missing.toString()), "loader: --token-file: " + missing + " does not exist",
        List.of("--token-file", tokenFile.toString(), "--legacy-env"),
        "loader: BCGITOPS_RUNTIME_TOKEN is set; the pool's token goes in a file (--token-file) only");
    for (Map.Entry<List<String>, String> refused : cases.entrySet()) {
      List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--health-port", "0", "--bind", "127.0.0.1",
          "--dir", dir.resolve("never").toString()));
      args.addAll(refused.getKey().subList(0, 2));
      ProcessBuilder builder = command(args.toArray(String[]::new)).redirectErrorStream(true);
      builder.environment().remove(RuntimeApi.LEGACY_TOKEN_ENV);
      if (refused.getKey().contains("--legacy-env")) {
        builder.environment().put(RuntimeApi.LEGACY_TOKEN_ENV, "the-old-way");
      }
      Process process = builder.start();
      try {
        assertTrue(process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS), "the loader should exit");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains(refused.getValue()), output);
        assertFalse(output.contains("the-old-way"), output);
      } finally {
        process.destroyForcibly();
      }
    }
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  void stopsOnSigterm() throws Exception {
    Path own = Files.createTempDirectory("loader-sigterm");
    Loader stopping = start(Map.of(), "--port", "0", "--health-port", "0", "--bind",
        "127.0.0.1", "--dir", own.toString());
    try {
      // SIGTERM through the handle: Process.destroy() would also close the pipe the last lines come through.
      assertTrue(stopping.process().toHandle().destroy());
      assertTrue(stopping.process().waitFor(10, TimeUnit.SECONDS), "SIGTERM stops the loader");
      for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end
          && !stopping.output().toString().contains("loader: stopped"); ) {
        Thread.sleep(20);
      }
      assertTrue(stopping.output().toString().contains("loader: stopped"), stopping.output().toString());
    } finally {
      stopping.close();
      deleteTree(own);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
