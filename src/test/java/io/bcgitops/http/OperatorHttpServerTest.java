package io.bcgitops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import io.bcgitops.metrics.OperatorMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorHttpServerTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean ready = new AtomicBoolean();
  private OperatorMetrics metrics;
  private OperatorHttpServer server;

  /** A webhook receiver stand-in: echoes method, path and body. */
  private final HttpHandler hook = exchange -> {
    byte[] body = (exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(202, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  };

  @BeforeEach
  void start() throws IOException {
    metrics = OperatorMetrics.prometheus();
    server = new OperatorHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, ready::get,
        Map.of("/hook/", hook));
    server.start();
  }

  @AfterEach
  void stop() {
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
  void healthzWhileServing() throws Exception {
    HttpResponse<String> response = get("/healthz");
    assertEquals(200, response.statusCode());
    assertEquals("ok", response.body());
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
    try (OperatorHttpServer other = new OperatorHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        metrics, () -> {
          throw new IllegalStateException("no leader yet");
        }, Map.of())) {
      other.start();
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, response.statusCode());
    }
  }

  @Test
  void extraRoutesGetEveryPathUnderTheirPrefixAndEveryMethod() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/hook/github/my-source"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"main\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode());
    assertEquals("POST /hook/github/my-source {\"ref\":\"main\"}", response.body());
  }

  @Test
  void notFoundElsewhere() throws Exception {
    for (String path : new String[] {"/", "/nope", "/metricsx", "/metrics/x", "/healthz/", "/hook", "/readyzz"}) {
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

  @Test
  void extraRoutesMayNotShadowBuiltIns() {
    for (String prefix : new String[] {"/", "/metrics", "/healthz/", "readyz", ""}) {
      assertThrows(IllegalArgumentException.class, () -> new OperatorHttpServer(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, () -> true, Map.of(prefix, hook)),
          prefix);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
