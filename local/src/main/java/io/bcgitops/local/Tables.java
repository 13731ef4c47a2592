package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Objects as a Table, the form {@code kubectl get} prints: one row per object, cells by column. */
final class Tables {
  private Tables() {
  }

  /**
   * @param withColumnDefinitions false for watch events after the first, as the API server does: kubectl keeps
   *     the columns it was given last
   */
  static ObjectNode of(TableRequest request, List<Column> columns, List<JsonNode> objects, String resourceVersion,
      boolean withColumnDefinitions, Instant now) {
    ObjectNode table = KubeJson.object();
    table.put("kind", "Table").put("apiVersion", request.apiVersion());
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (withColumnDefinitions) {
      columns.forEach(column -> definitions.add(column.definition()));
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      columns.forEach(column -> cells.add(column.cell().of(object, now)));
      switch (request.includeObject()) {
        case "Object" -> row.set("object", object);
        case "None" -> { }
        default -> row.set("object", partialMetadata(request, object));
      }
    }
    return table;
  }

  private static ObjectNode partialMetadata(TableRequest request, JsonNode object) {
    ObjectNode partial = KubeJson.object();
    partial.put("kind", "PartialObjectMetadata").put("apiVersion", request.apiVersion());
    partial.set("metadata", object.path("metadata"));
    return partial;
  }
}
