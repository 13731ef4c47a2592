package io.bcgitops.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics a running operator exposes (ours after one of each, JOSDK's after real reconciles through
 * {@link OperatorMetrics#josdkMetrics()}, the JVM's), and deploy/grafana-dashboard.json querying only those.
 */
@EnableKubernetesMockClient(crud = true)
class GrafanaDashboardTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private static final Path DASHBOARD = Path.of("deploy", "grafana-dashboard.json");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private static final String RETRY_EVENTS =
      "events_received_total{action=\"UNKNOWN\",controller_name=\"configmaps\",event=\"Event\"}";

  private static OperatorMetrics metrics;
  private static String scrape;

  @ControllerConfiguration(name = "configmaps")
  static class ConfigMapReconciler implements Reconciler<ConfigMap> {
    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context) {
      if (resource.getMetadata().getName().equals("bad")) {
        throw new IllegalStateException("bad");
      }
      return UpdateControl.noUpdate();
    }
  }

  @BeforeAll
  static void recordOneOfEach() {
    metrics = OperatorMetrics.prometheus();
    metrics.reconciled(OperatorMetrics.KIND_GITOPS_SOURCE, Duration.ofMillis(50), true);
    metrics.reconciled(OperatorMetrics.KIND_APP_DEPLOYMENT, Duration.ofMillis(50), false);
    metrics.fetched(Duration.ofMillis(300), true);
    metrics.fetched(Duration.ofMillis(300), false);
    metrics.appAction(OperatorMetrics.ACTION_DEPLOY, true);
    metrics.trackAppPhases(() -> Map.of("Running", 1L));

    // JOSDK's metrics as the operator command wires them: ConfigurationServiceOverrider.withMetrics.
    String ns = "metrics";
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withMetrics(metrics.josdkMetrics()));
    operator.register(new ConfigMapReconciler(), c -> c
        .settingNamespaces(ns)
        .withRetry(new GenericRetry().setInitialInterval(10).setMaxAttempts(2)));
    operator.start();
    try {
      client.configMaps().inNamespace(ns).resource(configMap("good")).create();
      client.configMaps().inNamespace(ns).resource(configMap("bad")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        String now = metrics.scrape();
        return OperatorMetricsTest.sampleNames(now).containsAll(List.of("reconciliations_success_total",
            "reconciliations_failure_total", "reconciliations_retries_total"))
            && now.contains(RETRY_EVENTS);
      });
    } finally {
      operator.stop();
    }
    scrape = metrics.scrape();
  }

  @AfterAll
  static void close() {
    if (metrics != null) {
      metrics.close();
    }
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
  }

  @Test
  void josdkMetricsAreOnTheOperatorsRegistry() {
    OperatorMetricsTest.assertHas(scrape, "reconciliations_success_total{controller_name=\"configmaps\"} 1.0");
    assertTrue(scrape.contains("reconciliations_failure_total{controller_name=\"configmaps\"}"), scrape);
    assertTrue(scrape.contains("reconciliations_started_total{controller_name=\"configmaps\"}"), scrape);
    assertTrue(scrape.contains("reconciliations_retries_total{controller_name=\"configmaps\"}"), scrape);
    assertTrue(scrape.contains("reconciliations_execution_duration_seconds_bucket{controller_name=\"configmaps\""),
        scrape);
    Set<String> names = OperatorMetricsTest.sampleNames(scrape);
    for (String name : List.of("reconciliations_active", "reconciliations_queue", "custom_resources",
        "events_received_total")) {
      assertTrue(names.contains(name), name);
    }
  }

  @Test
  void josdkEventsWithoutAnActionAreKept() {
    // Resource events carry an action; JOSDK's retry timer events do not, and would be dropped by Prometheus.
    assertTrue(scrape.contains(RETRY_EVENTS), scrape);
    assertTrue(scrape.contains("events_received_total{action=\"ADDED\",controller_name=\"configmaps\","
        + "event=\"ResourceEvent\"}"), scrape);
  }

  @Test
  void dashboardQueriesOnlyMetricsTheOperatorExposes() throws Exception {
    Set<String> exposed = OperatorMetricsTest.sampleNames(scrape);
    Set<String> queried = queriedMetrics(new ObjectMapper().readTree(DASHBOARD.toFile()));
    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(exposed);
    assertTrue(missing.isEmpty(), () -> "the dashboard queries metrics the operator does not expose: " + missing
        + "\nexposed: " + new TreeSet<>(exposed));
    assertTrue(queried.contains("reconciliations_success_total"), "a JOSDK panel");
    assertTrue(queried.contains("jvm_memory_used_bytes"), "a JVM heap panel");
  }

  @Test
  void dashboardPlotsEveryOperatorMetric() throws Exception {
    Set<String> queried = queriedMetrics(new ObjectMapper().readTree(DASHBOARD.toFile()));
    for (String name : List.of("bcgitops_reconcile_duration_seconds_count", "bcgitops_reconcile_duration_seconds_bucket",
        "bcgitops_git_fetch_duration_seconds_count", "bcgitops_git_fetch_duration_seconds_bucket",
        "bcgitops_app_actions_total", "bcgitops_apps")) {
      assertTrue(queried.contains(name), name);
    }
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertTrue(dashboard.toString().contains("bcgitops_git_fetch_duration_seconds_count{job=~\\\"$job\\\", "
        + "result=\\\"failure\\\"}"), "fetch failures");
    assertTrue(dashboard.toString().contains("histogram_quantile(0.99"), "p99 latency");
  }

  @Test
  void dashboardUsesAPrometheusDatasourceVariable() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertFalse(dashboard.path("title").asText().isBlank());
    JsonNode datasource = null;
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("datasource")) {
        datasource = variable;
      }
    }
    assertTrue(datasource != null, "a datasource variable");
    assertEquals("prometheus", datasource.path("query").asText());
    String reference = "${" + datasource.path("name").asText() + "}";

    Set<Integer> ids = new HashSet<>();
    int graphs = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "unique panel ids");
      assertTrue(panel.path("gridPos").has("w"), "laid out");
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      graphs++;
      assertEquals(reference, panel.path("datasource").path("uid").asText(), panel.path("title").asText());
      assertFalse(panel.path("targets").isEmpty(), panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        assertEquals(reference, target.path("datasource").path("uid").asText(), panel.path("title").asText());
      }
    }
    assertTrue(graphs >= 8, "panels: " + graphs);
  }

  /** Every metric name in the dashboard's queries (panel targets and variable queries). */
  static Set<String> queriedMetrics(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    assertFalse(exprs.isEmpty(), "queries");
    for (String expr : exprs) {
      names.addAll(metricNames(expr));
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
          : variable.path("query").asText();
      Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,").matcher(query);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The metric names one PromQL expression selects: identifiers that are not functions, keywords or labels. */
  static Set<String> metricNames(String expr) {
    String s = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      if (m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1))) {
        continue;
      }
      String rest = s.substring(m.end()).stripLeading();
      if (rest.startsWith("(") || PROMQL_WORDS.contains(word.toLowerCase())) {
        continue;
      }
      names.add(word);
    }
    return names;
  }

  @Test
  void metricNamesOfAnExpression() {
    assertEquals(Set.of("a_bucket"), metricNames(
        "histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{job=~\"$job\", x=\"y{z}\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_total", "b"), metricNames("sum without (pod) (rate(a_total[5m])) / on (job) group_left b"));
    assertEquals(Set.of("up"), metricNames("up offset 1h > bool 1e3"));
  }
}
