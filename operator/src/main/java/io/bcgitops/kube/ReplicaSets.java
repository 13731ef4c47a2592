package io.bcgitops.kube;

import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ReplicaSet the Deployment controller makes for a Deployment's pod template: named and
 * labelled after a hash of the template ({@code pod-template-hash}), the Deployment its controller.
 * Local mode's node keeps one per template as a cluster does (and so does the tests' kubelet); the
 * operator tells a Deployment's current pods from older ones through them.
 */
public final class ReplicaSets {
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private ReplicaSets() {
  }

  /**
   * The stored ReplicaSet of the Deployment's current template ({@code template}, as JSON), created
   * if there is none yet: one per template, as the Deployment controller keeps them.
   */
  public static ReplicaSet ofTemplate(KubernetesClient client, Deployment deployment, String template) {
    ReplicaSet wanted = forTemplate(deployment, String.format("%08x", template.hashCode()));
    var replicaSets = client.apps().replicaSets().inNamespace(deployment.getMetadata().getNamespace());
    ReplicaSet existing = replicaSets.withName(wanted.getMetadata().getName()).get();
    return existing != null ? existing : replicaSets.resource(wanted).create();
  }

  /** The ReplicaSet (not yet stored) for the Deployment's current template, whose hash is {@code hash}. */
  public static ReplicaSet forTemplate(Deployment deployment, String hash) {
    Map<String, String> labels = new TreeMap<>(deployment.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(POD_TEMPLATE_HASH, hash);
    return new ReplicaSetBuilder()
        .withNewMetadata()
          .withName(deployment.getMetadata().getName() + "-" + hash)
          .withNamespace(deployment.getMetadata().getNamespace())
          .withLabels(labels)
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
            .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec()
          .withReplicas(1)
          .withNewSelector().withMatchLabels(Map.of(POD_TEMPLATE_HASH, hash)).endSelector()
          .withTemplate(new PodTemplateSpecBuilder(deployment.getSpec().getTemplate())
              .editMetadata().withLabels(labels).endMetadata().build())
        .endSpec()
        .build();
  }
}
