package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.spec.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/** The validate and render commands, as a user runs them: output, errors and exit code. */
class MainTest {
  @TempDir
  Path dir;
  RepoFiles repo;

  /** What a run printed, and its exit code. */
  record Run(int code, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  @BeforeEach
  void setUp() {
    repo = new RepoFiles(dir);
  }

  static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
        err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }

  private static void assertContains(String text, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in:\n" + text);
    }
  }

  @Test
  void validateGoodRepository() throws Exception {
    repo.app("web", "depends_on: [api]");
    repo.app("api");

    Run run = run("validate", dir.toString());

    assertEquals(0, run.code(), run::toString);
    assertEquals(List.of("2 apps valid"), run.outLines());
    assertEquals("", run.err());
  }

  @Test
  void validateBadRepositoryPrintsOneLinePerProblem() throws Exception {
    repo.app("good");
    repo.file("x", "app.yaml", RepoFiles.yaml("x", "replicas: 2"));
    repo.file("y", "app.yaml", "name: y\nversion: \"1\"\n  source: [\n");
    repo.file("z", "app.json", "{\"name\": \"z\", \"version\": 1.10}");

    Run run = run("validate", dir.toString());

    assertEquals(1, run.code(), run::toString);
    List<String> lines = run.outLines();
    assertEquals(3, lines.size(), run::toString);
    assertTrue(lines.get(0).startsWith("apps/x/app.yaml: unknown field 'replicas'"), lines.get(0));
    assertTrue(lines.get(1).startsWith("apps/y/app.yaml: malformed YAML (line 3"), lines.get(1));
    assertTrue(lines.get(2).startsWith("apps/z/app.json: field 'version'"), lines.get(2));
    assertFalse(run.out().contains("apps valid"), run.out());
  }

  @Test
  void validateWithOtherPath() throws Exception {
    repo.write("clusters/prod/web/app.yaml", RepoFiles.yaml("web"));

    assertEquals(new Run(0, "1 app valid\n", ""), run("validate", dir.toString(), "--path", "clusters/prod"));
    assertEquals(new Run(0, "1 app valid\n", ""), run("validate", dir.toString(), "--path=clusters/prod"));
  }

  @Test
  void validateMissingPathFails() throws Exception {
    repo.write("README.md", "no apps here\n");

    Run run = run("validate", dir.toString());

    assertEquals(1, run.code(), run::toString);
    assertEquals("", run.out());
    assertContains(run.err(), "path 'apps' does not exist");
  }

  @Test
  void validateStopsAtTheOperatorsLimitsAndSaysWhichOne() throws Exception {
    // Issue 12: 400 specs of about 1 MiB exhausted validate's heap; it now stops at BCGITOPS_MAX_READ_BYTES (4 MiB) read.
    String padding = "# " + "x".repeat(1000) + "\n";
    String big = RepoFiles.yaml("big") + padding.repeat(1000);
    for (int i = 0; i < 20; i++) {
      repo.file("big-" + i, "app.yaml", big.replace("name: big", "name: big-" + i));
    }

    Run run = run("validate", dir.toString());

    assertEquals(1, run.code(), run::toString);
    assertEquals("", run.out());
    assertContains(run.err(), "validate: reading apps/big-", "past 4 MiB, the limit BCGITOPS_MAX_READ_BYTES sets");
  }

  @Test
  void validatePathOutsideTheRepositoryFails() throws Exception {
    repo.app("web");
    repo.write("elsewhere/api/app.yaml", RepoFiles.yaml("api"));

    Run run = run("validate", dir.resolve("apps").toString(), "--path", "../elsewhere");

    assertEquals(1, run.code(), run::toString);
    assertContains(run.err(), "outside the repository");
  }

  @Test
  void validateWithoutRepositoryArgumentIsAUsageError() throws Exception {
    Run run = run("validate");

    assertEquals(2, run.code(), run::toString);
    assertContains(run.err(), "validate: give one argument, the repository's folder", "usage: validate <dir>");
  }

  /** A folder that is not there is said in one line, what and what to do: no stack trace. */
  @ParameterizedTest
  @ValueSource(strings = {"validate", "render"})
  void aMissingFolderIsOneLine(String command) throws Exception {
    Path missing = dir.resolve("no-such-repo");

    Run run = run(command, missing.toString());

    assertEquals(2, run.code(), run::toString);
    assertEquals("", run.out());
    assertEquals(command + ": " + missing + " does not exist; give the folder of a GitOps repository (the one"
        + " holding apps/)\n", run.err());
  }

  @Test
  void aFileInsteadOfAFolderIsOneLine() throws Exception {
    repo.write("app.yaml", RepoFiles.yaml("web"));
    Path file = dir.resolve("app.yaml");

    Run run = run("validate", file.toString());

    assertEquals(2, run.code(), run::toString);
    assertEquals("validate: " + file + " is not a folder; give the folder of a GitOps repository (the one holding"
        + " apps/)\n", run.err());
  }

  @Test
  void unknownOptionIsAUsageErrorNotAStackTrace() throws Exception {
    repo.app("web");

    Run run = run("validate", dir.toString(), "--bogus", "x");

    assertEquals(2, run.code(), run::toString);
    assertContains(run.err(), "unknown option --bogus", "usage:");
  }

  @Test
  void optionWithoutValueIsAUsageError() throws Exception {
    Run run = run("render", dir.toString(), "--source");

    assertEquals(2, run.code(), run::toString);
    assertContains(run.err(), "--source needs a value");
  }

  @Test
  void unknownCommand() throws Exception {
    Run run = run("deploy");

    assertEquals(2, run.code(), run::toString);
    assertContains(run.err(), "unknown command 'deploy'", "usage:");
  }

  @Test
  void help() throws Exception {
    Run run = run("help");

    assertEquals(0, run.code());
    assertContains(run.out(), "validate <dir>", "render <dir>");
  }

  /** With no arguments the jar explains itself (the image's CMD names the operator command). */
  @Test
  void noArgumentsPrintsHelp() throws Exception {
    Run run = run();

    assertEquals(0, run.code(), run::toString);
    assertEquals(run("help").out(), run.out());
    assertContains(run.out(), "usage: bcgitops <command> [args]   (java -jar bc-gitops-operator.jar", "operator",
        "validate", "render", "fetch", "runtime-host", "loader", "local", "--version", "get", "reconcile", "suspend",
        "resume", "diff", "events", "logs", "version", "completion");
    assertEquals("", run.err());
  }

  static List<String> commands() {
    return List.of("operator", "validate", "render", "fetch", "runtime-host", "loader", "local", "get", "reconcile",
        "suspend", "resume", "diff", "events", "logs", "version", "completion");
  }

  /** --help and -h, alone or after other arguments, print the command's own usage and run nothing. */
  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandAnswersHelp(String command) throws Exception {
    for (String[] args : List.of(new String[] {command, "--help"}, new String[] {command, "-h"},
        new String[] {command, "some-arg", "--help"}, new String[] {"help", command})) {
      Run run = run(args);

      assertEquals(0, run.code(), () -> String.join(" ", args) + ": " + run);
      assertTrue(run.out().startsWith("usage: " + command), () -> String.join(" ", args) + ": " + run.out());
      assertEquals("", run.err(), () -> String.join(" ", args));
    }
  }

  /** The version is the Maven project's, as the build wrote it. */
  @Test
  void versionIsTheProjectVersion() throws Exception {
    Run run = run("--version");

    assertEquals(0, run.code(), run::toString);
    assertEquals("bc-gitops-operator " + projectVersion() + "\n", run.out());
  }

  private static String projectVersion() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String version = XPathFactory.newInstance().newXPath().evaluate("/*[local-name()='project']/*[local-name()='version']",
        pom).strip();
    assertFalse(version.isEmpty());
    return version;
  }

  /** A wrong argument exits 2 (and says what is wrong), whatever the command. */
  @ParameterizedTest
  @MethodSource("commands")
  void aWrongArgumentExitsTwo(String command) throws Exception {
    Run run = run(command, "--no-such-option", "x");

    assertEquals(2, run.code(), () -> command + ": " + run);
    assertFalse(run.err().isBlank(), command);
    assertFalse(run.err().contains("\tat "), () -> "no stack trace: " + run.err());
  }

  @Test
  void helpForAnUnknownCommandExitsTwo() throws Exception {
    Run run = run("help", "deploy");

    assertEquals(2, run.code(), run::toString);
    assertContains(run.err(), "help: no command 'deploy'", "validate");
  }

  @Test
  void renderPrintsAppDeploymentsAsYaml() throws Exception {
    repo.file("web", "app.yaml", """
        name: web
        version: "1.10"
        source:
          type: maven
          coordinates: io.example:web
        depends_on: [api]
        """);
    repo.file("api", "app.yaml", """
        name: api
        version: "2.0.0"
        isolation: vm
        source:
          type: release
          url: https://example.com/api.jar
          sha256: ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789
        vm_config:
          memory_limit: 256
        health:
          type: http
          path: /health
          interval: 90000
        """);

    Run run = run("render", dir.toString(), "--source", "prod");

    assertEquals(0, run.code(), run::toString);
    assertEquals("", run.err());
    String yaml = run.out();
    // fabric8's KubernetesSerialization quotes every string scalar.
    assertContains(yaml, "kind: \"AppDeployment\"", "apiVersion: \"bcgitops.io/v1alpha1\"",
        "bcgitops.io/source: \"prod\"", "version: \"1.10\"", "name: \"web\"", "name: \"api\"");

    List<JsonNode> docs;
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      docs = it.readAll();
    }
    assertEquals(2, docs.size(), yaml);
    JsonNode api = docs.get(0);
    JsonNode web = docs.get(1);
    // Dependency order: api before web.
    assertEquals("api", api.at("/metadata/name").asText());
    assertEquals("web", web.at("/metadata/name").asText());
    for (JsonNode doc : docs) {
      assertEquals("AppDeployment", doc.at("/kind").asText());
      assertEquals("bcgitops.io/v1alpha1", doc.at("/apiVersion").asText());
      assertEquals("prod", doc.at("/metadata/labels/bcgitops.io~1source").asText());
    }
    assertTrue(web.at("/spec/version").isTextual());
    assertEquals("1.10", web.at("/spec/version").asText());
    assertEquals("apps/web/app.yaml", web.at("/metadata/annotations/bcgitops.io~1spec-file").asText());
    assertEquals("embedded", web.at("/spec/isolation").asText());
    assertEquals("default", web.at("/spec/runtime").asText());
    assertFalse(web.at("/spec/suspend").asBoolean(true));
    assertEquals("maven", web.at("/spec/source/type").asText());
    assertEquals("io.example:web", web.at("/spec/source/coordinates").asText());
    assertEquals("api", web.at("/spec/dependsOn/0").asText());

    assertEquals("vm", api.at("/spec/isolation").asText());
    // memory_limit: 256 stays the integer 256 (MiB): the API server stores it as written.
    assertTrue(api.at("/spec/vmConfig/memoryLimit").isInt());
    assertEquals(256, api.at("/spec/vmConfig/memoryLimit").asInt());
    assertEquals("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        api.at("/spec/source/sha256").asText());
    assertEquals(8080, api.at("/spec/health/port").asInt());
    assertEquals("1m30s", api.at("/spec/health/interval").asText());
    assertEquals("5s", api.at("/spec/health/timeout").asText());
  }

  @Test
  void renderDefaultSourceNameIsLocal() throws Exception {
    repo.app("web");

    Run run = run("render", dir.toString());

    assertEquals(0, run.code(), run::toString);
    assertContains(run.out(), "bcgitops.io/source: \"local\"");
  }

  @Test
  void renderWithProblemsPrintsValidAppsAndReportsTheRest() throws Exception {
    repo.app("web");
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "replicas: 2"));

    Run run = run("render", dir.toString());

    assertEquals(1, run.code(), run::toString);
    assertContains(run.out(), "name: \"web\"");
    assertFalse(run.out().contains("\"bad\""), run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("apps/bad/app.yaml: unknown field 'replicas'"), run.err());
  }

  @Test
  void renderMissingPathFails() throws Exception {
    Run run = run("render", dir.toString(), "--path", "nope");

    assertEquals(1, run.code(), run::toString);
    assertEquals("", run.out());
    assertContains(run.err(), "path 'nope' does not exist");
  }
}
