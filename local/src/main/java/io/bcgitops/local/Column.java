package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One column of a Table: its definition as the API server sends it ({@code type} is an OpenAPI type,
 * {@code format} "name" marks the name column, {@code priority} above 0 shows only with {@code -o wide}) and how
 * the cell of a row is worked out from the object.
 */
record Column(String name, String type, String format, String description, int priority, Cell cell) {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A row's value in this column: a JSON string, number or boolean, or null for {@code <none>}. */
  @FunctionalInterface
  interface Cell {
    JsonNode of(JsonNode object, Instant now);
  }

  /** The first column of every Table. */
  static final Column NAME = new Column("Name", "string", "name",
      "Name must be unique within a namespace.", 0, (object, now) -> NODES.textNode(KubeJson.name(object)));

  /** The age of the object, as built-in kinds show it. */
  static final Column AGE = age("Age", "metadata.creationTimestamp",
      "CreationTimestamp is a timestamp representing the server time when this object was created.");

  /** A column with the age of a timestamp field, or {@code <unknown>} when the object has none. */
  static Column age(String name, String dottedPath, String description) {
    return new Column(name, "string", "", description, 0, (object, now) -> {
      String timestamp = KubeJson.text(object, dottedPath);
      return NODES.textNode(timestamp.isEmpty() ? "<unknown>" : HumanAge.since(timestamp, now));
    });
  }

  /** A string column read from a field by dotted path. */
  static Column text(String name, String dottedPath, String description) {
    return new Column(name, "string", "", description, 0, (object, now) -> {
      String value = KubeJson.text(object, dottedPath);
      return value.isEmpty() ? NullNode.instance : NODES.textNode(value);
    });
  }

  ObjectNode definition() {
    ObjectNode definition = KubeJson.object();
    definition.put("name", name).put("type", type).put("format", format).put("description", description)
        .put("priority", priority);
    return definition;
  }
}
