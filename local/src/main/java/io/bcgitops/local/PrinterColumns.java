package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Instant;
import java.util.List;

/**
 * A CRD's {@code additionalPrinterColumns} as Table columns, with the API server's rules: the first value the
 * JSONPath selects, converted to the column's type (a value of another type is an empty cell, except that a
 * string column prints any value), and a {@code date} column shown as an age.
 */
final class PrinterColumns {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PrinterColumns() {
  }

  /** @throws IllegalArgumentException when the column's JSONPath is outside what {@link JsonPath} supports */
  static Column of(CustomResourceColumnDefinition definition) {
    JsonPath path = JsonPath.compile(definition.getJsonPath());
    String type = definition.getType();
    String description = definition.getDescription() != null ? definition.getDescription()
        : "Custom resource definition column (in JSONPath format): " + definition.getJsonPath();
    int priority = definition.getPriority() == null ? 0 : definition.getPriority();
    return new Column(definition.getName(), type, definition.getFormat() == null ? "" : definition.getFormat(),
        description, priority, (object, now) -> cell(type, path.evaluate(object), now));
  }

  private static JsonNode cell(String type, List<JsonNode> values, Instant now) {
    if (values.isEmpty() || values.get(0).isNull()) {
      return NullNode.instance;
    }
    JsonNode value = values.get(0);
    return switch (type) {
      case "string" -> NODES.textNode(value.isValueNode() ? value.asText() : value.toString());
      case "integer" -> value.isNumber() ? NODES.numberNode(value.longValue()) : NullNode.instance;
      case "number" -> value.isNumber() ? NODES.numberNode(value.doubleValue()) : NullNode.instance;
      case "boolean" -> value.isBoolean() ? value : NullNode.instance;
      case "date" -> value.isTextual() ? NODES.textNode(HumanAge.since(value.asText(), now)) : NullNode.instance;
      default -> NullNode.instance;
    };
  }
}
