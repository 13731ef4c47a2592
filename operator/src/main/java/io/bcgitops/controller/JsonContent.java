package io.bcgitops.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.kube.Serialization;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.Map;

/**
 * Compares objects by the JSON the API server would store, ignoring nulls and empty lists and maps,
 * which a round trip through the server may drop or add.
 */
public final class JsonContent {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private JsonContent() {
  }

  /** A deep copy of a value of the model, through its JSON. */
  static <T> T copy(T value) {
    return SERIALIZATION.clone(value);
  }

  static boolean same(Object a, Object b) {
    return normalized(a).equals(normalized(b));
  }

  /** The value's JSON as the API server would store it: no nulls, no empty lists or maps. */
  public static JsonNode normalized(Object value) {
    JsonNode node = SERIALIZATION.convertValue(value, JsonNode.class);
    return node == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : prune(node);
  }

  private static JsonNode prune(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode child = prune(field.getValue());
        if (child.isNull() || (child.isContainerNode() && child.isEmpty())) {
          fields.remove();
        } else {
          field.setValue(child);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, prune(array.get(i)));
      }
    }
    return node;
  }
}
