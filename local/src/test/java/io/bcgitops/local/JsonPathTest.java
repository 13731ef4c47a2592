package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathTest {
  private static final JsonNode OBJECT = json("""
      {"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
       "spec": {"version": "1.2.0", "args": ["--port", "8080"]},
       "status": {"appCount": 3, "conditions": [
         {"type": "Reconciling", "status": "False", "observedGeneration": 1},
         {"type": "Ready", "status": "True", "message": "all good", "observedGeneration": 2}]}}
      """);

  @Test
  void fieldsIndexesAndWildcardsSelectValues() {
    assertEquals(List.of("1.2.0"), texts(".spec.version"));
    assertEquals(List.of("1.2.0"), texts("{.spec.version}"));
    assertEquals(List.of("--port"), texts(".spec.args[0]"));
    assertEquals(List.of("8080"), texts(".spec.args[-1]"));
    assertEquals(List.of("--port", "8080"), texts(".spec.args[*]"));
    assertEquals(List.of("web"), texts(".metadata.labels['app.kubernetes.io/name']"));
    assertEquals(List.of("web"), texts(".metadata.labels.app\\.kubernetes\\.io/name"), "a dot escaped, as kubectl's");
    assertEquals(List.of("3"), texts("$.status.appCount"));
  }

  @Test
  void filtersKeepTheMatchingElements() {
    assertEquals(List.of("True"), texts(".status.conditions[?(@.type==\"Ready\")].status"));
    assertEquals(List.of("all good"), texts(".status.conditions[?(@.type == 'Ready')].message"));
    assertEquals(List.of("Reconciling"), texts(".status.conditions[?(@.type!=\"Ready\")].type"));
    assertEquals(List.of("Ready"), texts(".status.conditions[?(@.observedGeneration==2)].type"));
    assertEquals(List.of("Ready"), texts(".status.conditions[?(@.message)].type"));
  }

  @Test
  void whatIsMissingSelectsNothing() {
    assertEquals(List.of(), texts(".status.phase"));
    assertEquals(List.of(), texts(".spec.args[5]"));
    assertEquals(List.of(), texts(".status.conditions[?(@.type==\"Stalled\")].status"));
    assertEquals(List.of(), texts(".spec.version.major"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "spec.version", ".spec..version", ".spec.args[0:1]", ".status.conditions[?(@.a > 1)]",
      ".spec.args[0", "..spec"})
  void expressionsOutsideTheSubsetAreRefusedWhenCompiled(String expression) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> JsonPath.compile(expression));
    assertEquals(true, refused.getMessage().startsWith("unsupported JSONPath " + expression));
  }

  private static List<String> texts(String expression) {
    return JsonPath.compile(expression).evaluate(OBJECT).stream().map(JsonNode::asText).toList();
  }

  static JsonNode json(String text) {
    try {
      return KubeJson.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
