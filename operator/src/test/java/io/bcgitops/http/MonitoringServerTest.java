package io.bcgitops.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.testing.HostileClients;
import io.bcgitops.testing.HostileClients.Flood;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitoringServerTest {
  private static final long HUGE = 300L << 20;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean live = new AtomicBoolean(true);
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<Socket> attackers = new ArrayList<>();
  private OperatorMetrics metrics;
  private MonitoringServer server;

  @BeforeEach
  void start() throws IOException {
    metrics = OperatorMetrics.prometheus();
    server = MonitoringServer.metricsAndProbes(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics::scrape,
        live::get, ready::get);
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : attackers) {
      socket.close();
    }
    server.close();
    metrics.close();
  }

  @Test
  void metricsInPrometheusTextFormat() throws Exception {
    metrics.appAction(OperatorMetrics.ACTION_UPGRADE, true);
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().contains("bcgitops_app_actions_total{action=\"upgrade\",result=\"success\"} 1.0"),
        response.body());
    assertTrue(response.body().contains("# TYPE bcgitops_reconcile_duration_seconds histogram"));
    assertTrue(response.body().contains("jvm_memory_used_bytes{area=\"heap\""));
  }

  @Test
  void healthzFollowsTheLivenessCheck() throws Exception {
    HttpResponse<String> response = get("/healthz");
    assertEquals(200, response.statusCode());
    assertEquals("ok", response.body());

    live.set(false);
    HttpResponse<String> dead = get("/healthz");
    assertEquals(503, dead.statusCode());
    assertEquals("wedged", dead.body());
  }

  @Test
  void readyzFollowsTheSupplier() throws Exception {
    HttpResponse<String> notReady = get("/readyz");
    assertEquals(503, notReady.statusCode());
    assertEquals("not ready", notReady.body());

    ready.set(true);
    HttpResponse<String> isReady = get("/readyz");
    assertEquals(200, isReady.statusCode());
    assertEquals("ok", isReady.body());

    ready.set(false);
    assertEquals(503, get("/readyz").statusCode());
  }

  @Test
  void aThrowingReadinessCheckIsNotReady() throws Exception {
    try (MonitoringServer other = MonitoringServer.probes(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () -> {
          throw new IllegalStateException("wedged");
        }, () -> {
          throw new IllegalStateException("no leader yet");
        })) {
      other.start();
      for (String path : List.of("/readyz", "/healthz")) {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(503, response.statusCode(), path);
      }
    }
  }

  @Test
  void notFoundElsewhere() throws Exception {
    for (String path : new String[] {"/", "/nope", "/metricsx", "/metrics/x", "/healthz/", "/hook/github", "/readyzz"}) {
      HttpResponse<String> response = get(path);
      assertEquals(404, response.statusCode(), path);
    }
  }

  @Test
  void builtInEndpointsAreGetOnly() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));

    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(uri("/healthz"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
  }

  @Test
  void portIsKnownOnceBoundAndServingStopsOnClose() throws Exception {
    assertTrue(server.port() > 0);
    server.close();
    assertThrows(IOException.class, () -> get("/healthz"));
  }

  /** The attack: POST /healthz with a 300 MB body ran the operator out of heap (the body was read). */
  @Test
  void aHugeBodyIsRefusedWithoutBeingRead() throws Exception {
    for (String method : List.of("POST", "GET")) {
      Flood flood = HostileClients.flood(server.port(), method + " /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: "
          + HUGE + "\r\n\r\n", HUGE, WAIT);

      // POST: not a method the probes take; GET: a probe has no body.
      assertEquals(method.equals("POST") ? "HTTP/1.1 405 Method Not Allowed" : "HTTP/1.1 413 Payload Too Large",
          flood.statusLine(), flood.answer());
      assertTrue(flood.answer().contains("Connection: close"), flood.answer());
      // Refused on its head: the client got no further than the sockets' buffers.
      assertTrue(flood.bytesSent() < 64L << 20, method + ": " + flood.bytesSent() + " bytes sent");
      assertTrue(flood.took().toMillis() < 5000, method + ": took " + flood.took().toMillis() + " ms");
    }
    assertEquals(200, get("/healthz").statusCode());
  }

  /**
   * The attacks: four connections stalling mid-body (the JDK server's four threads), or sending half their
   * headers, made /healthz time out, so that the kubelet restarted the operator. Here sixteen of each.
   */
  @Test
  void stalledConnectionsDoNotDelayTheProbes() throws Exception {
    List<Socket> midBody = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      midBody.add(attacker("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten.."));
      midBody.add(attacker("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten.."));
      attacker("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half-A-Hea");
    }
    long start = System.nanoTime();
    HttpResponse<String> health = get("/healthz");
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, health.statusCode());
    assertTrue(took < 2000, "/healthz answered after " + took + " ms");
    assertEquals(503, get("/readyz").statusCode(), "not ready, and says so at once");
    // The bodies were refused on their heads, at once, and their connections closed.
    for (Socket socket : midBody) {
      String answer = HostileClients.untilClosed(socket, WAIT);
      assertTrue(answer != null && (answer.startsWith("HTTP/1.1 405 ") || answer.startsWith("HTTP/1.1 413 ")),
          String.valueOf(answer));
    }
  }

  /** The operator's two listeners: /metrics on one (the Service's), the probes on the other (the kubelet's). */
  @Test
  void metricsAndProbesEachServeTheirOwnPathsOnly() throws Exception {
    ready.set(true);
    try (MonitoringServer scrapes = MonitoringServer.metrics(loopback(), metrics::scrape);
        MonitoringServer probes = MonitoringServer.probes(loopback(), live::get, ready::get)) {
      scrapes.start();
      probes.start();
      assertEquals(200, get(scrapes.port(), "/metrics").statusCode());
      assertEquals(404, get(scrapes.port(), "/healthz").statusCode());
      assertEquals(404, get(scrapes.port(), "/readyz").statusCode());
      assertEquals(200, get(probes.port(), "/healthz").statusCode());
      assertEquals(200, get(probes.port(), "/readyz").statusCode());
      assertEquals(404, get(probes.port(), "/metrics").statusCode());
    }
  }

  /**
   * The reviewer's attack on the probes' own port: three times its connection limit of slow connections, each
   * reopened as soon as it is closed, from another address than the probes' (another pod than the kubelet's node).
   * Before, 14 of 20 probes (3 s timeout) failed with 70 such connections on the 64 the listener took.
   */
  @Test
  void theProbesAnswerWhileSlowConnectionsReopenAsSoonAsClosed() throws Exception {
    HttpLimits limits = HttpLimits.PROBES.withMaxConnections(8);
    try (MonitoringServer probes = MonitoringServer.probes(loopback(), limits, live::get, ready::get)) {
      probes.start();
      try (HostileClients.Reopening flood = HostileClients.reopening(probes.port(), 3 * limits.maxConnections(),
          HostileClients.otherLoopback(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-a")) {
        await().atMost(WAIT).until(() -> flood.opened() > 3 * limits.maxConnections());
        int failed = 0;
        for (int i = 0; i < 20; i++) {
          try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + probes.port() + "/healthz")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
            failed += response.statusCode() == 200 ? 0 : 1;
          } catch (IOException timedOutOrClosed) {
            failed++;
          }
        }
        assertEquals(0, failed, "probes failed, of 20");
      }
    }
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Socket attacker(String bytes) throws IOException {
    Socket socket = HostileClients.stalled(server.port(), bytes);
    attackers.add(socket);
    return socket;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
