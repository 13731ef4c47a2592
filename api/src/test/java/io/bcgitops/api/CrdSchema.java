package io.bcgitops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The openAPIV3Schema of a CRD under crds/, and two things a real API server does with it that the
 * mock server does not: it fills in defaults where a field is absent, and it refuses a value of the
 * wrong type, outside an enum, not matching a pattern, past a length, count or maximum, a missing
 * required field, or one for which a CEL rule (x-kubernetes-validations) is false. Only what the
 * CRDs use is checked. The CEL rules are evaluated by cel-java with {@code self} the value as JSON
 * gives it: the API server types {@code self} from the schema, which the rules here do not need
 * (they use has(), comparison, size() and startsWith() only), so compare defaulted objects.
 */
public final class CrdSchema {
  private static final Set<String> OBJECT_FIELDS = Set.of("apiVersion", "kind", "metadata");
  private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).build();
  private static final CelRuntime CEL_RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
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
    if (value.isArray() && schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      violations.add(path + ": Too many: " + value.size() + ": must have at most " + schema.get("maxItems").asInt()
          + " items");
    }
    if (value.isObject() && schema.has("maxProperties") && value.size() > schema.get("maxProperties").asInt()) {
      violations.add(path + ": Too many: " + value.size() + ": must have at most "
          + schema.get("maxProperties").asInt() + " properties");
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (!holds(rule.get("rule").asText(), value)) {
        violations.add(path + ": Invalid value: \"" + value.getNodeType().toString().toLowerCase() + "\": "
            + rule.get("message").asText());
      }
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

  /** Whether a CEL rule holds for {@code self}; a rule that does not compile or evaluate fails the test. */
  static boolean holds(String rule, JsonNode self) {
    CelRuntime.Program program = PROGRAMS.computeIfAbsent(rule, text -> {
      try {
        return CEL_RUNTIME.createProgram(CEL.compile(text).getAst());
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException("CEL rule " + text + " does not compile: " + e.getMessage(), e);
      }
    });
    try {
      return (Boolean) program.eval(Map.of("self", celValue(self)));
    } catch (CelEvaluationException e) {
      throw new IllegalArgumentException("CEL rule " + rule + " fails on " + self + ": " + e.getMessage(), e);
    }
  }

  /** JSON as CEL sees it: maps, lists, int (Long), double, string and bool. */
  private static Object celValue(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(field -> map.put(field.getKey(), celValue(field.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.elements().forEachRemaining(element -> list.add(celValue(element)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isTextual()) {
      return node.asText();
    }
    throw new IllegalArgumentException("no CEL value for " + node.getNodeType());
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
