package io.bcgitops.controller;

import io.bcgitops.source.GitFetcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;

/** Wires the controllers into a JOSDK operator; the operator command and the tests both start it here. */
public final class BcGitopsOperator {
  private BcGitopsOperator() {
  }

  public static Operator create(KubernetesClient client, OperatorConfig config) {
    // Update and JSON patch only, never server-side apply: the same writes work on every API server.
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(new GitOpsSourceReconciler(config, new GitFetcher(), Clock.systemUTC()), c -> {
      c.withOnUpdateFilter(new ReconcileTriggers<>());
      if (!config.namespaces().isEmpty()) {
        c.settingNamespaces(config.namespaces());
      }
    });
    return operator;
  }
}
