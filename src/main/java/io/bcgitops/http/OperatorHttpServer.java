package io.bcgitops.http;

import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.BoundedHttpServer.Reply;
import io.bcgitops.metrics.OperatorMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's metrics and probes, on a listener of their own (DESIGN.md section 7; webhooks are served on
 * another, so that a flood of deliveries never reaches the probes):
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format;
 *   <li>{@code GET /healthz}: 200 {@code ok} when the supplied liveness check passes, else 503 {@code wedged};
 *   <li>{@code GET /readyz}: 200 {@code ok} when the supplied check says ready, else 503 {@code not ready};
 *   <li>another method: 405; anything else: 404; a request with a body: 413.
 * </ul>
 *
 * <p>Bounded as {@link HttpLimits#PROBES_AND_METRICS} says. The port is bound by the constructor ({@link #port()}
 * is known before {@link #start()}).
 */
public final class OperatorHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorHttpServer.class);
  private static final Set<String> PATHS = Set.of("/metrics", "/healthz", "/readyz");

  private final BoundedHttpServer server;
  private final OperatorMetrics metrics;
  private final BooleanSupplier live;
  private final BooleanSupplier ready;

  /**
   * Binds {@code address} (port 0: any free port).
   *
   * @param metrics what /metrics serves
   * @param live whether the operator works (/healthz); false or an exception, and the kubelet restarts it
   * @param ready whether the operator is ready (/readyz); an exception counts as not ready
   * @throws IOException when the address cannot be bound
   */
  public OperatorHttpServer(InetSocketAddress address, OperatorMetrics metrics, BooleanSupplier live,
      BooleanSupplier ready) throws IOException {
    this(address, HttpLimits.PROBES_AND_METRICS, metrics, live, ready);
  }

  /** As above, with other limits (tests shorten the deadlines). */
  OperatorHttpServer(InetSocketAddress address, HttpLimits limits, OperatorMetrics metrics, BooleanSupplier live,
      BooleanSupplier ready) throws IOException {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.live = Objects.requireNonNull(live, "live");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.server = new BoundedHttpServer("bcgitops-http", Objects.requireNonNull(address, "address"), limits,
        new BoundedHttpServer.Handler() {
          @Override
          public Reply admit(Head head) {
            return OperatorHttpServer.admit(head);
          }

          @Override
          public Reply handle(Head head, byte[] body) {
            return answer(head.path());
          }
        });
  }

  /** Starts serving. */
  public void start() throws IOException {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** Stops serving at once, and releases the port. */
  @Override
  public void close() {
    server.close();
  }

  /** 404 and 405 before any body is read. */
  private static Reply admit(Head head) {
    if (!PATHS.contains(head.path())) {
      return text(404, "not found");
    }
    if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
      return text(405, "method not allowed").withHeader("Allow", "GET, HEAD");
    }
    return null;
  }

  private Reply answer(String path) {
    return switch (path) {
      case "/metrics" -> metrics();
      case "/healthz" -> check(live, "Liveness") ? text(200, "ok") : text(503, "wedged");
      default -> check(ready, "Readiness") ? text(200, "ok") : text(503, "not ready");
    };
  }

  private Reply metrics() {
    try {
      return new Reply(200, OperatorMetrics.PROMETHEUS_CONTENT_TYPE,
          metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"));
    } catch (RuntimeException e) {
      LOG.warn("Scraping metrics failed", e);
      return text(500, "scraping metrics failed");
    }
  }

  private static boolean check(BooleanSupplier check, String what) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.debug("{} check failed", what, e);
      return false;
    }
  }

  private static Reply text(int status, String body) {
    return Reply.text(status, body).withHeader("Cache-Control", "no-store");
  }
}
