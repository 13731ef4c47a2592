package io.bcgitops.metrics;

import io.bcgitops.api.AppDeploymentStatus;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The operator's own metrics (DESIGN.md section 7), on one Micrometer registry that also carries JOSDK's metrics
 * ({@link #josdkMetrics()}) and, from {@link #prometheus()}, the JVM's.
 *
 * <p>Prometheus names: {@code bcgitops_reconcile_duration_seconds{kind,result}},
 * {@code bcgitops_git_fetch_duration_seconds{result}} (both histograms: {@code _bucket}, {@code _count},
 * {@code _sum}, {@code _max}), {@code bcgitops_app_actions_total{action,result}} and {@code bcgitops_apps{phase}}.
 * Every known tag combination is registered up front, so each series exists (at 0) before its first event and
 * {@code rate()} sees the first increment.
 *
 * <p>Thread-safe. Recording never throws for an unexpected tag value: a null or blank one is recorded as
 * {@code unknown}. Pass the constants below.
 */
public final class OperatorMetrics implements AutoCloseable {

  /** Prometheus {@code bcgitops_reconcile_duration_seconds}. */
  public static final String RECONCILE_DURATION = "bcgitops.reconcile.duration";
  /** Prometheus {@code bcgitops_git_fetch_duration_seconds}. */
  public static final String GIT_FETCH_DURATION = "bcgitops.git.fetch.duration";
  /** Prometheus {@code bcgitops_app_actions_total}. */
  public static final String APP_ACTIONS = "bcgitops.app.actions";
  /** Prometheus {@code bcgitops_apps}. */
  public static final String APPS = "bcgitops.apps";

  public static final String KIND_GITOPS_SOURCE = "GitOpsSource";
  public static final String KIND_APP_DEPLOYMENT = "AppDeployment";
  public static final List<String> KINDS = List.of(KIND_GITOPS_SOURCE, KIND_APP_DEPLOYMENT);

  /** What a GitOpsSource does to AppDeployments. */
  public static final String ACTION_CREATE = "create";
  public static final String ACTION_UPDATE = "update";
  public static final String ACTION_PRUNE = "prune";
  /** What an AppDeployment does to its app. */
  public static final String ACTION_DEPLOY = "deploy";
  public static final String ACTION_UPGRADE = "upgrade";
  public static final String ACTION_REMOVE = "remove";
  public static final List<String> ACTIONS =
      List.of(ACTION_CREATE, ACTION_UPDATE, ACTION_PRUNE, ACTION_DEPLOY, ACTION_UPGRADE, ACTION_REMOVE);

  /**
   * Histogram buckets of both timers: reconciles and fetches range from milliseconds (nothing changed) to minutes
   * (a first clone, a slow app start).
   */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

  private static final String JOSDK_EVENTS_RECEIVED = "events.received";

  private final MeterRegistry registry;
  private final List<AutoCloseable> closeables;
  private final AtomicReference<Supplier<Map<String, Long>>> phaseCounts = new AtomicReference<>();
  private Metrics josdkMetrics;

  /** Records on {@code registry} (any Micrometer registry; {@link #scrape()} needs a Prometheus one). */
  public OperatorMetrics(MeterRegistry registry) {
    this(withFilters(Objects.requireNonNull(registry, "registry")), List.of());
  }

  private OperatorMetrics(MeterRegistry registry, List<AutoCloseable> closeables) {
    this.registry = registry;
    this.closeables = closeables;
    for (String kind : KINDS) {
      reconcileTimer(kind, true);
      reconcileTimer(kind, false);
    }
    fetchTimer(true);
    fetchTimer(false);
    for (String action : ACTIONS) {
      actionCounter(action, true);
      actionCounter(action, false);
    }
  }

  /**
   * A Prometheus registry with the JVM's and the process's metrics bound (memory, GC, threads, CPU, uptime): what
   * the operator serves on /metrics.
   */
  public static OperatorMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    withFilters(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new OperatorMetrics(registry, List.of(gc));
  }

  /** The registry everything is recorded on. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * JOSDK's metrics on this registry, for {@code ConfigurationServiceOverrider.withMetrics(...)}. One instance per
   * OperatorMetrics (it holds the per-controller gauges), aggregated per controller (tag {@code controller_name}),
   * never per resource.
   */
  public synchronized Metrics josdkMetrics() {
    if (josdkMetrics == null) {
      josdkMetrics = MicrometerMetricsV2.newBuilder(registry).build();
    }
    return josdkMetrics;
  }

  /**
   * One reconcile of a custom resource.
   *
   * @param kind {@link #KIND_GITOPS_SOURCE} or {@link #KIND_APP_DEPLOYMENT}
   * @param took how long the reconcile ran
   * @param success false when it ended in an error (result="error")
   */
  public void reconciled(String kind, Duration took, boolean success) {
    reconcileTimer(kind, success).record(nonNegative(took));
  }

  /**
   * One fetch of a GitOpsSource's repository (clone or fetch).
   *
   * @param success false when the fetch failed (result="failure")
   */
  public void fetched(Duration took, boolean success) {
    fetchTimer(success).record(nonNegative(took));
  }

  /**
   * One action taken: on an AppDeployment by a GitOpsSource ({@link #ACTION_CREATE}, {@link #ACTION_UPDATE},
   * {@link #ACTION_PRUNE}) or on an app by an AppDeployment ({@link #ACTION_DEPLOY}, {@link #ACTION_UPGRADE},
   * {@link #ACTION_REMOVE}).
   */
  public void appAction(String action, boolean success) {
    actionCounter(action, success).increment();
  }

  /**
   * Publishes {@code bcgitops_apps{phase}}, one gauge for every {@link AppDeploymentStatus.Phase}, read from
   * {@code countsByPhase} at scrape time (once per phase per scrape: keep it cheap, such as counting an informer's
   * cache). Keys are phase names ({@code Phase.name()}); a phase missing from the map counts 0; if the supplier
   * throws, the gauges read NaN. Calling again replaces the supplier.
   */
  public void trackAppPhases(Supplier<Map<String, Long>> countsByPhase) {
    Objects.requireNonNull(countsByPhase, "countsByPhase");
    if (phaseCounts.getAndSet(countsByPhase) != null) {
      return;
    }
    for (AppDeploymentStatus.Phase phase : AppDeploymentStatus.Phase.values()) {
      String name = phase.name();
      Gauge.builder(APPS, phaseCounts, ref -> count(ref.get(), name))
          .description("AppDeployments by status phase")
          .tag("phase", name)
          .strongReference(true)
          .register(registry);
    }
  }

  /** The registry in Prometheus text format 0.0.4 (what {@code /metrics} serves). */
  public String scrape() {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return prometheus.scrape();
    }
    throw new IllegalStateException("not a Prometheus registry: " + registry.getClass().getName());
  }

  @Override
  public void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing: nothing to do about it.
      }
    }
    registry.close();
  }

  private Timer reconcileTimer(String kind, boolean success) {
    return Timer.builder(RECONCILE_DURATION)
        .description("Reconciles of bc-gitops custom resources")
        .tag("kind", tagValue(kind))
        .tag("result", success ? "success" : "error")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private Timer fetchTimer(boolean success) {
    return Timer.builder(GIT_FETCH_DURATION)
        .description("Fetches of GitOpsSource repositories")
        .tag("result", success ? "success" : "failure")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private Counter actionCounter(String action, boolean success) {
    return Counter.builder(APP_ACTIONS)
        .description("Actions on AppDeployments and apps")
        .tag("action", tagValue(action))
        .tag("result", success ? "success" : "failure")
        .register(registry);
  }

  /**
   * JOSDK's MicrometerMetricsV2 tags {@code events.received} with {@code action} for resource events only; Prometheus
   * needs one set of tag keys per name and would drop the others (with a warning). Those get {@code action="UNKNOWN"},
   * as JOSDK's older MicrometerMetrics did.
   */
  private static MeterRegistry withFilters(MeterRegistry registry) {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().equals(JOSDK_EVENTS_RECEIVED) && id.getTag("action") == null) {
          return id.withTag(Tag.of("action", "UNKNOWN"));
        }
        return id;
      }
    });
    return registry;
  }

  private static double count(Supplier<Map<String, Long>> supplier, String phase) {
    try {
      Map<String, Long> counts = supplier.get();
      Long count = counts == null ? null : counts.get(phase);
      return count == null ? 0 : count;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String tagValue(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }

  private static Duration nonNegative(Duration took) {
    return took == null || took.isNegative() ? Duration.ZERO : took;
  }
}
