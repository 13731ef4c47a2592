package io.bcgitops.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.bcgitops.metrics.OperatorMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoints, on one port (DESIGN.md section 7):
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format;
 *   <li>{@code GET /healthz}: 200 {@code ok} while the supplied liveness check passes (by default, while the
 *       process serves), else 503 {@code wedged} (liveness);
 *   <li>{@code GET /readyz}: 200 {@code ok} when the supplied check says ready, else 503 {@code not ready}
 *       (readiness);
 *   <li>extra handlers, each mounted at a path prefix (such as the webhook receiver at {@code /hook/}), which get
 *       every method and path under it;
 *   <li>anything else: 404.
 * </ul>
 *
 * <p>The port is bound by the constructor ({@link #port()} is known before {@link #start()}); a small pool of
 * daemon threads serves requests.
 */
public final class OperatorHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorHttpServer.class);
  private static final Set<String> BUILT_IN = Set.of("/metrics", "/healthz", "/readyz");
  private static final int THREADS = 4;
  private static final int STOP_SECONDS = 1;

  private final HttpServer server;
  private final ExecutorService executor;
  private final OperatorMetrics metrics;
  private final BooleanSupplier ready;
  private final BooleanSupplier live;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Binds {@code address} (port 0: any free port).
   *
   * @param metrics what /metrics serves
   * @param ready whether the operator is ready (/readyz); an exception counts as not ready
   * @param extraRoutes handlers by path prefix, each starting with "/" (such as "/hook/"); none may be "/" or one
   *     of the built-in paths
   * @throws IOException when the address cannot be bound
   */
  public OperatorHttpServer(InetSocketAddress address, OperatorMetrics metrics, BooleanSupplier ready,
      Map<String, HttpHandler> extraRoutes) throws IOException {
    this(address, metrics, ready, () -> true, extraRoutes);
  }

  /**
   * As {@link #OperatorHttpServer(InetSocketAddress, OperatorMetrics, BooleanSupplier, Map)}, with /healthz
   * answering {@code live} (an exception counts as live: a failing check is not a wedged operator).
   */
  public OperatorHttpServer(InetSocketAddress address, OperatorMetrics metrics, BooleanSupplier ready,
      BooleanSupplier live, Map<String, HttpHandler> extraRoutes) throws IOException {
    Objects.requireNonNull(address, "address");
    this.live = Objects.requireNonNull(live, "live");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.ready = Objects.requireNonNull(ready, "ready");
    Map<String, HttpHandler> routes = new LinkedHashMap<>(extraRoutes == null ? Map.of() : extraRoutes);
    routes.forEach((prefix, handler) -> {
      if (prefix == null || !prefix.startsWith("/") || prefix.equals("/")
          || BUILT_IN.contains(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)) {
        throw new IllegalArgumentException("extra route must be a path prefix other than / and the built-in paths "
            + BUILT_IN + ": " + prefix);
      }
      Objects.requireNonNull(handler, () -> "handler for " + prefix);
    });

    this.server = HttpServer.create(address, 0);
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "bcgitops-http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, 404, "not found"));
    server.createContext("/metrics", get("/metrics", this::metrics));
    server.createContext("/healthz", get("/healthz", this::liveness));
    server.createContext("/readyz", get("/readyz", this::readiness));
    routes.forEach(server::createContext);
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, lets requests in progress finish (at most a second), and stops the threads. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    server.stop(STOP_SECONDS);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    String body;
    try {
      body = metrics.scrape();
    } catch (RuntimeException e) {
      LOG.warn("Scraping metrics failed", e);
      respond(exchange, 500, "scraping metrics failed");
      return;
    }
    respond(exchange, 200, OperatorMetrics.PROMETHEUS_CONTENT_TYPE, body);
  }

  private void liveness(HttpExchange exchange) throws IOException {
    boolean isLive;
    try {
      isLive = live.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.debug("Liveness check failed", e);
      isLive = true;
    }
    respond(exchange, isLive ? 200 : 503, isLive ? "ok" : "wedged");
  }

  private void readiness(HttpExchange exchange) throws IOException {
    boolean isReady;
    try {
      isReady = ready.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.debug("Readiness check failed", e);
      isReady = false;
    }
    if (isReady) {
      respond(exchange, 200, "ok");
    } else {
      respond(exchange, 503, "not ready");
    }
  }

  /** Serves exactly {@code path} (a context also matches longer paths) to GET and HEAD. */
  private static HttpHandler get(String path, HttpHandler handler) {
    return exchange -> {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getPath().equals(path)) {
        respond(exchange, 404, "not found");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method not allowed");
      } else {
        handler.handle(exchange);
      }
    };
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    respond(exchange, status, "text/plain; charset=utf-8", body);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
