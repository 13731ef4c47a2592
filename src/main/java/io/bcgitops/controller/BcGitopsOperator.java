package io.bcgitops.controller;

import io.bcgitops.source.GitFetcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;

/** Wires the controllers into a JOSDK operator; the operator command and the tests both start it here. */
public final class BcGitopsOperator {
  private static final Duration MAX_RECONCILE_INTERVAL = Duration.ofMinutes(10);

  private BcGitopsOperator() {
  }

  /** The Lease replicas of the operator elect their leader with. */
  public static final String LEASE_NAME = "bc-gitops-operator";

  /** An operator running both controllers; with leader election when the config asks for it. */
  public static Operator create(KubernetesClient client, OperatorConfig config) {
    Operator operator = newOperator(client, config.service().leaderElection()
        ? LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
            .withLeaseNamespace(config.service().ownNamespace()).build()
        : null);
    registerGitOpsSources(operator, config);
    registerAppDeployments(operator, config);
    return operator;
  }

  /** An operator with no controller yet, reconciling at once (no leader election). */
  public static Operator newOperator(KubernetesClient client) {
    return newOperator(client, null);
  }

  /**
   * An operator with no controller yet.
   *
   * @param leaderElection null to reconcile at once; otherwise only the replica holding the Lease reconciles
   */
  public static Operator newOperator(KubernetesClient client, LeaderElectionConfiguration leaderElection) {
    // Update and JSON patch only, never server-side apply: the same writes work on every API server.
    return new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false);
      if (leaderElection != null) {
        o.withLeaderElectionConfiguration(leaderElection);
      }
    });
  }

  public static void registerGitOpsSources(Operator operator, OperatorConfig config) {
    EventRecorder events = new EventRecorder(operator.getKubernetesClient(), Clock.systemUTC());
    operator.register(new GitOpsSourceReconciler(config, new GitFetcher(), events, Clock.systemUTC()), c -> {
      c.withOnUpdateFilter(new ReconcileTriggers<>());
      watchNamespaces(c, config);
    });
  }

  public static void registerAppDeployments(Operator operator, OperatorConfig config) {
    EventRecorder events = new EventRecorder(operator.getKubernetesClient(), Clock.systemUTC());
    operator.register(new AppDeploymentReconciler(config.images(), config.poolAddress(), events, Clock.systemUTC()),
        c -> watchNamespaces(c, config));
  }

  private static void watchNamespaces(ControllerConfigurationOverrider<?> controller, OperatorConfig config) {
    // A safety net: every resource is looked at again at least this often, whatever was missed.
    controller.withReconciliationMaxInterval(MAX_RECONCILE_INTERVAL);
    if (!config.namespaces().isEmpty()) {
      controller.settingNamespaces(config.namespaces());
    }
  }
}
