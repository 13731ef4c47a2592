package io.bcgitops.http;

import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.BoundedHttpServer.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics and probes, on a bounded listener:
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format;
 *   <li>{@code GET /healthz}: 200 {@code ok} when the supplied liveness check passes, else 503 {@code wedged};
 *   <li>{@code GET /readyz}: 200 {@code ok} when the supplied check says ready, else 503 {@code not ready};
 *   <li>another method: 405; a path this listener does not serve: 404; a request with a body: 413.
 * </ul>
 *
 * <p>In a cluster the probes have a listener of their own ({@link #probes}), in no Service: a flood of scrapes or
 * slow connections on the metrics port (which every pod can reach through the Service) never delays the
 * kubelet's probes, which restart the container when they fail. Local mode serves all three on one loopback port
 * ({@link #metricsAndProbes}).
 *
 * <p>The port is bound by the factory ({@link #port()} is known before {@link #start()}).
 */
public final class MonitoringServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MonitoringServer.class);
  private static final String METRICS = "/metrics";
  private static final String HEALTHZ = "/healthz";
  private static final String READYZ = "/readyz";
  /** The Content-Type of {@code /metrics}: Prometheus text format 0.0.4. */
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final BoundedHttpServer server;
  private final Set<String> paths;
  private final Supplier<String> metrics;
  private final BooleanSupplier live;
  private final BooleanSupplier ready;

  /**
   * {@code /metrics} alone, bounded as {@link HttpLimits#METRICS} says.
   *
   * @param metrics the metrics in Prometheus text format, made at each scrape
   */
  public static MonitoringServer metrics(InetSocketAddress address, Supplier<String> metrics) throws IOException {
    return new MonitoringServer("bcgitops-metrics", address, HttpLimits.METRICS, Objects.requireNonNull(metrics),
        null, null);
  }

  /**
   * {@code /healthz} and {@code /readyz} alone, bounded as {@link HttpLimits#PROBES} says.
   *
   * @param live whether the process works (/healthz); false or an exception, and the kubelet restarts it
   * @param ready whether it is ready (/readyz); an exception counts as not ready
   */
  public static MonitoringServer probes(InetSocketAddress address, BooleanSupplier live, BooleanSupplier ready)
      throws IOException {
    return probes(address, HttpLimits.PROBES, live, ready);
  }

  /** As above, with other limits (tests shorten the deadlines). */
  static MonitoringServer probes(InetSocketAddress address, HttpLimits limits, BooleanSupplier live,
      BooleanSupplier ready) throws IOException {
    return new MonitoringServer("bcgitops-probes", address, limits, null, Objects.requireNonNull(live, "live"),
        Objects.requireNonNull(ready, "ready"));
  }

  /** All three on one listener, bounded as {@link HttpLimits#METRICS} says. */
  public static MonitoringServer metricsAndProbes(InetSocketAddress address, Supplier<String> metrics,
      BooleanSupplier live, BooleanSupplier ready) throws IOException {
    return new MonitoringServer("bcgitops-http", address, HttpLimits.METRICS, Objects.requireNonNull(metrics),
        Objects.requireNonNull(live, "live"), Objects.requireNonNull(ready, "ready"));
  }

  /** Binds {@code address} (port 0: any free port); a null {@code metrics}, or null checks, are not served. */
  private MonitoringServer(String name, InetSocketAddress address, HttpLimits limits, Supplier<String> metrics,
      BooleanSupplier live, BooleanSupplier ready) throws IOException {
    this.metrics = metrics;
    this.live = live;
    this.ready = ready;
    Set<String> served = new LinkedHashSet<>();
    if (metrics != null) {
      served.add(METRICS);
    }
    if (live != null) {
      served.add(HEALTHZ);
      served.add(READYZ);
    }
    this.paths = Set.copyOf(served);
    this.server = new BoundedHttpServer(name, Objects.requireNonNull(address, "address"), limits,
        new BoundedHttpServer.Handler() {
          @Override
          public Reply admit(Head head) {
            return MonitoringServer.this.admit(head);
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
  private Reply admit(Head head) {
    if (!paths.contains(head.path())) {
      return text(404, "not found");
    }
    if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
      return text(405, "method not allowed").withHeader("Allow", "GET, HEAD");
    }
    return null;
  }

  private Reply answer(String path) {
    return switch (path) {
      case METRICS -> metrics();
      case HEALTHZ -> check(live, "Liveness") ? text(200, "ok") : text(503, "wedged");
      default -> check(ready, "Readiness") ? text(200, "ok") : text(503, "not ready");
    };
  }

  private Reply metrics() {
    try {
      return new Reply(200, PROMETHEUS_CONTENT_TYPE,
          metrics.get().getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"));
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
