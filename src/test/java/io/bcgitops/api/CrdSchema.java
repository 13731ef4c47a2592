package io.bcgitops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The openAPIV3Schema of a CRD under crds/, and two things a real API server does with it that the
 * mock server does not: it fills in defaults where a field is absent, and it refuses a value of the
 * wrong type, outside an enum, not matching a pattern, or a missing required field. Only what the
 * CRDs use is checked; CEL rules (x-kubernetes-validations) are not evaluated.
 */
public final class CrdSchema {
  private static final Set<String> OBJECT_FIELDS = Set.of("apiVersion", "kind", "metadata");
  private final JsonNode root;

  private CrdSchema(JsonNode root) {
    this.root = root;
  }

  /** The schema of the CRD in crds/{@code <name>}.yaml, e.g. "appdeployments.bcgitops.io". */
  public static CrdSchema of(String crdName) {
    try {
      JsonNode crd = new YAMLMapper().readTree(CrdsUpToDateTest.CRDS.resolve(CrdsUpToDateTest.fileName(crdName)).toFile());
      return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode root() {
    return root;
  }

  /** A copy of {@code object} with the schema's defaults filled in, as the API server stores it. */
  public JsonNode withDefaults(JsonNode object) {
    JsonNode copy = object.deepCopy();
    applyDefaults(root, copy);
    return copy;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema.path("properties").fields().forEachRemaining(property -> {
        JsonNode present = object.get(property.getKey());
        if ((present == null || present.isNull()) && property.getValue().has("default")) {
          object.set(property.getKey(), property.getValue().get("default").deepCopy());
        }
        if (object.has(property.getKey())) {
          applyDefaults(property.getValue(), object.get(property.getKey()));
        }
      });
      if (schema.path("additionalProperties").isObject()) {
        object.elements().forEachRemaining(child -> applyDefaults(schema.get("additionalProperties"), child));
      }
    } else if (value.isArray() && schema.has("items")) {
      value.elements().forEachRemaining(child -> applyDefaults(schema.get("items"), child));
    }
  }

  /** What the API server would refuse in {@code object}, each "spec.field: why"; empty when it would take it. */
  public List<String> violations(JsonNode object) {
    List<String> violations = new ArrayList<>();
    for (String field : List.of("spec", "status")) {
      if (object.has(field)) {
        check(root.at("/properties/" + field), object.get(field), field, violations);
      }
    }
    root.path("required").forEach(required -> {
      if (!object.has(required.asText())) {
        violations.add(required.asText() + ": Required value");
      }
    });
    object.fieldNames().forEachRemaining(name -> {
      if (!OBJECT_FIELDS.contains(name) && !root.path("properties").has(name)) {
        violations.add(name + ": field not declared in schema");
      }
    });
    return violations;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> violations) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isInt() && !value.isLong() && !value.isTextual()) {
        violations.add(path + ": must be an integer or a string, not " + value.getNodeType());
        return;
      }
    } else if (schema.has("type") && !hasType(value, schema.get("type").asText())) {
      violations.add(path + ": must be of type " + schema.get("type").asText() + ", not " + value.getNodeType());
      return;
    }
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      violations.add(path + ": " + value + " is not one of " + schema.get("enum"));
    }
    if (value.isTextual() && schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
      violations.add(path + ": " + value + " does not match " + schema.get("pattern").asText());
    }
    if (value.isTextual() && schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
      violations.add(path + ": longer than " + schema.get("maxLength").asInt());
    }
    if (value.isNumber() && schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      violations.add(path + ": less than " + schema.get("minimum"));
    }
    if (value.isNumber() && schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      violations.add(path + ": more than " + schema.get("maximum"));
    }
    if (value.isObject()) {
      schema.path("required").forEach(required -> {
        if (!value.has(required.asText())) {
          violations.add(path + "." + required.asText() + ": Required value");
        }
      });
      for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode fieldSchema = schema.path("properties").get(field.getKey());
        if (fieldSchema == null && schema.path("additionalProperties").isObject()) {
          fieldSchema = schema.get("additionalProperties");
        }
        if (fieldSchema == null) {
          if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            violations.add(path + "." + field.getKey() + ": field not declared in schema");
          }
        } else {
          check(fieldSchema, field.getValue(), path + "." + field.getKey(), violations);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.get("items"), value.get(i), path + "[" + i + "]", violations);
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> throw new IllegalArgumentException("schema type " + type + " is not checked here");
    };
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode candidate : values) {
      if (candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
