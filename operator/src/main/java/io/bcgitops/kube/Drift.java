package io.bcgitops.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether an object the operator owns still holds what the operator wants of it, judged the way a
 * real API server returns objects: every field the desired object sets must be there with the
 * same value, and nothing else counts. Fields the server fills in (a probe's successThreshold, a
 * container's terminationMessagePath, a Service's clusterIP), annotations others add (the
 * Deployment controller's revision, {@code kubectl rollout restart}'s restartedAt) and values in
 * another canonical form (1024Mi stored as 1Gi) are no difference.
 *
 * <p>A field the desired object stopped setting (a memory limit taken out of the spec, say) cannot
 * be seen that way, so every write also records a hash of the desired object in the annotation
 * {@link Api#DESIRED_HASH_ANNOTATION}: another hash means the operator wants something else. An
 * object without one (written before the annotation existed) is judged by its fields alone.
 */
public final class Drift {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;
  /** Fields whose values are Kubernetes quantities, compared by amount: resources' limits and requests, emptyDir's sizeLimit. */
  private static final Set<String> QUANTITY_MAPS = Set.of("limits", "requests");
  private static final Set<String> QUANTITY_FIELDS = Set.of("sizeLimit");

  private Drift() {
  }

  /**
   * What {@code live} no longer holds of {@code desired}: the path of the first field that
   * differs (never its value: env values may be secret), or empty when nothing does.
   */
  public static Optional<String> of(HasMetadata desired, HasMetadata live) {
    String recorded = annotations(live).get(Api.DESIRED_HASH_ANNOTATION);
    if (recorded != null && !recorded.equals(hash(desired))) {
      return Optional.of("the desired state changed");
    }
    Optional<String> metadata = metadataDifference(desired, live);
    if (metadata.isPresent()) {
      return metadata;
    }
    JsonNode want = content(desired);
    JsonNode have = content(live);
    return difference(want, have, "");
  }

  /** A hash of everything the operator sets on the object, the same for the same desired object in every run. */
  public static String hash(HasMetadata desired) {
    ObjectNode content = (ObjectNode) content(desired);
    ObjectNode metadata = content.putObject("metadata");
    metadata.put("name", desired.getMetadata().getName());
    metadata.put("namespace", desired.getMetadata().getNamespace());
    Map<String, String> annotations = new TreeMap<>(annotations(desired));
    annotations.remove(Api.DESIRED_HASH_ANNOTATION);
    metadata.set("labels", SERIALIZATION.convertValue(new TreeMap<>(labels(desired)), JsonNode.class));
    metadata.set("annotations", SERIALIZATION.convertValue(annotations, JsonNode.class));
    metadata.set("ownerReferences", SERIALIZATION.convertValue(
        Objects.requireNonNullElse(desired.getMetadata().getOwnerReferences(), List.of()), JsonNode.class));
    return ContentHash.of(content);
  }

  /** Labels and annotations the desired object sets, with the same values; its owner references present. */
  private static Optional<String> metadataDifference(HasMetadata desired, HasMetadata live) {
    for (Map.Entry<String, String> label : labels(desired).entrySet()) {
      if (!Objects.equals(label.getValue(), labels(live).get(label.getKey()))) {
        return Optional.of("metadata.labels." + label.getKey());
      }
    }
    for (Map.Entry<String, String> annotation : annotations(desired).entrySet()) {
      if (!annotation.getKey().equals(Api.DESIRED_HASH_ANNOTATION)
          && !Objects.equals(annotation.getValue(), annotations(live).get(annotation.getKey()))) {
        return Optional.of("metadata.annotations." + annotation.getKey());
      }
    }
    List<OwnerReference> owners = Objects.requireNonNullElse(live.getMetadata().getOwnerReferences(), List.of());
    for (OwnerReference wanted : Objects.requireNonNullElse(desired.getMetadata().getOwnerReferences(),
        List.<OwnerReference>of())) {
      boolean present = owners.stream().anyMatch(o -> Objects.equals(o.getUid(), wanted.getUid())
          && Objects.equals(o.getController(), wanted.getController())
          && Objects.equals(o.getBlockOwnerDeletion(), wanted.getBlockOwnerDeletion()));
      if (!present) {
        return Optional.of("metadata.ownerReferences");
      }
    }
    return Optional.empty();
  }

  /** The object without metadata and status: what the operator sets besides labels, annotations and owners. */
  private static JsonNode content(HasMetadata object) {
    ObjectNode node = SERIALIZATION.convertValue(object, ObjectNode.class);
    node.remove(List.of("metadata", "status", "apiVersion", "kind"));
    return node;
  }

  /**
   * The first path under which {@code want} sets something {@code have} does not hold. Objects:
   * each field of want; lists: the same length, element by element; a value want leaves empty
   * (null, "" or []) is what the server drops, so its absence is no difference.
   */
  static Optional<String> difference(JsonNode want, JsonNode have, String path) {
    if (have == null || have.isNull() || have.isMissingNode()) {
      return isEmpty(want) ? Optional.empty() : Optional.of(path);
    }
    if (want.isObject() && have.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = want.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        Optional<String> found = QUANTITY_MAPS.contains(lastName(path)) || QUANTITY_FIELDS.contains(field.getKey())
            ? quantityDifference(field.getValue(), have.get(field.getKey()), child)
            : difference(field.getValue(), have.get(field.getKey()), child);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (want.isArray() && have.isArray()) {
      if (want.size() != have.size()) {
        return Optional.of(path);
      }
      for (int i = 0; i < want.size(); i++) {
        Optional<String> found = difference(want.get(i), have.get(i), path + "[" + i + "]");
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (want.isNumber() && have.isNumber()) {
      return want.decimalValue().compareTo(have.decimalValue()) == 0 ? Optional.empty() : Optional.of(path);
    }
    if (isEmpty(want) && isEmpty(have)) {
      return Optional.empty();
    }
    return want.equals(have) ? Optional.empty() : Optional.of(path);
  }

  /** Quantities are equal when their amounts are: the server stores 1024Mi as 1Gi and 0.5 CPU as 500m. */
  private static Optional<String> quantityDifference(JsonNode want, JsonNode have, String path) {
    if (want != null && have != null && want.isValueNode() && have.isValueNode()) {
      try {
        return Quantity.getAmountInBytes(new Quantity(want.asText()))
            .compareTo(Quantity.getAmountInBytes(new Quantity(have.asText()))) == 0
            ? Optional.empty() : Optional.of(path);
      } catch (IllegalArgumentException notAQuantity) {
        // compared as written below
      }
    }
    return difference(want, have, path);
  }

  /**
   * What the API server stores as nothing: null, "" and an empty list (Go's omitempty on a plain
   * string or slice). false, 0 and {} it keeps where they are pointers (allowPrivilegeEscalation,
   * automountServiceAccountToken, emptyDir), so their absence is a difference: a hand edit.
   */
  private static boolean isEmpty(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode()
        || (node.isArray() && node.isEmpty())
        || (node.isTextual() && node.textValue().isEmpty());
  }

  private static String lastName(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private static Map<String, String> labels(HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of());
  }

  private static Map<String, String> annotations(HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getAnnotations(), Map.of());
  }
}
