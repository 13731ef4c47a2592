package io.bcgitops.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 that serves, per path, whatever each attempt should see. */
final class ArtifactServer implements AutoCloseable {

  /** Answers one request; attempt counts from 1 per path. */
  interface Responder {
    void respond(HttpExchange exchange, int attempt) throws Exception;
  }

  private final HttpServer server;
  // Several threads: a handler that sleeps (a timeout test) must not hold up the next attempt.
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  ArtifactServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      int attempt = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizations.add(authorization);
      }
      try {
        Responder responder = routes.get(path);
        if (responder == null) {
          send(exchange, 404, new byte[0]);
        } else {
          responder.respond(exchange, attempt);
        }
      } catch (IOException e) {
        // Rethrown so the server drops the connection: how a body cut short reaches the client.
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  void on(String path, Responder responder) {
    routes.put(path, responder);
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** How many requests reached a path. */
  int requests(String path) {
    AtomicInteger count = counts.get(path);
    return count == null ? 0 : count.get();
  }

  /** Every Authorization header received, on any path. */
  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  static Responder bytes(byte[] body) {
    return (exchange, attempt) -> send(exchange, 200, body);
  }

  static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
