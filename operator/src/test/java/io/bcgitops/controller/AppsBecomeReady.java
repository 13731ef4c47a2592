package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.testing.StandInController;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;

/**
 * Stands in for the AppDeployment controller in tests of the GitOpsSource controller alone: every
 * AppDeployment in a namespace is reported Running and Ready for its current generation.
 */
final class AppsBecomeReady implements AutoCloseable {
  private final StandInController<AppDeployment> controller;

  AppsBecomeReady(KubernetesClient client, String namespace) {
    controller = new StandInController<>(client.resources(AppDeployment.class).inNamespace(namespace),
        app -> markReady(client, app));
  }

  private static void markReady(KubernetesClient client, AppDeployment app) {
    if (AppDeploymentReconciler.isReady(app)) {
      return;
    }
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setPhase(AppDeploymentStatus.Phase.Running);
    status.setDeployedVersion(app.getSpec().getVersion());
    status.setObservedGeneration(app.getMetadata().getGeneration());
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Succeeded")
        .withMessage("running").withObservedGeneration(app.getMetadata().getGeneration())
        .withLastTransitionTime(Instant.now().toString()).build()));
    app.setStatus(status);
    try {
      client.resource(app).updateStatus();
    } catch (KubernetesClientException conflict) {
      // A newer version of the app is on its way; its own event marks it.
    }
  }

  @Override
  public void close() {
    controller.close();
  }
}
