package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Reading Kubernetes objects as JSON trees, and writing the few API objects the front door makes itself. */
final class KubeJson {
  /** Fabric8's mapper: the one the mock store writes its objects with. */
  static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private KubeJson() {
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A field's text by dotted path ("metadata.name"), or "" when missing, as field selectors read it. */
  static String text(JsonNode object, String dottedPath) {
    JsonNode node = object;
    for (String name : dottedPath.split("\\.")) {
      node = node.path(name);
    }
    return node.isValueNode() ? node.asText() : "";
  }

  static String name(JsonNode object) {
    return text(object, "metadata.name");
  }

  static String namespace(JsonNode object) {
    return text(object, "metadata.namespace");
  }

  /** A Kubernetes Status object: how the API server answers a failed request. */
  static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = object();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    return status;
  }
}
