package io.bcgitops.dashboard;

import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.HttpLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * The read-only web dashboard (README, "Dashboard"), on a bounded listener of its own: the page and its files from
 * the jar, JSON of the operator's caches for what the viewer may see, and Server-Sent Events that push changes.
 * In a cluster a viewer logs in with a Kubernetes bearer token (TokenReview) and sees each kind in the namespaces
 * where they may get it (SubjectAccessReview); in local mode, with the token its banner prints.
 */
public final class Dashboard implements AutoCloseable {
  /**
   * GETs with no body (the login's token is a header): few threads, as a live stream holds a connection and no
   * thread; an idle timeout longer than the streams' heartbeat.
   */
  static final HttpLimits LIMITS = new HttpLimits(0, 8 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), 64,
      4);
  static final int MAX_STREAMS = 32;
  /** A user's tabs: one user cannot take every stream. */
  static final int MAX_STREAMS_PER_USER = 4;
  static final Duration TICK = Duration.ofMillis(250);
  static final Duration SLOW_AFTER = Duration.ofSeconds(10);

  private final BoundedHttpServer server;
  private final LiveUpdates live;

  Dashboard(InetSocketAddress address, OperatorCaches caches, KubernetesClient client, Access access, Clock clock,
      Duration tick, Duration slowAfter) throws IOException {
    this.live = new LiveUpdates(caches, tick, slowAfter, MAX_STREAMS, MAX_STREAMS_PER_USER);
    try {
      this.server = new BoundedHttpServer("bcgitops-dashboard", address, LIMITS,
          new DashboardHandler(caches, live, access, new Sessions(clock), new RecentEvents(client, clock)));
    } catch (IOException | RuntimeException e) {
      live.close();
      throw e;
    }
  }

  /**
   * The dashboard of an operator in a cluster: viewers' tokens and permissions are asked of the API server
   * {@code client} reaches, as the operator.
   */
  public static Dashboard inCluster(InetSocketAddress address, Operator operator, KubernetesClient client)
      throws IOException {
    return new Dashboard(address, OperatorCaches.of(operator), client, new KubernetesAccess(client,
        Clock.systemUTC()), Clock.systemUTC(), TICK, SLOW_AFTER);
  }

  /** Local mode's dashboard: whoever presents {@code token} sees everything. */
  public static Dashboard local(InetSocketAddress address, Operator operator, KubernetesClient client, String token)
      throws IOException {
    return new Dashboard(address, OperatorCaches.of(operator), client, new LocalAccess(token), Clock.systemUTC(),
        TICK, SLOW_AFTER);
  }

  public Dashboard start() throws IOException {
    server.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  /** Live streams open now. */
  int streams() {
    return live.streams();
  }

  @Override
  public void close() {
    live.close();
    server.close();
  }
}
