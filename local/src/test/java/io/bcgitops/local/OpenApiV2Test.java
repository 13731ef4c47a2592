package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /openapi/v2 document read back field by field (kubectl's use of it: {@link KubectlTest}). */
class OpenApiV2Test {
  private static final Map<Integer, List<byte[]>> DOCUMENT = fields(OpenApiV2.document(DiscoveryTest.catalog()));

  @Test
  void eachCustomResourceHasADefinitionNamedAsTheApiServerNamesIt() {
    assertEquals("2.0", text(DOCUMENT, 1));
    assertEquals(List.of("io.bcgitops.v1alpha1.GitOpsSource", "io.bcgitops.v1alpha1.AppDeployment",
        "io.bcgitops.v1alpha1.RuntimePool"),
        named(fields(DOCUMENT.get(9).get(0))).keySet().stream().toList());
  }

  @Test
  void aDefinitionHasTheObjectFieldsTheCrdSchemaAndItsKind() {
    Map<Integer, List<byte[]>> source = definition("io.bcgitops.v1alpha1.GitOpsSource");
    Map<String, Map<Integer, List<byte[]>>> properties = named(fields(source.get(25).get(0)));
    assertEquals(List.of("apiVersion", "kind", "metadata", "spec", "status"),
        properties.keySet().stream().sorted().toList());
    Map<Integer, List<byte[]>> spec = properties.get("spec");
    assertEquals("object", text(fields(spec.get(22).get(0)), 1));
    assertEquals("url", text(spec, 19), "spec.url is required");
    assertEquals("boolean", text(fields(named(fields(spec.get(25).get(0))).get("prune").get(22).get(0)), 1));
    Map<Integer, List<byte[]>> extension = fields(source.get(31).get(0));
    assertEquals("x-kubernetes-group-version-kind", text(extension, 1));
    assertEquals("- group: bcgitops.io\n  kind: GitOpsSource\n  version: v1alpha1\n",
        text(fields(extension.get(2).get(0)), 2));
  }

  @Test
  void mapsKeepTheSchemaOfTheirValues() {
    Map<Integer, List<byte[]>> spec = named(fields(definition("io.bcgitops.v1alpha1.AppDeployment").get(25).get(0)))
        .get("spec");
    Map<Integer, List<byte[]>> env = named(fields(spec.get(25).get(0))).get("env");
    Map<Integer, List<byte[]>> values = fields(fields(env.get(21).get(0)).get(1).get(0));
    assertEquals("string", text(fields(values.get(22).get(0)), 1));
    assertTrue(text(spec, 19).equals("source") && spec.get(19).size() == 2, "source and version are required");
  }

  private static Map<Integer, List<byte[]>> definition(String name) {
    return named(fields(DOCUMENT.get(9).get(0))).get(name);
  }

  /** Repeated NamedSchema entries (field 1) as name to schema fields. */
  private static Map<String, Map<Integer, List<byte[]>>> named(Map<Integer, List<byte[]>> entries) {
    Map<String, Map<Integer, List<byte[]>>> named = new LinkedHashMap<>();
    for (byte[] entry : entries.get(1)) {
      Map<Integer, List<byte[]>> pair = fields(entry);
      named.put(text(pair, 1), fields(pair.get(2).get(0)));
    }
    return named;
  }

  private static String text(Map<Integer, List<byte[]>> message, int field) {
    return new String(message.get(field).get(0), StandardCharsets.UTF_8);
  }

  /** A message's fields: varints (as one byte) and length-delimited values, the wire types the writer uses. */
  private static Map<Integer, List<byte[]>> fields(byte[] message) {
    Map<Integer, List<byte[]>> fields = new LinkedHashMap<>();
    ByteArrayInputStream in = new ByteArrayInputStream(message);
    while (in.available() > 0) {
      long tag = varint(in);
      byte[] value;
      if ((tag & 7) == 2) {
        value = new byte[(int) varint(in)];
        in.readNBytes(value, 0, value.length);
      } else {
        value = new byte[] {(byte) varint(in)};
      }
      fields.computeIfAbsent((int) (tag >>> 3), field -> new ArrayList<>()).add(value);
    }
    return fields;
  }

  private static long varint(ByteArrayInputStream in) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.read();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
