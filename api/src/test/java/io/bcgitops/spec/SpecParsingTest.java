package io.bcgitops.spec;

import static io.bcgitops.spec.RepoFiles.invalid;
import static io.bcgitops.spec.RepoFiles.names;
import static io.bcgitops.spec.RepoFiles.onlyProblem;
import static io.bcgitops.spec.RepoFiles.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid spec files in every accepted form, and how their values are read. */
class SpecParsingTest {
  @TempDir
  Path dir;
  RepoFiles repo;

  @BeforeEach
  void setUp() {
    repo = new RepoFiles(dir);
  }

  @Test
  void readsYamlYmlAndJson() throws Exception {
    repo.file("one", "app.yaml", RepoFiles.yaml("one"))
        .file("two", "app.yml", RepoFiles.yaml("two"))
        .file("three", "app.json", """
            {"name": "three", "version": "3.0.1",
             "source": {"type": "release", "url": "https://example.com/three.jar"}}
            """)
        .file("four", "config.yaml", RepoFiles.yaml("four"))
        .file("five", "config.yml", RepoFiles.yaml("five"))
        .file("six", "config.json", """
            {"name": "six", "version": "6", "source": {"type": "maven", "coordinates": "g:six"}}
            """);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("five", "four", "one", "six", "three", "two"), names(state));
    assertEquals("apps/two/app.yml", valid(state, "two").file());
    assertEquals("apps/three/app.json", valid(state, "three").file());
    assertEquals("3.0.1", valid(state, "three").spec().getVersion());
    assertEquals("https://example.com/three.jar", valid(state, "three").spec().getSource().getUrl());
    assertEquals("apps/six/config.json", valid(state, "six").file());
  }

  @Test
  void readsEveryFieldWithBcGitopsSnakeCaseNames() throws Exception {
    repo.app("base");
    repo.file("web", "app.yaml", """
        name: web
        version: "2.1.0"
        description: The web front end
        icon:
          type: base64
          value: iVBORw0KGgo=
          mime_type: image/png
        source:
          type: maven
          coordinates: io.example:web
          main_class: io.example.web.Main
        args: ["--port", "8080"]
        env:
          GREETING: hello
        depends_on: [base]
        health:
          type: custom
          command: ["/bin/check", "--quick"]
          interval: 1m
          timeout: 2s
        isolation: vm
        vm_config:
          memory_limit: 512
          scheduler_limit: 2
          node_prefix: prod-
          extra_args: ["-Xss1m"]
        suspend: true
        """);
    repo.file("worker", "app.yaml", RepoFiles.yaml("worker",
        "health:",
        "  type: custom",
        "  class_name: io.example.worker.Health"));

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    AppFile web = valid(state, "web").spec();
    assertEquals("image/png", web.getIcon().getMimeType());
    assertEquals("io.example.web.Main", web.getSource().getMainClass());
    assertEquals(List.of("--port", "8080"), web.getArgs());
    assertEquals(Map.of("GREETING", "hello"), web.getEnv());
    assertEquals(List.of("base"), web.getDependsOn());
    assertEquals(List.of("/bin/check", "--quick"), web.getHealth().getCommand());
    assertEquals(Duration.ofMinutes(1), web.getHealth().interval());
    assertEquals(Duration.ofSeconds(2), web.getHealth().timeout());
    assertEquals("vm", web.getIsolation().name());
    assertEquals(new IntOrString(512), web.getVmConfig().getMemoryLimit());
    assertEquals(2, web.getVmConfig().getSchedulerLimit());
    assertEquals("prod-", web.getVmConfig().getNodePrefix());
    assertEquals(List.of("-Xss1m"), web.getVmConfig().getExtraArgs());
    assertTrue(web.isSuspend());
    assertEquals("io.example.worker.Health", valid(state, "worker").spec().getHealth().getClassName());
  }

  @Test
  void readsEveryFieldWithCamelCaseNames() throws Exception {
    repo.app("base");
    repo.file("web", "app.yaml", """
        name: web
        version: "2.1.0"
        icon: {type: base64, value: iVBORw0KGgo=, mimeType: image/png}
        source: {type: maven, coordinates: "io.example:web:2.1.0", mainClass: io.example.web.Main}
        dependsOn: [base]
        isolation: vm
        vmConfig:
          memoryLimit: 1Gi
          schedulerLimit: 4
          nodePrefix: prod-
          extraArgs: ["-Xss1m"]
        """);
    repo.file("worker", "app.json", """
        {"name": "worker", "version": "1", "source": {"type": "maven", "coordinates": "g:worker"},
         "health": {"type": "custom", "className": "io.example.worker.Health"}}
        """);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    AppFile web = valid(state, "web").spec();
    assertEquals("image/png", web.getIcon().getMimeType());
    assertEquals("io.example.web.Main", web.getSource().getMainClass());
    assertEquals(List.of("base"), web.getDependsOn());
    assertEquals(new IntOrString("1Gi"), web.getVmConfig().getMemoryLimit());
    assertEquals(4, web.getVmConfig().getSchedulerLimit());
    assertEquals("prod-", web.getVmConfig().getNodePrefix());
    assertEquals(List.of("-Xss1m"), web.getVmConfig().getExtraArgs());
    assertEquals("io.example.worker.Health", valid(state, "worker").spec().getHealth().getClassName());
  }

  @Test
  void snakeCaseInJsonParses() throws Exception {
    repo.app("base");
    repo.file("web", "app.json", """
        {"name": "web", "version": "1", "source": {"type": "maven", "coordinates": "g:web"},
         "depends_on": ["base"], "isolation": "vm", "vm_config": {"memory_limit": 128, "scheduler_limit": 1}}
        """);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("base"), valid(state, "web").spec().getDependsOn());
    assertEquals(new IntOrString(128), valid(state, "web").spec().getVmConfig().getMemoryLimit());
  }

  @Test
  void firstSpecFileInBcGitopsOrderWins() throws Exception {
    // Each later candidate is broken: only the winner is read.
    repo.file("a", "app.yaml", RepoFiles.yaml("a-yaml"))
        .file("a", "app.yml", "broken: [")
        .file("a", "app.json", "{")
        .file("a", "config.yaml", "broken: [")
        .file("a", "config.yml", "broken: [")
        .file("a", "config.json", "{");
    repo.file("b", "app.yml", RepoFiles.yaml("b-yml"))
        .file("b", "app.json", "{")
        .file("b", "config.yaml", "broken: [");
    repo.file("c", "app.json", """
        {"name": "c-json", "version": "1", "source": {"type": "maven", "coordinates": "g:c"}}
        """).file("c", "config.yaml", "broken: [");
    repo.file("d", "config.yaml", RepoFiles.yaml("d-config-yaml"))
        .file("d", "config.yml", "broken: [")
        .file("d", "config.json", "{");
    repo.file("e", "config.yml", RepoFiles.yaml("e-config-yml")).file("e", "config.json", "{");
    repo.file("f", "config.json", "{\"name\": \"f-config-json\", \"version\": \"1\","
        + " \"source\": {\"type\": \"maven\", \"coordinates\": \"g:f\"}}");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals("apps/a/app.yaml", valid(state, "a-yaml").file());
    assertEquals("apps/b/app.yml", valid(state, "b-yml").file());
    assertEquals("apps/c/app.json", valid(state, "c-json").file());
    assertEquals("apps/d/config.yaml", valid(state, "d-config-yaml").file());
    assertEquals("apps/e/config.yml", valid(state, "e-config-yml").file());
    assertEquals("apps/f/config.json", valid(state, "f-config-json").file());
  }

  @Test
  void appYamlWinsOverConfigJsonWhenBothAreValid() throws Exception {
    repo.file("web", "config.json", "{\"name\": \"from-json\", \"version\": \"1\","
        + " \"source\": {\"type\": \"maven\", \"coordinates\": \"g:web\"}}");
    repo.file("web", "app.yaml", RepoFiles.yaml("from-yaml"));

    DesiredState state = repo.scan();

    assertEquals(List.of("from-yaml"), names(state));
    assertEquals(List.of(), state.invalid());
  }

  @Test
  void skipsFoldersWithoutSpecFileHiddenFoldersAndLooseFiles() throws Exception {
    repo.app("web");
    repo.write("apps/docs/README.md", "# not an app\n");
    repo.write("apps/docs/application.yaml", "name: [broken\n");
    repo.write("apps/empty/.keep", "");
    repo.write("apps/.hidden/app.yaml", "this: [is broken\n");
    repo.write("apps/.git/app.yaml", RepoFiles.yaml("from-git-folder"));
    repo.write("apps/app.yaml", "not: [read\n");
    repo.write("apps/notes.txt", "loose file\n");

    DesiredState state = repo.scan();

    assertEquals(List.of("web"), names(state));
    assertEquals(List.of(), state.invalid());
  }

  @Test
  void emptyAppsFolderGivesNoAppsAndNoProblems() throws Exception {
    repo.write("apps/.keep", "");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.apps());
    assertEquals(List.of(), state.invalid());
  }

  @Test
  void durationIntegerIsMillisecondsAndStringIsDuration() throws Exception {
    repo.app("ms", "health:", "  type: tcp", "  interval: 30000", "  timeout: 1500");
    repo.app("text", "health:", "  type: tcp", "  interval: 1h30m", "  timeout: 30s");
    repo.app("minute", "health:", "  type: http", "  path: /health", "  interval: 1m", "  timeout: 500ms");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    HealthCheck ms = valid(state, "ms").spec().getHealth();
    assertEquals(Duration.ofSeconds(30), ms.interval());
    assertEquals(Duration.ofMillis(1500), ms.timeout());
    HealthCheck text = valid(state, "text").spec().getHealth();
    assertEquals(Duration.ofMinutes(90), text.interval());
    assertEquals(Duration.ofSeconds(30), text.timeout());
    HealthCheck minute = valid(state, "minute").spec().getHealth();
    assertEquals(Duration.ofMinutes(1), minute.interval());
    assertEquals(Duration.ofMillis(500), minute.timeout());
  }

  @Test
  void badDurationStringNamesTheField() throws Exception {
    repo.app("web", "health:", "  type: tcp", "  interval: 30 seconds");

    InvalidSpec invalid = onlyProblem(repo.scan(), "apps/web/app.yaml", "health.interval", "30 seconds", "30s");
    assertEquals("web", invalid.declaredName());
  }

  @Test
  void unitlessDurationStringIsAnError() throws Exception {
    repo.app("web", "health:", "  type: tcp", "  timeout: \"30\"");

    onlyProblem(repo.scan(), "apps/web/app.yaml", "health.timeout", "not a duration");
  }

  @Test
  void zeroOrNegativeDurationIsAnError() throws Exception {
    repo.app("zero", "health:", "  type: tcp", "  interval: 0");
    repo.app("negative", "health:", "  type: tcp", "  timeout: -5");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.apps());
    RepoFiles.assertContains(invalid(state, "apps/zero/app.yaml").error(), "health.interval", "more than 0");
    RepoFiles.assertContains(invalid(state, "apps/negative/app.yaml").error(), "health.timeout", "more than 0");
  }

  @Test
  void memoryLimitIsKeptAsWrittenAnIntegerOrAQuantity() throws Exception {
    repo.app("int", "isolation: vm", "vm_config:", "  memory_limit: 256");
    repo.app("quantity", "isolation: vm", "vmConfig:", "  memoryLimit: 2Gi");
    repo.app("decimal", "isolation: vm", "vmConfig:", "  memoryLimit: 1.5Gi");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(new IntOrString(256), valid(state, "int").spec().getVmConfig().getMemoryLimit());
    assertEquals(new IntOrString("2Gi"), valid(state, "quantity").spec().getVmConfig().getMemoryLimit());
    assertEquals(new IntOrString("1.5Gi"), valid(state, "decimal").spec().getVmConfig().getMemoryLimit());
  }

  @Test
  void quotedVersionStaysAsWritten() throws Exception {
    repo.file("web", "app.yaml", """
        name: web
        version: "1.10"
        source: {type: maven, coordinates: "g:web"}
        """);
    repo.file("api", "app.yaml", """
        name: api
        version: '007'
        source: {type: maven, coordinates: "g:api"}
        """);
    repo.file("db", "app.yaml", """
        name: db
        version: 1.0.0
        source: {type: maven, coordinates: "g:db"}
        """);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals("1.10", valid(state, "web").spec().getVersion());
    assertEquals("007", valid(state, "api").spec().getVersion());
    assertEquals("1.0.0", valid(state, "db").spec().getVersion());
  }

  @Test
  void leadingDocumentMarkerAndCommentsAreFine() throws Exception {
    repo.file("web", "app.yaml", "# the web app\n---\n" + RepoFiles.yaml("web") + "# end\n");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("web"), names(state));
  }

  /** The file is read into the CRD's spec type: what it leaves out is the CRD's default, as the API server stores it. */
  @Test
  void optionalFieldsTakeTheCrdsDefaults() throws Exception {
    repo.app("web");

    AppFile spec = valid(repo.scan(), "web").spec();

    assertEquals(Isolation.embedded, spec.getIsolation());
    assertEquals("default", spec.getRuntime());
    assertFalse(spec.isSuspend());
    assertNull(spec.getDependsOn());
    assertEquals(List.of(), spec.dependencies());
    assertNull(spec.getVmConfig());
    assertNull(spec.getHealth());
    assertTrue(spec.getSource().getCoordinates().startsWith("io.example:"));
  }

  /** A field written without a value is a field not written ("suspend:" as bc_gitops reads it). */
  @Test
  void aFieldWithoutAValueKeepsItsDefault() throws Exception {
    repo.app("web", "suspend:", "runtime:", "health:", "  type: tcp", "  port:", "  interval:");

    AppFile spec = valid(repo.scan(), "web").spec();

    assertFalse(spec.isSuspend());
    assertEquals("default", spec.getRuntime());
    assertEquals(8080, spec.getHealth().getPort());
    assertEquals(Duration.ofSeconds(30), spec.getHealth().interval());
  }
}
