package io.bcgitops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeploymentStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  private final OperatorMetrics metrics = OperatorMetrics.prometheus();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void reconcilesAreAHistogramByKindAndResult() {
    metrics.reconciled(OperatorMetrics.KIND_GITOPS_SOURCE, Duration.ofMillis(120), true);
    metrics.reconciled(OperatorMetrics.KIND_GITOPS_SOURCE, Duration.ofMillis(30), true);
    metrics.reconciled(OperatorMetrics.KIND_APP_DEPLOYMENT, Duration.ofSeconds(3), false);
    String scrape = metrics.scrape();

    assertHas(scrape, "# TYPE bcgitops_reconcile_duration_seconds histogram");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_count{kind=\"GitOpsSource\",result=\"success\"} 2");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_sum{kind=\"GitOpsSource\",result=\"success\"} 0.15");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_count{kind=\"AppDeployment\",result=\"error\"} 1");
    // Buckets in seconds, cumulative, ending in +Inf.
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_bucket{kind=\"GitOpsSource\",result=\"success\",le=\"0.05\"} 1");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_bucket{kind=\"GitOpsSource\",result=\"success\",le=\"0.25\"} 2");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_bucket{kind=\"AppDeployment\",result=\"error\",le=\"2.5\"} 0");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_bucket{kind=\"AppDeployment\",result=\"error\",le=\"5.0\"} 1");
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_bucket{kind=\"AppDeployment\",result=\"error\",le=\"+Inf\"} 1");
    // Every kind and result exists before its first reconcile, so rate() sees the first one.
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_count{kind=\"AppDeployment\",result=\"success\"} 0");
    assertEquals(Set.of("kind", "result", "le"), labelNames(scrape, "bcgitops_reconcile_duration_seconds_bucket"));
  }

  @Test
  void fetchesAreAHistogramByResult() {
    metrics.fetched(Duration.ofMillis(800), true);
    metrics.fetched(Duration.ofSeconds(40), false);
    String scrape = metrics.scrape();

    assertHas(scrape, "# TYPE bcgitops_git_fetch_duration_seconds histogram");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_count{result=\"success\"} 1");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_count{result=\"failure\"} 1");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_bucket{result=\"success\",le=\"1.0\"} 1");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_bucket{result=\"failure\",le=\"30.0\"} 0");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_bucket{result=\"failure\",le=\"60.0\"} 1");
    assertEquals(Set.of("result", "le"), labelNames(scrape, "bcgitops_git_fetch_duration_seconds_bucket"));
  }

  @Test
  void appActionsCountByActionAndResult() {
    metrics.appAction(OperatorMetrics.ACTION_DEPLOY, true);
    metrics.appAction(OperatorMetrics.ACTION_DEPLOY, true);
    metrics.appAction(OperatorMetrics.ACTION_PRUNE, false);
    String scrape = metrics.scrape();

    assertHas(scrape, "# TYPE bcgitops_app_actions_total counter");
    assertHas(scrape, "bcgitops_app_actions_total{action=\"deploy\",result=\"success\"} 2.0");
    assertHas(scrape, "bcgitops_app_actions_total{action=\"prune\",result=\"failure\"} 1.0");
    for (String action : List.of("create", "update", "prune", "deploy", "upgrade", "remove")) {
      assertTrue(scrape.contains("bcgitops_app_actions_total{action=\"" + action + "\",result=\"success\"}"), action);
      assertTrue(scrape.contains("bcgitops_app_actions_total{action=\"" + action + "\",result=\"failure\"}"), action);
    }
  }

  @Test
  void appPhasesAreReadAtScrapeTime() {
    Map<String, Long> counts = new HashMap<>(Map.of("Running", 3L, "Failed", 1L));
    metrics.trackAppPhases(() -> counts);
    String scrape = metrics.scrape();

    assertHas(scrape, "# TYPE bcgitops_apps gauge");
    assertHas(scrape, "bcgitops_apps{phase=\"Running\"} 3.0");
    assertHas(scrape, "bcgitops_apps{phase=\"Failed\"} 1.0");
    for (AppDeploymentStatus.Phase phase : AppDeploymentStatus.Phase.values()) {
      assertTrue(scrape.contains("bcgitops_apps{phase=\"" + phase.name() + "\"}"), phase.name());
    }
    assertHas(scrape, "bcgitops_apps{phase=\"Pending\"} 0.0");

    counts.put("Running", 5L);
    counts.remove("Failed");
    scrape = metrics.scrape();
    assertHas(scrape, "bcgitops_apps{phase=\"Running\"} 5.0");
    assertHas(scrape, "bcgitops_apps{phase=\"Failed\"} 0.0");
  }

  @Test
  void trackingAgainReplacesTheSupplier() {
    metrics.trackAppPhases(() -> Map.of("Running", 1L));
    metrics.trackAppPhases(() -> Map.of("Running", 7L));
    String scrape = metrics.scrape();
    assertHas(scrape, "bcgitops_apps{phase=\"Running\"} 7.0");
    assertEquals(AppDeploymentStatus.Phase.values().length,
        scrape.lines().filter(l -> l.startsWith("bcgitops_apps{")).count());
  }

  @Test
  void aFailingSupplierReadsNaNAndDoesNotBreakTheScrape() {
    metrics.trackAppPhases(() -> {
      throw new IllegalStateException("informer not synced");
    });
    String scrape = metrics.scrape();
    assertHas(scrape, "bcgitops_apps{phase=\"Running\"} NaN");
  }

  @Test
  void blankTagValuesAreRecordedAsUnknown() {
    metrics.reconciled(null, Duration.ofMillis(1), true);
    metrics.appAction(" ", false);
    metrics.fetched(null, true);
    String scrape = metrics.scrape();
    assertHas(scrape, "bcgitops_reconcile_duration_seconds_count{kind=\"unknown\",result=\"success\"} 1");
    assertHas(scrape, "bcgitops_app_actions_total{action=\"unknown\",result=\"failure\"} 1.0");
    assertHas(scrape, "bcgitops_git_fetch_duration_seconds_count{result=\"success\"} 1");
  }

  @Test
  void exposesExactlyTheOperatorsMetricFamilies() {
    metrics.trackAppPhases(Map::of);
    Set<String> ours = sampleNames(metrics.scrape()).stream().filter(n -> n.startsWith("bcgitops_"))
        .collect(Collectors.toSet());
    assertEquals(Set.of(
        "bcgitops_reconcile_duration_seconds_bucket", "bcgitops_reconcile_duration_seconds_count",
        "bcgitops_reconcile_duration_seconds_sum", "bcgitops_reconcile_duration_seconds_max",
        "bcgitops_git_fetch_duration_seconds_bucket", "bcgitops_git_fetch_duration_seconds_count",
        "bcgitops_git_fetch_duration_seconds_sum", "bcgitops_git_fetch_duration_seconds_max",
        "bcgitops_app_actions_total", "bcgitops_apps"), ours);
  }

  @Test
  void prometheusRegistryCarriesJvmAndProcessMetrics() {
    Set<String> names = sampleNames(metrics.scrape());
    for (String name : List.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_threads_live_threads",
        "jvm_gc_memory_allocated_bytes_total", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds")) {
      assertTrue(names.contains(name), name);
    }
    assertTrue(metrics.scrape().contains("jvm_memory_used_bytes{area=\"heap\""));
  }

  @Test
  void josdkMetricsIsOneInstanceOnTheSameRegistry() {
    assertSame(metrics.josdkMetrics(), metrics.josdkMetrics());
  }

  @Test
  void anyRegistryRecordsButOnlyPrometheusScrapes() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    OperatorMetrics onSimple = new OperatorMetrics(simple);
    onSimple.appAction(OperatorMetrics.ACTION_CREATE, true);
    assertEquals(1.0, simple.get("bcgitops.app.actions").tags("action", "create", "result", "success").counter()
        .count());
    assertThrows(IllegalStateException.class, onSimple::scrape);
  }

  static void assertHas(String scrape, String line) {
    assertTrue(scrape.lines().anyMatch(l -> l.equals(line)), () -> "no line\n  " + line + "\nin\n" + scrape);
  }

  /** The names of the samples in a Prometheus text scrape. */
  static Set<String> sampleNames(String scrape) {
    return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
  }

  /** The label names of one sample. */
  private static Set<String> labelNames(String scrape, String sample) {
    String line = scrape.lines().filter(l -> l.startsWith(sample + "{")).findFirst().orElseThrow();
    String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
    return Arrays.stream(labels.split(",")).map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
  }
}
