package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorsTest {
  private static final JsonNode WEB = JsonPathTest.json("""
      {"metadata": {"name": "web", "namespace": "shop", "labels": {"bcgitops.io/source": "apps", "tier": "front"}},
       "involvedObject": {"kind": "AppDeployment", "name": "web,1"}}
      """);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "'' | true",
      "bcgitops.io/source=apps | true",
      "bcgitops.io/source==apps | true",
      "bcgitops.io/source!=apps | false",
      "bcgitops.io/source=other | false",
      "tier in (front, back) | true",
      "tier notin (front) | false",
      "missing notin (x) | true",
      "tier | true",
      "!tier | false",
      "!missing | true",
      "bcgitops.io/source=apps,tier in (back,front),!missing | true",
      "bcgitops.io/source=apps,tier=back | false"})
  void labelSelectorsSelectAsTheApiServerDoes(String selector, boolean selected) {
    assertEquals(selected, LabelSelector.parse(selector).matches(WEB));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "metadata.name=web | true",
      "metadata.name==web,metadata.namespace=shop | true",
      "metadata.name!=web | false",
      "metadata.namespace=default | false",
      "involvedObject.kind=AppDeployment,involvedObject.name=web\\,1 | true",
      "spec.missing= | true",
      "spec.missing!= | false"})
  void fieldSelectorsSelectOnAnyField(String selector, boolean selected) {
    assertEquals(selected, FieldSelector.parse(selector).matches(WEB));
  }

  @Test
  void malformedSelectorsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a=b=c"));
    assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("metadata.name"));
  }
}
