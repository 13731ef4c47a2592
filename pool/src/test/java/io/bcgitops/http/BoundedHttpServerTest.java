package io.bcgitops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.BoundedHttpServer.Reply;
import io.bcgitops.testing.HostileClients;
import io.bcgitops.testing.HostileClients.Flood;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits of one listener, each shown with the attack it stops and what that client sees. */
class BoundedHttpServerTest {
  private static final long HUGE = 300L << 20;
  private static final int BIG = 32 << 20;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpLimits LIMITS = new HttpLimits(1024, 1024, Duration.ofSeconds(1), Duration.ofSeconds(10),
      8, 1);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicInteger handled = new AtomicInteger();
  private final List<Socket> sockets = new ArrayList<>();
  private BoundedHttpServer server;

  /** Echoes the method, the path, the query and the body's size; refuses /secret without X-Token, unread. */
  private final BoundedHttpServer.Handler echo = new BoundedHttpServer.Handler() {
    @Override
    public Reply admit(Head head) {
      if (head.path().equals("/slow-admit")) {
        // Longer than the deadline: a check that asks the API server, say.
        sleep(1500);
      }
      return head.path().equals("/secret") && head.header("X-Token") == null ? Reply.text(401, "no token") : null;
    }

    @Override
    public Reply handle(Head head, byte[] body) {
      handled.incrementAndGet();
      if (head.path().equals("/fail")) {
        throw new IllegalStateException("the handler broke");
      }
      if (head.path().equals("/big")) {
        return new Reply(200, "application/octet-stream", new byte[BIG], Map.of());
      }
      return Reply.text(200, head.method() + " " + head.path() + " " + head.query() + " " + body.length);
    }

    @Override
    public Reply refusal(Head head, int status, String message) {
      return Reply.text(status, "refused: " + message);
    }
  };

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private BoundedHttpServer serve(HttpLimits limits) throws IOException {
    server = new BoundedHttpServer("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, echo)
        .start();
    return server;
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket stalled(String bytes) throws IOException {
    Socket socket = HostileClients.stalled(server.port(), bytes);
    sockets.add(socket);
    return socket;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String exchange(String request) throws IOException {
    return HostileClients.exchange(server.port(), request, WAIT);
  }

  @Test
  void aBodyDeclaredOverTheLimitIs413AndNoneOfItIsRead() throws Exception {
    serve(LIMITS);
    Flood flood = HostileClients.flood(server.port(), "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " + HUGE
        + "\r\n\r\n", HUGE, WAIT);

    assertEquals("HTTP/1.1 413 Payload Too Large", flood.statusLine(), flood.answer());
    assertTrue(flood.answer().contains("Connection: close"), flood.answer());
    assertTrue(flood.answer().endsWith("refused: the body is larger than 1024 bytes"), flood.answer());
    // The server read nothing: the client got no further than the sockets' buffers.
    assertTrue(flood.bytesSent() < 64L << 20, flood.bytesSent() + " bytes sent");
    assertEquals(0, handled.get());
  }

  @Test
  void aChunkedBodyIs413OnceItPassesTheLimit() throws Exception {
    serve(LIMITS);
    Flood flood = HostileClients.flood(server.port(), "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "\r\n" + Long.toHexString(HUGE) + "\r\n", HUGE, WAIT);

    assertEquals("HTTP/1.1 413 Payload Too Large", flood.statusLine(), flood.answer());
    assertTrue(flood.bytesSent() < 64L << 20, flood.bytesSent() + " bytes sent");
    assertEquals(0, handled.get());
  }

  @Test
  void aBodyOfExactlyTheLimitIsHandled() throws Exception {
    serve(LIMITS);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/x")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertEquals("POST /x null 1024", response.body());
  }

  @Test
  void headersOverTheLimitAre431() throws Exception {
    serve(LIMITS);
    String answer = exchange("GET /x HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(2048) + "\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
    assertEquals(0, handled.get());
  }

  @Test
  void whatCannotBeParsedIs400InPlainTextAndTheConnectionCloses() throws Exception {
    serve(LIMITS);
    // Kept alive by the client, but the answer says that the server closes it: no next request is lost on it.
    String answer = exchange("GET /app%00/x HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.contains("Connection: close\r\n"), answer);
    assertTrue(answer.contains("Content-Type: text/plain"), answer);
    assertEquals(0, handled.get());
  }

  @Test
  void aHeadThatTricklesInIsClosedAtTheReceiveDeadline() throws Exception {
    serve(LIMITS);
    trickle("GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(900));
  }

  @Test
  void aBodyThatTricklesInIsClosedAtTheReceiveDeadline() throws Exception {
    serve(LIMITS);
    trickle("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "a".repeat(1000));
  }

  /**
   * Sends {@code request} at once up to its last 900 bytes, then one byte every 100 ms: never idle for long, so
   * that only the deadline (1 s) ends it, with no answer.
   */
  private void trickle(String request) throws Exception {
    Socket socket = stalled(request.substring(0, request.length() - 900));
    OutputStream out = socket.getOutputStream();
    long start = System.nanoTime();
    try {
      for (char c : request.substring(request.length() - 900).toCharArray()) {
        out.write(c);
        out.flush();
        Thread.sleep(100);
      }
    } catch (IOException closed) {
      // What the test waits for.
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals("", HostileClients.untilClosed(socket, WAIT), "closed without an answer");
    assertTrue(took.toMillis() >= 900 && took.toMillis() < 5000, "closed after " + took.toMillis() + " ms");
    assertEquals(0, handled.get());
  }

  @Test
  void timeSpentInAdmitIsNotTheClients() throws Exception {
    serve(LIMITS);
    HttpResponse<String> response = get("/slow-admit");
    assertEquals(200, response.statusCode());
    assertEquals("GET /slow-admit null 0", response.body());
  }

  @Test
  void aBodyThatStopsComingIs408AtTheIdleTimeout() throws Exception {
    serve(LIMITS.withDeadlines(Duration.ofSeconds(10), Duration.ofMillis(500)));
    long start = System.nanoTime();
    Socket socket = stalled("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten..");

    String answer = HostileClients.untilClosed(socket, WAIT);
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertNotNull(answer);
    assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
    assertTrue(answer.endsWith("refused: the request's body did not arrive in time"), answer);
    assertTrue(took >= 400 && took < 5000, "answered after " + took + " ms");
    assertEquals(0, handled.get());
  }

  @Test
  void slowClientsHoldNoThread() throws Exception {
    // One handler thread; eight stalled clients (the connection limit less one), mid-headers and mid-body.
    serve(LIMITS.withDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(30)).withMaxConnections(9));
    for (int i = 0; i < 4; i++) {
      stalled("GET /x HTTP/1.1\r\nHost: x\r\nX-Hal");
      stalled("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten..");
    }
    long start = System.nanoTime();
    HttpResponse<String> response = get("/ok");
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, response.statusCode());
    assertTrue(took < 2000, "answered after " + took + " ms");
  }

  /** One connection over the limit closes the one that has waited longest on its client, and is served at once. */
  @Test
  void aConnectionOverTheLimitClosesTheLongestWaiting() throws Exception {
    serve(LIMITS.withDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    for (int i = 0; i < LIMITS.maxConnections(); i++) {
      stalled("GET /x HTTP/1.1\r\nHost: x\r\nX-Hal");
      // Each one waits longer than the next.
      Thread.sleep(20);
    }
    long start = System.nanoTime();
    HttpResponse<String> response = get("/ok");
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(200, response.statusCode());
    assertTrue(took < 1000, "answered after " + took + " ms");
    assertEquals("", HostileClients.untilClosed(sockets.get(0), WAIT), "the longest waiting, closed unanswered");
    for (Socket socket : sockets.subList(1, sockets.size())) {
      assertNull(HostileClients.untilClosed(socket, Duration.ofMillis(50)), "the others wait on");
    }
  }

  /**
   * The reviewer's attack: slow connections, three times the limit, each reopened as soon as it is closed. Before,
   * every slot stayed taken and a new connection waited in the accept queue for a receive deadline (10 s here) to
   * free one: the kubelet's probes (3 s) failed, and it restarted the container. Now the flood's own connections
   * make room; the attackers come from another address, as another pod than the kubelet's node does.
   */
  @Test
  void slowClientsThatReopenAtOnceDoNotKeepNewConnectionsOut() throws Exception {
    serve(LIMITS.withDeadlines(Duration.ofSeconds(10), Duration.ofSeconds(10)));
    try (HostileClients.Reopening flood = HostileClients.reopening(server.port(), 3 * LIMITS.maxConnections(),
        HostileClients.otherLoopback(), "GET /x HTTP/1.1\r\nHost: x\r\nX-Hal")) {
      await().atMost(WAIT).until(() -> flood.opened() > 3 * LIMITS.maxConnections());
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.port() + "/ok")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(200, response.statusCode());
        assertTrue(took < 2000, "request " + i + " answered after " + took + " ms");
      }
      assertTrue(flood.opened() > 4 * LIMITS.maxConnections(), "the flood went on: " + flood.opened() + " opened");
    }
  }

  /** A client that reads nothing of its answer holds its connection until the deadline, not the idle timeout. */
  @Test
  void anAnswerNotReadInTimeClosesTheConnection() throws Exception {
    serve(LIMITS);
    try (Socket socket = new Socket()) {
      // Small buffers: the answer (32 MiB) cannot be taken by them alone.
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
      socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      Thread.sleep(LIMITS.receiveDeadline().toMillis() * 2);
      String answer = HostileClients.untilClosed(socket, WAIT);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertNotNull(answer);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer.substring(0, Math.min(100, answer.length())));
      assertTrue(answer.length() < BIG, "closed before the whole answer: " + answer.length() + " bytes");
      // The idle timeout (10 s) would have closed it later.
      assertTrue(took < 6000, "closed after " + took + " ms");
    }
  }

  @Test
  void admitAnswersBeforeAnyBodyIsRead() throws Exception {
    serve(LIMITS);
    // Announces a body it never sends: the answer does not wait for it.
    long start = System.nanoTime();
    String answer = HostileClients.untilClosed(stalled("PUT /secret HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + HUGE + "\r\n\r\n"), WAIT);
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertNotNull(answer);
    assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
    assertTrue(answer.contains("Connection: close"), answer);
    assertTrue(answer.endsWith("no token"), answer);
    assertTrue(took < 900, "answered after " + took + " ms");
    assertEquals(0, handled.get());
  }

  @Test
  void aFailingHandlerIs500InTheHandlersFormat() throws Exception {
    serve(LIMITS);
    HttpResponse<String> response = get("/fail");
    assertEquals(500, response.statusCode());
    assertEquals("refused: internal error", response.body());
    // The connection serves on.
    assertEquals(200, get("/ok").statusCode());
  }

  @Test
  void pathsAndQueriesArriveDecodedNotNormalized() throws Exception {
    serve(LIMITS);
    assertEquals("GET /a/../b c=d e 0", get("/a/%2E%2E/b?c=d%20e").body());
    String head = exchange("HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(head.startsWith("HTTP/1.1 200 ") && head.contains("Content-Length: 14\r\n") && head.endsWith("\r\n\r\n"),
        "HEAD: the length, no body: " + head);
  }

  @Test
  void aTakenPortIsABindException() throws Exception {
    serve(LIMITS);
    assertThrows(BindException.class, () -> new BoundedHttpServer("again",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), LIMITS, echo));
  }

  @Test
  void closingStopsServing() throws Exception {
    serve(LIMITS);
    assertEquals(200, get("/ok").statusCode());
    server.close();
    assertThrows(IOException.class, () -> get("/ok"));
  }
}
