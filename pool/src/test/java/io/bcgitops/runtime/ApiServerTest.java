package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.http.HttpLimits;
import io.bcgitops.runtime.ApiServer.Response;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime pool's API (the host's and the loader's) against clients that reach its port without the token, or
 * with it and too much: what they get, and that the operator's calls go on meanwhile.
 */
class ApiServerTest {
  private static final String TOKEN = "pool-token";
  private static final long HUGE = 300L << 20;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicInteger puts = new AtomicInteger();
  private final List<Socket> attackers = new ArrayList<>();
  private ApiServer server;

  @BeforeEach
  void start() throws IOException {
    server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN,
        HttpLimits.RUNTIME_API.withDeadlines(DEADLINE, Duration.ofSeconds(10)))
        .route("GET", "/v1/health", request -> Response.ok(Map.of("status", "ok")))
        .route("PUT", "/v1/apps/([^/]+)", request -> {
          puts.incrementAndGet();
          return new Response(202, Map.of("name", request.pathParams().get(0), "bytes", request.body().length));
        })
        .start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : attackers) {
      socket.close();
    }
    server.close();
  }

  private Socket attacker(String bytes) throws IOException {
    Socket socket = HostileClients.stalled(server.port(), bytes);
    attackers.add(socket);
    return socket;
  }

  private HttpResponse<String> health() throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/health"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The attack: four half-sent heads (the JDK server's four threads) blocked the API before the token. */
  @Test
  void halfSentHeadsDoNotBlockTheOperatorsCalls() throws Exception {
    for (int i = 0; i < 32; i++) {
      attacker("PUT /v1/apps/x HTTP/1.1\r\nHost: x\r\nAuthoriza");
    }
    long start = System.nanoTime();
    HttpResponse<String> response = health();
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(took < 2000, "answered after " + took + " ms");
    // Each closed at the deadline, without an answer.
    for (Socket socket : attackers) {
      assertEquals("", HostileClients.untilClosed(socket, WAIT));
    }
  }

  @Test
  void withoutTheTokenNoBodyIsRead() throws Exception {
    Flood flood = HostileClients.flood(server.port(), "PUT /v1/apps/x HTTP/1.1\r\nHost: x\r\nContent-Length: " + HUGE
        + "\r\n\r\n", HUGE, WAIT);

    assertEquals("HTTP/1.1 401 Unauthorized", flood.statusLine(), flood.answer());
    assertTrue(flood.answer().endsWith("{\"reason\":\"Unauthorized\",\"message\":\"a valid bearer token is required\"}"),
        flood.answer());
    assertTrue(flood.bytesSent() < 64L << 20, flood.bytesSent() + " bytes sent");
    assertEquals(0, puts.get());
  }

  @Test
  void withTheTokenABodyOverOneMebibyteIs413() throws Exception {
    String auth = "PUT /v1/apps/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n";
    for (String head : List.of(auth + "Content-Length: " + HUGE + "\r\n\r\n",
        auth + "Transfer-Encoding: chunked\r\n\r\n" + Long.toHexString(HUGE) + "\r\n")) {
      Flood flood = HostileClients.flood(server.port(), head, HUGE, WAIT);

      assertEquals("HTTP/1.1 413 Payload Too Large", flood.statusLine(), flood.answer());
      assertTrue(flood.answer().endsWith("{\"reason\":\"TooLarge\",\"message\":\"the body is larger than 1048576 bytes\"}"),
          flood.answer());
      assertTrue(flood.bytesSent() < 64L << 20, flood.bytesSent() + " bytes sent");
    }
    assertEquals(0, puts.get());
  }

  @Test
  void bodiesThatStallHoldNoThread() throws Exception {
    for (int i = 0; i < 32; i++) {
      attacker("PUT /v1/apps/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Length: 100\r\n\r\n{\"jar\":");
    }
    long start = System.nanoTime();
    HttpResponse<String> response = health();
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(took < 2000, "answered after " + took + " ms");
    assertEquals(0, puts.get());
  }
}
