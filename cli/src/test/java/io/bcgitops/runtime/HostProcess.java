package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.RuntimeApi.AppList;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.Health;
import io.bcgitops.runtime.RuntimeApi.HostState;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime host as a real child process ({@code Main runtime-host} on this test's classpath),
 * on loopback with a token, driven over HTTP the way the operator drives it; jars are copied into
 * {@code <dir>/<name>/<version>/app.jar} the way the loader sidecar writes them.
 */
public final class HostProcess implements AutoCloseable {
  /** The host's token: the host process holds only its SHA-256, in a file named by --token-sha256-file. */
  static final String TOKEN = "test-token-" + Long.toHexString(System.nanoTime());
  /** Short back-off, window and intervals, so crash loops show within seconds. */
  static final List<String> FAST = List.of("--backoff", "100ms", "--backoff-max", "1s", "--startup-window", "2s",
      "--stop-timeout", "3s");
  static final long CHECK_INTERVAL_MILLIS = 200;
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Pattern LISTENING =
      Pattern.compile("runtime host listening on [^ ]+:(\\d+) \\(probes on (\\d+)\\),");

  final Path dir;
  final Path log;
  private final Process process;
  private final int port;
  /** Where the kubelet's probes are answered. */
  final int healthPort;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** The file the host read its token's digest from: what an app of the host can read too. */
  final Path tokenSha256File;

  private HostProcess(Path dir, Path log, Process process, int port, int healthPort, Path tokenSha256File) {
    this.tokenSha256File = tokenSha256File;
    this.dir = dir;
    this.log = log;
    this.process = process;
    this.port = port;
    this.healthPort = healthPort;
  }

  /** Starts a host on a free port and waits until its API answers. */
  static HostProcess start(Path dir, String... jvmOptions) throws Exception {
    List<String> options = new ArrayList<>(List.of("-Xmx256m"));
    options.addAll(List.of(jvmOptions));
    return start(dir, options);
  }

  /** As {@link #start(Path, String...)}, with exactly these JVM options (the benchmarks size the host as in its pod). */
  public static HostProcess start(Path dir, List<String> jvmOptions) throws Exception {
    Path log = Files.createTempFile("runtime-host", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    // As in the pool's pod: the host gets the digest of its token in a file, never the token.
    Path digest = Files.createTempFile("host-token", ".sha256");
    Files.writeString(digest, io.bcgitops.http.BearerToken.sha256Hex(TOKEN));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.bcgitops.cli.Main", "runtime-host",
        "--port", "0", "--health-port", "0", "--bind", "127.0.0.1", "--dir", dir.toString(),
        "--token-sha256-file", digest.toString()));
    command.addAll(FAST);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove(RuntimeApi.LEGACY_TOKEN_ENV);
    Process process = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        Matcher listening = LISTENING.matcher(Files.readString(log));
        if (listening.find()) {
          return new HostProcess(dir, log, process, Integer.parseInt(listening.group(1)),
              Integer.parseInt(listening.group(2)), digest);
        }
        if (!process.isAlive()) {
          fail("the runtime host exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
      fail("the runtime host did not start within 30s:\n" + Files.readString(log));
      return null;
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Copies an example app's jar to where the loader would put {@code name} {@code version}. */
  public Path install(String name, String version, String example) throws IOException {
    Path jar = dir.resolve(name).resolve(version).resolve("app.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(exampleJar(example), jar, StandardCopyOption.REPLACE_EXISTING);
    return jar;
  }

  public static Path exampleJar(String example) {
    Path jar = Path.of(System.getProperty("bcgitops.examples.dir", "target/examples")).resolve(example + "-1.0.0.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: the Maven build makes it (process-test-classes)");
    return jar;
  }

  public static LoadRequest request(String version, Path jar, Map<String, String> env, List<String> args, Health health) {
    return new LoadRequest(version, jar.toString(), null, env, args, health);
  }

  static Health http(int port) {
    return new Health("http", port, "/health", CHECK_INTERVAL_MILLIS, 1000, null);
  }

  HttpResponse<String> send(String method, String path, Object body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body instanceof String text ? text.getBytes()
                : JSON.writeValueAsBytes(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** PUT that must be accepted (202); the state it answers with. */
  public AppState put(String name, LoadRequest request) throws Exception {
    HttpResponse<String> response = send("PUT", "/v1/apps/" + name, request, TOKEN);
    assertEquals(202, response.statusCode(), response.body());
    return JSON.readValue(response.body(), AppState.class);
  }

  int delete(String name) throws Exception {
    return send("DELETE", "/v1/apps/" + name, null, TOKEN).statusCode();
  }

  List<AppState> apps() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/apps", null, TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readValue(response.body(), AppList.class).apps();
  }

  Optional<AppState> app(String name) throws Exception {
    return apps().stream().filter(app -> app.name().equals(name)).findFirst();
  }

  HostState health(boolean gc) throws Exception {
    HttpResponse<String> response = send("GET", "/v1/health" + (gc ? "?gc=true" : ""), null, TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readValue(response.body(), HostState.class);
  }

  /** Polls until the app's state matches; fails with the last state and the host's log. */
  AppState await(String name, String what, Predicate<AppState> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<AppState> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      last = app(name);
      if (last.isPresent() && condition.test(last.get())) {
        return last.get();
      }
      Thread.sleep(50);
    }
    fail(name + " never got " + what + " within " + timeout + "; last state " + last.orElse(null) + "\nhost log:\n"
        + Files.readString(log));
    return null;
  }

  public AppState awaitRunning(String name, String version) throws Exception {
    return await(name, "Running " + version, s -> s.state() == EmbeddedState.Running && version.equals(s.version())
        && !"unhealthy".equals(s.health()), Duration.ofSeconds(15));
  }

  /** GET on an app's own port. */
  HttpResponse<String> get(int appPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  String log() throws IOException {
    return Files.readString(log);
  }


  /** The host's API port. */
  int port() {
    return port;
  }

  /** The host's process id, to read its memory from /proc. */
  public long pid() {
    return process.pid();
  }

  /** SIGTERM (the host stops its apps), then a kill if it does not exit. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  boolean exitedWithin(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
