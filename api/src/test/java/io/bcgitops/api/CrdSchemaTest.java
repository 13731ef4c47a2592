package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The CRDs under crds/ against DESIGN.md: what they accept, refuse and default. */
class CrdSchemaTest {
  private static final CrdSchema APPS = CrdSchema.of("appdeployments.bcgitops.io");
  private static final CrdSchema SOURCES = CrdSchema.of("gitopssources.bcgitops.io");
  private static final YAMLMapper YAML = new YAMLMapper();

  /** An AppDeployment as a user writes one by hand, with this vmConfig.memoryLimit (as YAML). */
  private static JsonNode vmApp(String memoryLimit) throws Exception {
    return YAML.readTree("""
        apiVersion: bcgitops.io/v1alpha1
        kind: AppDeployment
        metadata: {name: billing}
        spec:
          version: "1.0"
          isolation: vm
          source: {type: release, url: "https://example.com/billing.jar"}
          vmConfig:
            memoryLimit: %s
        """.formatted(memoryLimit));
  }

  /** DESIGN.md section 4: an integer is MiB, a string a quantity; a real API server refused 256 before. */
  @ParameterizedTest
  @ValueSource(strings = {"256", "\"1Gi\"", "1Gi", "\"1536Mi\"", "\"0.5Gi\"", "\"2G\"", "\"268435456\""})
  void memoryLimitIsMebibytesOrAQuantity(String memoryLimit) throws Exception {
    assertEquals(List.of(), APPS.violations(vmApp(memoryLimit)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.5", "true", "lots", "\"256 Mi\"", "\"1gi\"", "[256]"})
  void memoryLimitThatIsNeitherIsRefused(String memoryLimit) throws Exception {
    List<String> violations = APPS.violations(vmApp(memoryLimit));

    assertEquals(1, violations.size(), violations::toString);
    assertTrue(violations.get(0).startsWith("spec.vmConfig.memoryLimit: "), violations::toString);
  }

  @Test
  void theIntOrStringIsStructural() {
    JsonNode memoryLimit = APPS.root().at("/properties/spec/properties/vmConfig/properties/memoryLimit");

    // A structural schema: int-or-string with anyOf integer or string, and no type of its own.
    assertTrue(memoryLimit.path("x-kubernetes-int-or-string").asBoolean());
    assertTrue(memoryLimit.path("type").isMissingNode());
    assertEquals(YAML.createArrayNode().add(YAML.createObjectNode().put("type", "integer"))
        .add(YAML.createObjectNode().put("type", "string")), memoryLimit.get("anyOf"));
  }

  @Test
  void anObjectWithoutSpecIsRefused() throws Exception {
    JsonNode app = YAML.readTree("{apiVersion: bcgitops.io/v1alpha1, kind: AppDeployment, metadata: {name: x}}");

    assertEquals(List.of("spec: Required value"), APPS.violations(app));
    assertEquals(List.of("spec: Required value"), SOURCES.violations(app));
  }

  /** DESIGN.md section 3's GitOpsSource, as README shows it. */
  @Test
  void theReadmeSourceIsAccepted() throws Exception {
    JsonNode source = YAML.readTree("""
        apiVersion: bcgitops.io/v1alpha1
        kind: GitOpsSource
        metadata: {name: shop, namespace: shop}
        spec:
          url: https://github.com/example/shop-gitops.git
          ref: {semver: ">=1.0.0 <2.0.0"}
          path: apps
          interval: 1m
          timeout: 60s
          secretRef: {name: shop-git}
          prune: true
          allowEmpty: false
          suspend: false
          webhook: {enabled: true, secretRef: {name: shop-webhook}}
        """);

    assertEquals(List.of(), SOURCES.violations(source));
    assertEquals(source, SOURCES.withDefaults(source), "every default is written out");
    for (String url : List.of("ssh://git@example.com/shop.git", "git@github.com:example/shop.git",
        "git://example.com/shop.git", "http://example.com/shop.git", "file:///srv/shop")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) source.get("spec")).put("url", url);
      assertEquals(List.of(), SOURCES.violations(source), url);
    }
  }

  /**
   * What a real API server (v1.28) stored, spec and status, is still taken by the schema with its
   * limits and CEL rules: they refuse nothing the operator wrote there.
   */
  @ParameterizedTest
  @ValueSource(strings = {"appdeployments", "gitopssources"})
  void whatARealApiServerStoredIsAccepted(String kind) throws Exception {
    CrdSchema schema = kind.equals("appdeployments") ? APPS : SOURCES;
    JsonNode stored;
    try (var in = getClass().getResourceAsStream("/real-cluster/" + kind + ".json")) {
      stored = YAML.readTree(in);
    }

    assertTrue(stored.get("items").size() > 0);
    for (JsonNode object : stored.get("items")) {
      assertEquals(List.of(), schema.violations(object), object.at("/metadata/name").asText());
      assertEquals(object, schema.withDefaults(object), "stored objects have every default");
    }
  }

  /** A hand-written vm app may name a nodePrefix such as "x--": the Deployment "x--web" is a valid name. */
  @Test
  void nodePrefixesThatMakeAValidNameAreAccepted() throws Exception {
    JsonNode app = vmApp("256");
    for (String prefix : List.of("", "vm-", "x--", "team1-")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) app.at("/spec/vmConfig")).put("nodePrefix", prefix);
      assertEquals(List.of(), APPS.violations(app), prefix);
    }
  }

  /**
   * A CRD default must be the model's initial value: otherwise the object the operator writes and
   * the one the API server stores differ, and the operator writes it again at every reconcile.
   */
  @Test
  void everyDefaultIsTheModelsInitialValue() {
    List<String> checked = new ArrayList<>();
    defaultsMatch(APPS.root().at("/properties/spec"), AppDeploymentSpec.class, "spec", checked);
    defaultsMatch(SOURCES.root().at("/properties/spec"), GitOpsSourceSpec.class, "spec", checked);

    assertEquals(List.of("spec.health.interval", "spec.health.port", "spec.health.timeout", "spec.isolation",
        "spec.runtime", "spec.suspend", "spec.allowEmpty", "spec.interval", "spec.path", "spec.prune",
        "spec.suspend", "spec.timeout", "spec.webhook.enabled"), checked);
  }

  private static void defaultsMatch(JsonNode schema, Class<?> type, String path, List<String> checked) {
    JsonNode initial;
    try {
      initial = new KubernetesSerialization().convertValue(type.getDeclaredConstructor().newInstance(), JsonNode.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    List<Map.Entry<String, JsonNode>> properties = new ArrayList<>();
    schema.path("properties").fields().forEachRemaining(properties::add);
    for (Map.Entry<String, JsonNode> property : properties) {
      String field = path + "." + property.getKey();
      if (property.getValue().has("default")) {
        assertEquals(property.getValue().get("default"), initial.get(property.getKey()), field);
        checked.add(field);
      }
      Class<?> fieldType = fieldType(type, property.getKey());
      if (property.getValue().has("properties") && fieldType.getPackageName().equals(type.getPackageName())) {
        defaultsMatch(property.getValue(), fieldType, field, checked);
      }
    }
  }

  private static Class<?> fieldType(Class<?> type, String name) {
    try {
      return type.getDeclaredField(name).getType();
    } catch (NoSuchFieldException e) {
      throw new AssertionError(type.getSimpleName() + " has no field " + name + " the CRD has", e);
    }
  }
}
