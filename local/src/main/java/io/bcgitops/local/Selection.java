package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;

/**
 * The objects a list or a watch asks for: those of one resource (in one namespace, or by name for a path that
 * names one), narrowed by the label and field selectors.
 */
record Selection(ResourcePath target, LabelSelector labels, FieldSelector fields) {
  /** The API server's list order: by namespace, then name. */
  private static final Comparator<JsonNode> ORDER =
      Comparator.comparing(KubeJson::namespace).thenComparing(KubeJson::name);

  /** @throws IllegalArgumentException when a selector does not parse */
  static Selection of(ResourcePath target, Query query) {
    return new Selection(target, LabelSelector.parse(query.get("labelSelector")),
        FieldSelector.parse(query.get("fieldSelector")));
  }

  /** Whether a change is to this resource, namespace and name; whether it is selected depends on its objects. */
  boolean inScope(ChangeLog.Change change) {
    JsonNode object = change.object();
    return change.group().equals(target.group()) && change.plural().equals(target.plural())
        && (target.namespace() == null || target.namespace().equals(KubeJson.namespace(object)))
        && (target.name() == null || target.name().equals(KubeJson.name(object)));
  }

  /** The objects of {@code listed} that this selects, in the API server's list order. */
  List<JsonNode> select(List<JsonNode> listed) {
    return listed.stream().filter(this::matches).sorted(ORDER).toList();
  }

  boolean matches(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    // The store lists core Events for events.k8s.io's too: the API version tells them apart.
    return (apiVersion.isEmpty() || apiVersion.equals(target.groupVersion()))
        && (target.namespace() == null || target.namespace().equals(KubeJson.namespace(object)))
        && (target.name() == null || target.name().equals(KubeJson.name(object)))
        && labels.matches(object) && fields.matches(object);
  }
}
