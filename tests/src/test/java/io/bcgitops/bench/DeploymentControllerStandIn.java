package io.bcgitops.bench;

import io.bcgitops.testing.StandInController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;

/**
 * What kube-controller-manager's Deployment controller does first with every Deployment written: it records the
 * generation it saw in status (no ReplicaSet, no pod). The mock server has no controllers; without this status write
 * the operator's read-after-write copy of each Deployment it wrote (JOSDK's temporary cache, cleared by the next event
 * about that Deployment) stays for the whole run when the write's own watch event came first, which against a real
 * API server it does not: a few MiB of live heap that differed from run to run.
 */
final class DeploymentControllerStandIn implements AutoCloseable {
  private final StandInController<Deployment> controller;

  DeploymentControllerStandIn(KubernetesClient client, String namespace) {
    controller = new StandInController<>(client.apps().deployments().inNamespace(namespace),
        deployment -> observe(client, deployment));
  }

  private static void observe(KubernetesClient client, Deployment deployment) {
    Long generation = deployment.getMetadata().getGeneration();
    if (deployment.getStatus() != null && Objects.equals(deployment.getStatus().getObservedGeneration(), generation)) {
      return;
    }
    DeploymentStatus status = new DeploymentStatus();
    status.setObservedGeneration(generation);
    deployment.setStatus(status);
    try {
      client.resource(deployment).updateStatus();
    } catch (KubernetesClientException e) {
      // Written meanwhile (409) or gone: the event that follows brings it back here, as it does the real controller.
    }
  }

  @Override
  public void close() {
    controller.close();
  }
}
