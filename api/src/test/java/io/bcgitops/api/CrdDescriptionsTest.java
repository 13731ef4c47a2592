package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code kubectl explain} prints a field's schema description: every field of a spec or status has one. */
class CrdDescriptionsTest {
  @Test
  void everySpecAndStatusFieldIsDescribed() throws IOException {
    List<String> undescribed = new ArrayList<>();
    int described = 0;
    try (Stream<Path> files = Files.list(CrdsUpToDateTest.CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bcgitops.io.yaml")).sorted().toList()) {
        JsonNode crd = new YAMLMapper().readTree(file.toFile());
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
          JsonNode properties = version.at("/schema/openAPIV3Schema/properties");
          for (String part : List.of("spec", "status")) {
            described += walk(kind + "." + part, properties.path(part), undescribed);
          }
        }
      }
    }
    assertEquals(List.of(), undescribed, "fields without a description");
    assertTrue(described > 100, "a walk that found the fields: " + described);
  }

  /** Counts the described fields under {@code schema}, adding the path of each one without a description. */
  private static int walk(String path, JsonNode schema, List<String> undescribed) {
    int described = 0;
    if (schema.path("description").asText().isBlank()) {
      undescribed.add(path);
    } else {
      described++;
    }
    JsonNode fields = schema.has("items") ? schema.get("items").path("properties") : schema.path("properties");
    Iterator<Map.Entry<String, JsonNode>> each = fields.fields();
    while (each.hasNext()) {
      Map.Entry<String, JsonNode> field = each.next();
      described += walk(path + "." + field.getKey(), field.getValue(), undescribed);
    }
    return described;
  }
}
