package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * /openapi/v2 as kubectl downloads it before {@code apply} or {@code create} (in protobuf, the gnostic
 * {@code openapi.v2.Document} message): one definition per custom resource, made from the CRD's schema as the
 * API server makes it, so that kubectl's client-side validation rejects unknown fields, wrong types and missing
 * required fields before anything is sent. The mock store validates nothing, so this is the only schema check
 * local mode has. Built-in kinds get no definition: kubectl skips validation for a kind the document lacks.
 */
final class OpenApiV2 {
  // Field numbers of gnostic's OpenAPIv2.proto.
  private static final int DOCUMENT_SWAGGER = 1;
  private static final int DOCUMENT_INFO = 2;
  private static final int DOCUMENT_DEFINITIONS = 9;
  private static final int INFO_TITLE = 1;
  private static final int INFO_VERSION = 2;
  private static final int NAMED_NAME = 1;
  private static final int NAMED_VALUE = 2;
  private static final int REPEATED_ENTRIES = 1;
  private static final int ANY_YAML = 2;
  private static final int SCHEMA_FORMAT = 2;
  private static final int SCHEMA_DESCRIPTION = 4;
  private static final int SCHEMA_REQUIRED = 19;
  private static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
  private static final int SCHEMA_TYPE = 22;
  private static final int SCHEMA_ITEMS = 23;
  private static final int SCHEMA_PROPERTIES = 25;
  private static final int SCHEMA_VENDOR_EXTENSION = 31;
  private static final int ADDITIONAL_PROPERTIES_SCHEMA = 1;
  private static final int ADDITIONAL_PROPERTIES_BOOLEAN = 2;

  /** What the API server adds to every custom resource's schema. */
  private static final Map<String, String> OBJECT_FIELDS = Map.of(
      "apiVersion", "APIVersion defines the versioned schema of this representation of an object.",
      "kind", "Kind is a string value representing the REST resource this object represents.");

  private OpenApiV2() {
  }

  static byte[] document(ResourceCatalog catalog) {
    ProtoWriter definitions = new ProtoWriter();
    for (ApiResource resource : catalog.all()) {
      if (resource.schema() != null) {
        definitions.message(REPEATED_ENTRIES, new ProtoWriter()
            .string(NAMED_NAME, definitionName(resource))
            .message(NAMED_VALUE, resourceSchema(resource)));
      }
    }
    return new ProtoWriter()
        .string(DOCUMENT_SWAGGER, "2.0")
        .message(DOCUMENT_INFO, new ProtoWriter().string(INFO_TITLE, "Kubernetes")
            .string(INFO_VERSION, "v" + Discovery.MAJOR + "." + Discovery.MINOR + ".0"))
        .message(DOCUMENT_DEFINITIONS, definitions)
        .toByteArray();
  }

  /** The API server's name for a kind's definition: the group reversed, then version and kind. */
  static String definitionName(ApiResource resource) {
    List<String> labels = new ArrayList<>(List.of(resource.group().split("\\.")));
    Collections.reverse(labels);
    return String.join(".", labels) + "." + resource.version() + "." + resource.kind();
  }

  private static ProtoWriter resourceSchema(ApiResource resource) {
    JsonNode schema = resource.schema();
    ProtoWriter properties = new ProtoWriter();
    OBJECT_FIELDS.forEach((name, description) -> properties.message(REPEATED_ENTRIES, named(name,
        new ProtoWriter().string(SCHEMA_DESCRIPTION, description).message(SCHEMA_TYPE, type("string")))));
    // Any metadata: the mock store keeps what it is given, and ObjectMeta's own schema is not served.
    properties.message(REPEATED_ENTRIES, named("metadata", new ProtoWriter()
        .string(SCHEMA_DESCRIPTION, "Standard object's metadata.").message(SCHEMA_TYPE, type("object"))));
    schema.path("properties").fields().forEachRemaining(field -> {
      if (!OBJECT_FIELDS.containsKey(field.getKey()) && !field.getKey().equals("metadata")) {
        properties.message(REPEATED_ENTRIES, named(field.getKey(), schema(field.getValue())));
      }
    });
    ProtoWriter definition = new ProtoWriter().message(SCHEMA_TYPE, type("object"))
        .message(SCHEMA_PROPERTIES, properties);
    schema.path("required").forEach(required -> definition.string(SCHEMA_REQUIRED, required.asText()));
    String groupVersionKind = "- group: " + resource.group() + "\n  kind: " + resource.kind() + "\n  version: "
        + resource.version() + "\n";
    return definition.message(SCHEMA_VENDOR_EXTENSION, new ProtoWriter()
        .string(NAMED_NAME, "x-kubernetes-group-version-kind")
        .message(NAMED_VALUE, new ProtoWriter().string(ANY_YAML, groupVersionKind)));
  }

  /** One node of a structural schema; only what validation reads (types, fields, required fields, items). */
  private static ProtoWriter schema(JsonNode node) {
    ProtoWriter schema = new ProtoWriter();
    if (node.path("description").isTextual()) {
      schema.string(SCHEMA_DESCRIPTION, node.get("description").asText());
    }
    // As the API server publishes them: a field that keeps unknown fields or takes an int or a string is
    // any value to a client.
    if (node.path("x-kubernetes-preserve-unknown-fields").asBoolean()
        || node.path("x-kubernetes-int-or-string").asBoolean()) {
      return schema;
    }
    if (node.path("type").isTextual()) {
      schema.message(SCHEMA_TYPE, type(node.get("type").asText()));
    }
    if (node.path("format").isTextual()) {
      schema.string(SCHEMA_FORMAT, node.get("format").asText());
    }
    node.path("required").forEach(required -> schema.string(SCHEMA_REQUIRED, required.asText()));
    if (node.path("items").isObject()) {
      schema.message(SCHEMA_ITEMS, new ProtoWriter().message(REPEATED_ENTRIES, schema(node.get("items"))));
    }
    JsonNode additional = node.path("additionalProperties");
    if (additional.isObject()) {
      schema.message(SCHEMA_ADDITIONAL_PROPERTIES,
          new ProtoWriter().message(ADDITIONAL_PROPERTIES_SCHEMA, schema(additional)));
    } else if (additional.isBoolean()) {
      schema.message(SCHEMA_ADDITIONAL_PROPERTIES,
          new ProtoWriter().bool(ADDITIONAL_PROPERTIES_BOOLEAN, additional.asBoolean()));
    }
    if (node.path("properties").isObject()) {
      ProtoWriter properties = new ProtoWriter();
      node.get("properties").fields().forEachRemaining(field ->
          properties.message(REPEATED_ENTRIES, named(field.getKey(), schema(field.getValue()))));
      schema.message(SCHEMA_PROPERTIES, properties);
    }
    return schema;
  }

  private static ProtoWriter named(String name, ProtoWriter schema) {
    return new ProtoWriter().string(NAMED_NAME, name).message(NAMED_VALUE, schema);
  }

  private static ProtoWriter type(String type) {
    return new ProtoWriter().string(REPEATED_ENTRIES, type);
  }
}
