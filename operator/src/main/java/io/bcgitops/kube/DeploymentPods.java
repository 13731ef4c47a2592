package io.bcgitops.kube;

import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which pods are a Deployment's, and which of them run its current pod template. A pod is the
 * Deployment's only through its owner chain (pod → ReplicaSet → Deployment, each by its controller
 * owner reference's uid), never by its labels, which anyone who may create a pod can set. The
 * current template's pods are told from older ones the way the Deployment controller tells them:
 * by the ReplicaSet whose template equals the Deployment's (pod-template-hash aside).
 *
 * @param replicaSets the uids of the Deployment's ReplicaSets
 * @param current the uid of the one that runs its current template, or null while there is none
 */
public record DeploymentPods(Set<String> replicaSets, String current) {
  /** The label the Deployment controller adds to a ReplicaSet's template and pods. */
  private static final String POD_TEMPLATE_HASH = "pod-template-hash";
  /** Only in the operator's caches of ReplicaSets (see {@link #slim}): the hash of the template it runs. */
  private static final String TEMPLATE_HASH_ANNOTATION = Api.GROUP + "/cached-template-hash";

  /** Of {@code replicaSets} (whole or {@link #slim}), those the Deployment controls and the one of its template. */
  public static DeploymentPods of(Deployment deployment, List<ReplicaSet> replicaSets) {
    String wanted = templateHash(deployment.getSpec().getTemplate());
    List<ReplicaSet> owned = replicaSets.stream()
        .filter(rs -> controller(rs.getMetadata()).filter(uid -> uid.equals(deployment.getMetadata().getUid()))
            .isPresent())
        .toList();
    String current = owned.stream().filter(rs -> wanted.equals(cachedTemplateHash(rs)))
        .map(rs -> rs.getMetadata().getUid()).findFirst().orElse(null);
    return new DeploymentPods(owned.stream().map(rs -> rs.getMetadata().getUid())
        .collect(Collectors.toUnmodifiableSet()), current);
  }

  /** Whether the pod's controller is one of the Deployment's ReplicaSets. */
  public boolean owns(Pod pod) {
    return controller(pod.getMetadata()).filter(replicaSets::contains).isPresent();
  }

  /** Whether the pod's controller is the ReplicaSet of the Deployment's current template. */
  public boolean isCurrent(Pod pod) {
    return current != null && controller(pod.getMetadata()).filter(current::equals).isPresent();
  }

  /**
   * A ReplicaSet reduced to what {@link #of} reads (its owners, and a hash of its pod template): the
   * operator's caches keep this instead of every template of every revision.
   */
  public static ReplicaSet slim(ReplicaSet replicaSet) {
    ObjectMeta metadata = replicaSet.getMetadata();
    return new ReplicaSetBuilder()
        .withNewMetadata()
          .withName(metadata.getName()).withNamespace(metadata.getNamespace()).withUid(metadata.getUid())
          .withResourceVersion(metadata.getResourceVersion())
          .withLabels(metadata.getLabels())
          .withOwnerReferences(metadata.getOwnerReferences())
          .withAnnotations(Map.of(TEMPLATE_HASH_ANNOTATION, templateHash(replicaSet.getSpec() == null ? null
              : replicaSet.getSpec().getTemplate())))
        .endMetadata()
        .build();
  }

  /** The hash of a pod template as the Deployment controller compares them: without the pod-template-hash label. */
  private static String templateHash(PodTemplateSpec template) {
    if (template == null) {
      return "";
    }
    PodTemplateSpec copy = new PodTemplateSpecBuilder(template).build();
    if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
      Map<String, String> labels = new TreeMap<>(copy.getMetadata().getLabels());
      labels.remove(POD_TEMPLATE_HASH);
      copy.setMetadata(new ObjectMetaBuilder(copy.getMetadata()).withLabels(labels).build());
    }
    return ContentHash.of(copy);
  }

  private static String cachedTemplateHash(ReplicaSet replicaSet) {
    Map<String, String> annotations = replicaSet.getMetadata().getAnnotations();
    String cached = annotations == null ? null : annotations.get(TEMPLATE_HASH_ANNOTATION);
    return cached != null ? cached : templateHash(replicaSet.getSpec() == null ? null : replicaSet.getSpec().getTemplate());
  }

  private static Optional<String> controller(ObjectMeta metadata) {
    return Objects.requireNonNullElse(metadata.getOwnerReferences(), List.<OwnerReference>of()).stream()
        .filter(o -> Boolean.TRUE.equals(o.getController())).map(OwnerReference::getUid).filter(Objects::nonNull)
        .findFirst();
  }
}
