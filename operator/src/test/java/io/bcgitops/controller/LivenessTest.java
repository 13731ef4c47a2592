package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.http.MonitoringServer;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.testing.ManualClock;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /healthz fails when the operator is wedged, and only then. */
class LivenessTest {
  private static final Map<String, Object> CONTROLLER = Map.of(Constants.CONTROLLER_NAME, "appdeployment");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Liveness liveness = new Liveness(clock, Liveness.MAX_RECONCILE);
  private final Metrics josdk = liveness.watching(Metrics.NOOP);

  private static AppDeployment app(String name) {
    return TestApps.vm("shop", name, "1.0", spec -> { });
  }

  @Test
  void aReconcileThatNeverEndsWedgesTheOperatorOnceItIsTenMinutesOld() {
    josdk.reconciliationSubmitted(app("web"), null, CONTROLLER);
    clock.advance(Duration.ofMinutes(9));
    assertTrue(liveness.isLive(), "a slow reconcile is not yet a wedged operator");

    clock.advance(Duration.ofMinutes(2));

    assertFalse(liveness.isLive());
    assertEquals(Optional.of("the reconcile of appdeployment shop/web has not finished 660s after it was started"
        + " (more than 600s)"), liveness.problem());
    josdk.reconciliationFinished(app("web"), null, CONTROLLER);
    assertTrue(liveness.isLive(), "it finished: live again");
  }

  @Test
  void reconcilesThatEndAreNeverAProblemHoweverOldTheOperator() {
    for (int i = 0; i < 100; i++) {
      josdk.reconciliationSubmitted(app("web"), null, CONTROLLER);
      clock.advance(Duration.ofMinutes(1));
      josdk.reconciliationFinished(app("web"), null, CONTROLLER);
    }

    assertTrue(liveness.isLive());
  }

  @Test
  void aCheckThatReportsSomethingStuckWedgesTheOperator() {
    liveness.watch(now -> now.isAfter(Instant.parse("2026-01-01T00:10:00Z"))
        ? Optional.of("the git fetch of GitOpsSource shop/slow has run for 660s") : Optional.empty());
    assertTrue(liveness.isLive());

    clock.advance(Duration.ofMinutes(11));

    assertFalse(liveness.isLive());
  }

  @Test
  void healthzAnswers503WhileWedged() throws Exception {
    try (MonitoringServer server = MonitoringServer.probes(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        liveness::isLive, () -> true)) {
      server.start();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build();
      assertEquals(200, http.send(healthz, HttpResponse.BodyHandlers.ofString()).statusCode());

      josdk.reconciliationSubmitted(app("web"), null, CONTROLLER);
      clock.advance(Duration.ofMinutes(11));

      HttpResponse<String> wedged = http.send(healthz, HttpResponse.BodyHandlers.ofString());
      assertEquals(503, wedged.statusCode());
      assertEquals("wedged", wedged.body());
    }
  }
}
