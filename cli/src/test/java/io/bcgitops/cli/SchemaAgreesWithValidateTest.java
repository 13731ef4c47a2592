package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.api.CrdSchema;
import io.bcgitops.spec.RepoFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule the AppDeployment CRD's schema states on a spec, next to the SpecValidator check that
 * mirrors it: a spec the API server would refuse at kubectl apply is refused by {@code validate}
 * too, in a line naming the file and the field (and the same spec in git never reaches the API
 * server). CEL rules are evaluated offline ({@link CrdSchema}); {@link #everySchemaRuleHasACase}
 * fails when the CRD gains a rule without a case here.
 */
class SchemaAgreesWithValidateTest {
  private static final CrdSchema APPS = CrdSchema.of("appdeployments.bcgitops.io");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String FILE = "apps/bad/app.yaml";
  private static final String RELEASE = "source: {type: release, url: \"https://example.com/bad.jar\"}";

  @TempDir
  Path dir;

  /**
   * One rule of the schema and a spec that breaks only it.
   *
   * @param rule a CEL rule's text, or "path keyword" for a schema keyword (spec.args maxItems)
   * @param field the field validate's line names, as "field:" or "field[i]:"
   * @param at where the schema's violation is, as the API server reports it
   * @param sameMessage whether the CEL rule's message is the validator's, word for word
   * @param spec the spec, as YAML lines of an app.yaml (and of the AppDeployment's spec)
   */
  record Case(String rule, String field, String at, boolean sameMessage, List<String> spec) {
    @Override
    public String toString() {
      return rule;
    }
  }

  private static Case keyword(String rule, String field, String at, String... spec) {
    return new Case(rule, field, at, false, List.of(spec));
  }

  private static Case cel(String rule, String field, String at, boolean sameMessage, String... spec) {
    return new Case(rule, field, at, sameMessage, List.of(spec));
  }

  private static String list(String entry, int count) {
    return IntStream.range(0, count).mapToObj(i -> "\"" + entry + i + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  private static String map(int count) {
    return IntStream.range(0, count).mapToObj(i -> "E" + i + ": v").collect(Collectors.joining(", ", "{", "}"));
  }

  static Stream<Case> cases() {
    String longArg = "\"" + "a".repeat(4097) + "\"";
    String vmCustom = "health: {type: custom, command: %s}";
    return Stream.of(
        keyword("spec.args maxItems", "args:", "spec.args", RELEASE, "args: " + list("a", 65)),
        keyword("spec.args[] maxLength", "args[0]:", "spec.args[0]", RELEASE, "args: [" + longArg + "]"),
        keyword("spec.env maxProperties", "env:", "spec.env", RELEASE, "env: " + map(129)),
        keyword("spec.env{} maxLength", "env.BIG:", "spec.env.BIG", RELEASE,
            "env: {BIG: \"" + "v".repeat(32 * 1024 + 1) + "\"}"),
        keyword("spec.dependsOn maxItems", "dependsOn:", "spec.dependsOn", RELEASE, "dependsOn: " + list("db-", 65)),
        keyword("spec.dependsOn[] maxLength", "dependsOn:", "spec.dependsOn[0]", RELEASE,
            "dependsOn: [" + "d".repeat(64) + "]"),
        keyword("spec.dependsOn[] pattern", "dependsOn:", "spec.dependsOn[0]", RELEASE, "dependsOn: [Billing_DB]"),
        keyword("spec.health.command maxItems", "health.command:", "spec.health.command", RELEASE, "isolation: vm",
            vmCustom.formatted(list("c", 65))),
        keyword("spec.health.command[] maxLength", "health.command[0]:", "spec.health.command[0]", RELEASE,
            "isolation: vm", vmCustom.formatted("[" + longArg + "]")),
        keyword("spec.health.port maximum", "health.port:", "spec.health.port", RELEASE,
            "health: {type: tcp, port: 65536}"),
        keyword("spec.vmConfig.extraArgs maxItems", "vmConfig.extraArgs:", "spec.vmConfig.extraArgs", RELEASE,
            "isolation: vm", "vmConfig: {extraArgs: " + list("-Da", 65) + "}"),
        keyword("spec.vmConfig.extraArgs[] maxLength", "vmConfig.extraArgs[0]:", "spec.vmConfig.extraArgs[0]",
            RELEASE, "isolation: vm", "vmConfig: {extraArgs: [" + longArg + "]}"),
        keyword("spec.vmConfig.schedulerLimit maximum", "vmConfig.schedulerLimit:", "spec.vmConfig.schedulerLimit",
            RELEASE, "isolation: vm", "vmConfig: {schedulerLimit: 513}"),
        keyword("spec.runtime maxLength", "runtime:", "spec.runtime", RELEASE, "runtime: " + "r".repeat(47)),

        cel("!has(self.source) || self.source.type != 'image' || self.isolation == 'vm'", "source.type:", "spec", true,
            "source: {type: image, image: \"example.com/bad:1\"}"),
        cel("!has(self.health) || self.health.type != 'custom' || self.isolation != 'vm'"
            + " || has(self.health.command) && size(self.health.command) > 0", "health.command:", "spec", true,
            RELEASE, "isolation: vm", "health: {type: custom}"),
        cel("!has(self.health) || self.health.type != 'custom' || self.isolation != 'embedded'"
            + " || has(self.health.className)", "health.className:", "spec", true, RELEASE, "health: {type: custom}"),
        cel("self.type != 'http' || !has(self.path) || self.path.startsWith('/')", "health.path:", "spec.health",
            false, RELEASE, "health: {type: http, path: healthz}"),
        cel("self.type != 'url' || has(self.value)", "icon.value:", "spec.icon", true, RELEASE, "icon: {type: url}"),
        cel("self.type != 'base64' || has(self.value) && has(self.mimeType)", "icon:", "spec.icon", true, RELEASE,
            "icon: {type: base64, value: aGk=}"),
        cel("self.type != 'release' || has(self.url)", "source.url:", "spec.source", true, "source: {type: release}"),
        cel("self.type != 'maven' || has(self.coordinates)", "source.coordinates:", "spec.source", true,
            "source: {type: maven}"),
        cel("self.type != 'image' || has(self.image)", "source.image:", "spec.source", true, "isolation: vm",
            "source: {type: image}"),
        cel("self.type == 'release' || !has(self.url)", "source.url:", "spec.source", false,
            "source: {type: maven, coordinates: \"g:a\", url: \"https://example.com/a.jar\"}"),
        cel("self.type == 'maven' || !has(self.coordinates)", "source.coordinates:", "spec.source", false,
            "source: {type: release, url: \"https://example.com/a.jar\", coordinates: \"g:a\"}"),
        cel("self.type != 'release' || !has(self.repository)", "source.repository:", "spec.source", true,
            "source: {type: release, url: \"https://example.com/a.jar\", repository: \"https://repo.example.com\"}"),
        cel("self.type == 'image' || !has(self.image)", "source.image:", "spec.source", false,
            "source: {type: release, url: \"https://example.com/a.jar\", image: \"example.com/a:1\"}"),
        cel("self.type != 'image' || !has(self.sha256)", "source.sha256:", "spec.source", true, "isolation: vm",
            "source: {type: image, image: \"example.com/a:1\", sha256: \"" + "ab".repeat(32) + "\"}"),
        cel("self.type != 'image' || !has(self.mainClass)", "source.mainClass:", "spec.source", true, "isolation: vm",
            "source: {type: image, image: \"example.com/a:1\", mainClass: a.Main}"),
        cel("self.type != 'image' || !has(self.secretRef)", "source.secretRef:", "spec.source", true, "isolation: vm",
            "source: {type: image, image: \"example.com/a:1\", secretRef: {name: creds}}"));
  }

  private static JsonNode appDeployment(List<String> spec) throws Exception {
    String body = spec.stream().map(line -> "  " + line).collect(Collectors.joining("\n"));
    return APPS.withDefaults(YAML.readTree("apiVersion: bcgitops.io/v1alpha1\nkind: AppDeployment\n"
        + "metadata: {name: bad, namespace: shop}\nspec:\n  version: \"1.0\"\n" + body + "\n"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theSchemaAndValidateBothRefuse(Case rule) throws Exception {
    new RepoFiles(dir).app("good")
        .file("bad", "app.yaml", "name: bad\nversion: \"1.0\"\n" + String.join("\n", rule.spec()) + "\n");

    List<String> violations = APPS.violations(appDeployment(rule.spec()));
    MainTest.Run run = MainTest.run("validate", dir.toString());

    assertEquals(1, violations.size(), violations::toString);
    String violation = violations.get(0);
    assertTrue(violation.startsWith(rule.at() + ": "), violation);
    assertEquals(1, run.code(), run::toString);
    assertEquals(1, run.outLines().size(), run::toString);
    String line = run.outLines().get(0);
    assertTrue(line.startsWith(FILE + ": " + rule.field()) || line.contains("; " + rule.field()), line);
    if (rule.sameMessage()) {
      String message = violation.substring(violation.indexOf("\": ") + 3);
      assertTrue(line.contains(message), () -> "validate says\n" + line + "\nwhere the API server says\n" + message);
    }
  }

  /** Each case's spec, put right, is taken by both: the case breaks the rule it names and no other. */
  @Test
  void theSpecsAroundTheCasesAreValid() throws Exception {
    List<List<String>> good = List.of(
        List.of(RELEASE, "args: " + list("a", 64), "env: " + map(128), "dependsOn: " + list("db-", 64),
            "health: {type: http, path: /health, port: 65535}",
            "icon: {type: base64, value: aGk=, mimeType: image/png}",
            "runtime: " + "r".repeat(46)),
        List.of(RELEASE, "isolation: vm", "health: {type: custom, command: " + list("c", 64) + "}",
            "vmConfig: {schedulerLimit: 512, extraArgs: " + list("-Da", 64) + "}"),
        List.of(RELEASE, "health: {type: custom, className: a.Check}",
            "icon: {type: url, value: \"https://x.io/i.png\"}"),
        List.of("isolation: vm", "source: {type: image, image: \"example.com/a:1\"}"),
        List.of("source: {type: maven, coordinates: \"g:a\", repository: \"https://repo.example.com\"}"));
    for (List<String> spec : good) {
      new RepoFiles(dir).file("bad", "app.yaml", "name: bad\nversion: \"1.0\"\n" + String.join("\n", spec) + "\n");
      assertEquals(List.of(), APPS.violations(appDeployment(spec)), spec::toString);
      assertEquals(new MainTest.Run(0, "1 app valid\n", ""), MainTest.run("validate", dir.toString()), spec::toString);
    }
  }

  /** A new CEL rule or limit in the CRD needs its case above, and so its check in SpecValidator. */
  @Test
  void everySchemaRuleHasACase() {
    Set<String> inSchema = new TreeSet<>();
    rules(APPS.root().at("/properties/spec"), "spec", inSchema);
    Set<String> covered = cases().map(Case::rule).collect(Collectors.toCollection(TreeSet::new));

    assertEquals(inSchema, covered);
  }

  private static final Set<String> KEYWORDS = Set.of("maxItems", "maxProperties", "maxLength", "maximum");

  /** The CEL rules and limits of a schema; an item's is "path[] keyword", a map value's "path{} keyword". */
  private static void rules(JsonNode schema, String path, Set<String> rules) {
    schema.path("x-kubernetes-validations").forEach(rule -> rules.add(rule.get("rule").asText()));
    KEYWORDS.stream().filter(schema::has).forEach(keyword -> rules.add(path + " " + keyword));
    if (schema.path("pattern").isTextual() && path.endsWith("[]")) {
      rules.add(path + " pattern"); // a field's pattern is older than this test; an item's is new
    }
    List<Map.Entry<String, JsonNode>> properties = new ArrayList<>();
    schema.path("properties").fields().forEachRemaining(properties::add);
    properties.forEach(property -> rules(property.getValue(), path + "." + property.getKey(), rules));
    if (schema.has("items")) {
      rules(schema.get("items"), path + "[]", rules);
    }
    if (schema.path("additionalProperties").isObject()) {
      rules(schema.get("additionalProperties"), path + "{}", rules);
    }
  }
}
