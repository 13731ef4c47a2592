package io.bcgitops.controller;

import io.bcgitops.source.GitFetcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import java.time.Clock;
import java.time.Duration;

/** Wires the controllers into a JOSDK operator; the operator command and the tests both start it here. */
public final class BcGitopsOperator {
  private static final Duration MAX_RECONCILE_INTERVAL = Duration.ofMinutes(10);

  private BcGitopsOperator() {
  }

  /** An operator running both controllers. */
  public static Operator create(KubernetesClient client, OperatorConfig config) {
    Operator operator = newOperator(client);
    registerGitOpsSources(operator, config);
    registerAppDeployments(operator, config);
    return operator;
  }

  /** An operator with no controller yet. */
  public static Operator newOperator(KubernetesClient client) {
    // Update and JSON patch only, never server-side apply: the same writes work on every API server.
    return new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false));
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
