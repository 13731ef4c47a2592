package io.bcgitops.kube;

import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the operator writes of a Deployment it owns. The spec is the operator's: when it writes (a
 * new version, or a field it sets that someone changed), the spec is the one it computes, so a
 * field it stopped setting goes too. Labels and annotations are shared: those others put on the
 * Deployment or its pod template (the Deployment controller's revision, {@code kubectl rollout
 * restart}'s restartedAt) are kept, and so would be a key the operator stopped setting (it sets
 * the same keys in every version so far). Nothing is written at all while {@link Drift} finds nothing.
 */
public final class OwnedDeployments {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private OwnedDeployments() {
  }

  /** The desired Deployment as first created: with the hash of what it holds. */
  public static Deployment forCreate(Deployment desired) {
    Deployment create = SERIALIZATION.clone(desired);
    writableAnnotations(create.getMetadata()).put(Api.DESIRED_HASH_ANNOTATION, Drift.hash(desired));
    return create;
  }

  /** {@code live} with the desired spec, labels, annotations and controller, for an update with optimistic locking. */
  public static Deployment onto(Deployment desired, Deployment live) {
    Deployment next = SERIALIZATION.clone(live);
    merge(next.getMetadata(), desired.getMetadata());
    writableAnnotations(next.getMetadata()).put(Api.DESIRED_HASH_ANNOTATION, Drift.hash(desired));
    ObjectMeta liveTemplate = live.getSpec() == null || live.getSpec().getTemplate() == null ? null
        : live.getSpec().getTemplate().getMetadata();
    next.setSpec(SERIALIZATION.clone(desired.getSpec()));
    if (liveTemplate != null) {
      ObjectMeta template = next.getSpec().getTemplate().getMetadata();
      template.setLabels(mergedMap(liveTemplate.getLabels(), template.getLabels()));
      template.setAnnotations(mergedMap(liveTemplate.getAnnotations(), template.getAnnotations()));
    }
    return next;
  }

  private static void merge(ObjectMeta live, ObjectMeta desired) {
    live.setLabels(mergedMap(live.getLabels(), desired.getLabels()));
    live.setAnnotations(mergedMap(live.getAnnotations(), desired.getAnnotations()));
    // The desired controller replaces any other; other owners stay.
    List<OwnerReference> owners = new ArrayList<>(Objects.requireNonNullElse(desired.getOwnerReferences(), List.of()));
    Objects.requireNonNullElse(live.getOwnerReferences(), List.<OwnerReference>of()).stream()
        .filter(o -> !Boolean.TRUE.equals(o.getController()))
        .filter(o -> owners.stream().noneMatch(d -> Objects.equals(d.getUid(), o.getUid())))
        .forEach(owners::add);
    live.setOwnerReferences(owners);
  }

  private static Map<String, String> mergedMap(Map<String, String> live, Map<String, String> desired) {
    Map<String, String> merged = new HashMap<>(Objects.requireNonNullElse(live, Map.of()));
    merged.putAll(Objects.requireNonNullElse(desired, Map.of()));
    return merged;
  }

  /** The object's annotations, as a map of its own that can be written to. */
  private static Map<String, String> writableAnnotations(ObjectMeta metadata) {
    metadata.setAnnotations(new HashMap<>(Objects.requireNonNullElse(metadata.getAnnotations(), Map.of())));
    return metadata.getAnnotations();
  }
}
