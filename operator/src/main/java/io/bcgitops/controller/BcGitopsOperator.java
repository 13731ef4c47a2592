package io.bcgitops.controller;

import io.bcgitops.api.RuntimePool;
import io.bcgitops.kube.ManagedFields;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.source.GitFetcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** Wires the controllers into a JOSDK operator; the operator command and the tests both start it here. */
public final class BcGitopsOperator {
  private static final Duration MAX_RECONCILE_INTERVAL = Duration.ofMinutes(10);
  /**
   * Reconciles at once, and threads running the dependents of an app's workflow. JOSDK's default, 50 of each,
   * keeps a hundred threads alive once a thousand apps were reconciled: each with its stack and with the buffers
   * Jackson keeps per thread (up to 128 KiB each), for a reconcile that mostly waits on the CPU (2 cores, or a
   * fraction of them) or on an API server that answers in milliseconds.
   */
  static final int RECONCILE_THREADS = 10;

  private BcGitopsOperator() {
  }

  /** The Lease replicas of the operator elect their leader with. */
  public static final String LEASE_NAME = "bc-gitops-operator";

  /** An operator running both controllers; with leader election when the config asks for it. */
  public static Operator create(KubernetesClient client, OperatorConfig config, OperatorMetrics metrics) {
    return create(client, config, metrics, new Liveness());
  }

  /** As {@link #create(KubernetesClient, OperatorConfig, OperatorMetrics)}, reporting whether it makes progress. */
  public static Operator create(KubernetesClient client, OperatorConfig config, OperatorMetrics metrics,
      Liveness liveness) {
    Operator operator = newOperator(client, leaderElection(config), metrics, liveness);
    registerGitOpsSources(operator, config, metrics, liveness);
    registerAppDeployments(operator, config, metrics);
    return operator;
  }

  /** The election the config asks for, JOSDK's defaults otherwise (a 15 s Lease, renewed every 2 s); null for none. */
  private static LeaderLease leaderElection(OperatorConfig config) {
    return config.service().leaderElection()
        ? new LeaderLease(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
            .withLeaseNamespace(config.service().ownNamespace()).build())
        : null;
  }

  /** As {@link #create(KubernetesClient, OperatorConfig, OperatorMetrics)}, with metrics kept in memory only. */
  public static Operator create(KubernetesClient client, OperatorConfig config) {
    return create(client, config, inMemoryMetrics());
  }

  /** An operator with no controller yet, reconciling at once (no leader election). */
  public static Operator newOperator(KubernetesClient client) {
    return newOperator(client, null);
  }

  /** An operator with no controller yet, its metrics kept in memory only. */
  public static Operator newOperator(KubernetesClient client, LeaderLease leaderElection) {
    return newOperator(client, leaderElection, inMemoryMetrics());
  }

  private static OperatorMetrics inMemoryMetrics() {
    return new OperatorMetrics(new SimpleMeterRegistry());
  }

  /**
   * An operator with no controller yet.
   *
   * @param leaderElection null to reconcile at once; otherwise only the replica holding the Lease
   *     reconciles, and it hands the Lease back when stopped
   */
  public static Operator newOperator(KubernetesClient client, LeaderLease leaderElection, OperatorMetrics metrics) {
    return newOperator(client, leaderElection, metrics, new Liveness());
  }

  /** As {@link #newOperator(KubernetesClient, LeaderLease, OperatorMetrics)}, its reconciles followed by liveness. */
  public static Operator newOperator(KubernetesClient client, LeaderLease leaderElection, OperatorMetrics metrics,
      Liveness liveness) {
    // Update and JSON patch only, never server-side apply: the same writes work on every API server.
    Consumer<ConfigurationServiceOverrider> configuration = o -> {
      o.withKubernetesClient(client)
          .withMetrics(liveness.watching(metrics.josdkMetrics()))
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false);
      o.withConcurrentReconciliationThreads(RECONCILE_THREADS)
          .withConcurrentWorkflowExecutorThreads(RECONCILE_THREADS);
      if (leaderElection != null) {
        o.withLeaderElectionConfiguration(leaderElection.configuration());
      }
    };
    return leaderElection == null ? new Operator(configuration) : new LeaseReleasingOperator(configuration,
        leaderElection);
  }

  /** Hands the Lease back once stopped, when it holds it: JOSDK's stop leaves it held until it expires. */
  private static final class LeaseReleasingOperator extends Operator {
    private final LeaderLease lease;

    LeaseReleasingOperator(Consumer<ConfigurationServiceOverrider> configuration, LeaderLease lease) {
      super(configuration);
      this.lease = lease;
    }

    @Override
    public void stop() {
      // First every reconcile ends and the elector stops renewing; only then may another replica lead.
      lease.stopping();
      super.stop();
      lease.release(getKubernetesClient());
    }
  }

  public static void registerGitOpsSources(Operator operator, OperatorConfig config) {
    registerGitOpsSources(operator, config, inMemoryMetrics());
  }

  public static void registerGitOpsSources(Operator operator, OperatorConfig config, OperatorMetrics metrics) {
    registerGitOpsSources(operator, config, metrics, new Liveness());
  }

  /** The GitOpsSource controller; its fetches report to liveness when one is stuck past its deadline. */
  public static void registerGitOpsSources(Operator operator, OperatorConfig config, OperatorMetrics metrics,
      Liveness liveness) {
    EventRecorder events = new EventRecorder(operator.getKubernetesClient(), Clock.systemUTC());
    operator.register(new GitOpsSourceReconciler(config, new GitFetcher(config.git().fetch()), events, metrics,
        Clock.systemUTC(), liveness), c -> {
      c.withOnUpdateFilter(new ReconcileTriggers<>());
      configure(c, config);
    });
  }

  public static void registerAppDeployments(Operator operator, OperatorConfig config) {
    registerAppDeployments(operator, config, inMemoryMetrics());
  }

  /**
   * The AppDeployment controller, and the RuntimePool controller its embedded apps run under: an app that loads
   * something into its pool asks the pool's controller for a poll now, through their shared event source.
   */
  public static void registerAppDeployments(Operator operator, OperatorConfig config, OperatorMetrics metrics) {
    EventRecorder events = new EventRecorder(operator.getKubernetesClient(), Clock.systemUTC());
    SimpleInboundEventSource<RuntimePool> pollRequests = new SimpleInboundEventSource<>("poll-requests");
    operator.register(new RuntimePoolReconciler(config.images(), config.poolAddress(), pollRequests,
        Clock.systemUTC(), config.service().ownNamespace()), c -> configure(c, config));
    operator.register(new AppDeploymentReconciler(config.images(), config.poolAddress(), pollRequests, events,
            metrics, Clock.systemUTC()),
        c -> configure(c, config));
  }

  private static <R extends HasMetadata> void configure(ControllerConfigurationOverrider<R> controller,
      OperatorConfig config) {
    // A safety net: every resource is looked at again at least this often, whatever was missed.
    controller.withReconciliationMaxInterval(MAX_RECONCILE_INTERVAL);
    controller.withItemStore(new TransformingItemStore<>(ManagedFields::dropped));
    if (!config.namespaces().isEmpty()) {
      controller.settingNamespaces(config.namespaces());
    }
  }
}
