package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.deploy.ShippedJar;
import io.bcgitops.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator command in a JVM of its own, as the image runs it (`java -jar bc-gitops-operator.jar
 * operator`, the jar this build made), configured by environment variables against a mock API
 * server. Its memory is read from outside: the resident set from /proc, the live heap from its own
 * /metrics after a full collection.
 */
final class OperatorProcess implements AutoCloseable {
  /** The client name the operator's requests are metered under. */
  static final String CLIENT = "operator";
  private static final Duration START = Duration.ofSeconds(60);

  /** @param residentBytes VmRSS; @param liveHeapBytes heap in use just after a full GC */
  record Memory(long residentBytes, long liveHeapBytes) {
  }

  private final ChildJvm jvm;
  private final int httpPort;
  private final int healthPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private OperatorProcess(ChildJvm jvm, int httpPort, int healthPort) {
    this.jvm = jvm;
    this.httpPort = httpPort;
    this.healthPort = healthPort;
  }

  static OperatorProcess start(MockCluster cluster, Path work) throws Exception {
    int port = Ports.free();
    int healthPort = Ports.free();
    Map<String, String> env = new java.util.HashMap<>(ChildJvm.OPERATOR_POD_ENV);
    env.putAll(Map.of(
        "KUBERNETES_MASTER", cluster.url(),
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
        "KUBERNETES_USER_AGENT", CLIENT,
        "BCGITOPS_HTTP_PORT", String.valueOf(port),
        "BCGITOPS_WEBHOOK_PORT", String.valueOf(Ports.free()),
        "BCGITOPS_HEALTH_PORT", String.valueOf(healthPort),
        "BCGITOPS_CACHE_DIR", work.resolve("cache").toString(),
        "BCGITOPS_ALLOW_FILE_URLS", "true",
        "BCGITOPS_LEADER_ELECTION", "false"));
    // The jar that ships, not the test classpath: its 128 jars' directories alone would be 6.5 MiB of the heap.
    ChildJvm jvm = ChildJvm.start(work.resolve("operator.log"), ChildJvm.IN_512MI_POD,
        List.of("-jar", ShippedJar.path().toString(), "operator"), env);
    OperatorProcess operator = new OperatorProcess(jvm, port, healthPort);
    try {
      // Connection refused until it serves: that is waited out, an exit is not.
      await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
          .until(operator::ready);
    } catch (RuntimeException e) {
      jvm.close();
      throw e;
    }
    return operator;
  }

  /** The port of its /healthz and /readyz. */
  int healthPort() {
    return healthPort;
  }

  /** Whether /healthz answers 200 within 5 s (what a liveness probe asks). */
  boolean live() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/healthz"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether it answers /readyz with 200; an exited process is an error at once, not a wait. */
  private boolean ready() throws IOException, InterruptedException {
    if (!jvm.isAlive()) {
      throw new IllegalStateException("the operator exited:\n" + jvm.log());
    }
    return get(healthPort, "/readyz").statusCode() == 200;
  }

  /** The resident set as it is, then the heap that survives a full collection (jcmd GC.run). */
  Memory memory() throws Exception {
    long resident = jvm.residentBytes();
    Command.run(null, List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(jvm.pid()), "GC.run"));
    return new Memory(resident, heapUsed(get(httpPort, "/metrics").body()));
  }

  /** The sum of jvm_memory_used_bytes over the heap's pools, from Prometheus text. */
  private static long heapUsed(String metrics) {
    return Math.round(metrics.lines()
        .filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum());
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
