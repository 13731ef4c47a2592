package io.bcgitops.spec;

import static io.bcgitops.spec.RepoFiles.assertContains;
import static io.bcgitops.spec.RepoFiles.invalid;
import static io.bcgitops.spec.RepoFiles.names;
import static io.bcgitops.spec.RepoFiles.onlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One broken spec file at a time, next to a valid app: the broken file is reported with an error
 * that names the field or problem, and the valid app still comes through.
 */
class InvalidSpecTest {
  private static final String FILE = "apps/bad/app.yaml";

  @TempDir
  Path dir;
  RepoFiles repo;

  @BeforeEach
  void setUp() {
    repo = new RepoFiles(dir);
    repo.app("good");
  }

  /** Scans, checks that "good" is the only valid app and the file the only problem, and returns it. */
  private InvalidSpec rejectedFile(String file, String... fragments) throws Exception {
    DesiredState state = repo.scan();
    assertEquals(List.of("good"), names(state), "valid apps");
    InvalidSpec invalid = onlyProblem(state, file, fragments);
    assertFalse(invalid.error().contains("\n"), () -> "one line: " + invalid.error());
    assertFalse(invalid.cycle());
    return invalid;
  }

  private InvalidSpec rejected(String... fragments) throws Exception {
    return rejectedFile(FILE, fragments);
  }

  @Test
  void malformedYamlGivesTheLine() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
          source: [
        """);

    InvalidSpec invalid = rejected("malformed YAML", "line 3");
    assertNull(invalid.declaredName());
  }

  @Test
  void unclosedFlowMappingIsMalformedYaml() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: maven
        """);

    rejected("malformed YAML", "line ");
  }

  @Test
  void malformedJson() throws Exception {
    repo.file("bad", "app.json", """
        {"name": "bad", "version": "1",}
        """);

    rejectedFile("apps/bad/app.json", "malformed JSON", "line 1");
  }

  @Test
  void jsonWithTrailingContentIsMalformed() throws Exception {
    repo.file("bad", "app.json", """
        {"name": "bad", "version": "1", "source": {"type": "maven", "coordinates": "g:bad"}}}
        """);

    rejectedFile("apps/bad/app.json", "malformed JSON");
  }

  @Test
  void secondYamlDocumentIsAnError() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad") + "---\n" + RepoFiles.yaml("other"));

    InvalidSpec invalid = rejected("more than one YAML document");
    assertEquals("bad", invalid.declaredName());
  }

  @Test
  void trailingEmptyDocumentIsFine() throws Exception {
    repo.app("ok");
    repo.file("ok", "app.yaml", RepoFiles.yaml("ok") + "---\n");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("good", "ok"), names(state));
  }

  @Test
  void emptyFile() throws Exception {
    repo.file("bad", "app.yaml", "");

    rejected("the file is empty");
  }

  @Test
  void commentOnlyFileIsEmpty() throws Exception {
    repo.file("bad", "app.yaml", "# nothing here yet\n");

    rejected("the file is empty");
  }

  @Test
  void emptyJsonFile() throws Exception {
    repo.file("bad", "app.json", "  \n");

    rejectedFile("apps/bad/app.json", "the file is empty");
  }

  @Test
  void topLevelList() throws Exception {
    repo.file("bad", "app.yaml", """
        - name: bad
          version: "1"
        """);

    rejected("expected a mapping of fields");
  }

  @Test
  void unknownFieldIsNamed() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "replicas: 3"));

    InvalidSpec invalid = rejected("unknown field 'replicas'", "line 6");
    assertEquals("bad", invalid.declaredName());
  }

  @Test
  void unknownFieldGivesTheLineItIsOn() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        replicas: 3
        version: "1"
        source: {type: maven, coordinates: "g:bad"}
        """);

    rejected("unknown field 'replicas' (line 2");
  }

  @Test
  void unknownFieldInJsonGivesTheLineItIsOn() throws Exception {
    repo.file("bad", "app.json", """
        {"name": "bad",
         "replicas": 3,
         "version": "1", "source": {"type": "maven", "coordinates": "g:bad"}}
        """);

    rejectedFile("apps/bad/app.json", "unknown field 'replicas' (line 2");
  }

  @Test
  void unknownNestedFieldIsNamedWithItsPath() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  memory_limt: 256"));

    rejected("unknown field 'vmConfig.memory_limt'", "line 8", "memoryLimit");
  }

  @Test
  void unknownFieldInJson() throws Exception {
    repo.file("bad", "app.json", """
        {"name": "bad", "version": "1", "source": {"type": "maven", "coordinates": "g:bad", "tag": "x"}}
        """);

    rejectedFile("apps/bad/app.json", "unknown field 'source.tag'");
  }

  @Test
  void unquotedVersionNumberIsAnErrorNeverOnePointOne() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: 1.10
        source: {type: maven, coordinates: "g:bad"}
        """);

    InvalidSpec invalid = rejected("field 'version'", "quote it", "\"1.10\"");
    assertEquals("bad", invalid.declaredName());
  }

  @Test
  void integerVersionIsAnError() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: 2
        source: {type: maven, coordinates: "g:bad"}
        """);

    rejected("field 'version'", "quote it");
  }

  @Test
  void numericVersionInJsonIsAnError() throws Exception {
    repo.file("bad", "app.json", """
        {"name": "bad", "version": 1.10, "source": {"type": "maven", "coordinates": "g:bad"}}
        """);

    rejectedFile("apps/bad/app.json", "field 'version'", "quote it");
  }

  @Test
  void envValueAsNumber() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "env:", "  PORT: 8080"));

    rejected("env.PORT", "must be a string", "quotes");
  }

  @Test
  void envValueAsBoolean() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "env:", "  DEBUG: true"));

    rejected("env.DEBUG", "must be a string");
  }

  @Test
  void upperCaseName() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("Web"));

    InvalidSpec invalid = rejected("name: 'Web'", "DNS-1123");
    assertNull(invalid.declaredName());
  }

  @Test
  void underscoreInName() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("my_app"));

    rejected("name: 'my_app'", "DNS-1123");
  }

  @Test
  void nameLongerThan63Characters() throws Exception {
    String name = "a".repeat(64);
    repo.file("bad", "app.yaml", RepoFiles.yaml(name));

    rejected("name: '" + name + "'", "63");
  }

  @Test
  void nameOf63CharactersIsFine() throws Exception {
    String name = "a".repeat(63);
    repo.app(name);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of(name, "good"), names(state));
  }

  @Test
  void missingName() throws Exception {
    repo.file("bad", "app.yaml", """
        version: "1"
        source: {type: maven, coordinates: "g:bad"}
        """);

    rejected("name: required");
  }

  @Test
  void missingVersion() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        source: {type: maven, coordinates: "g:bad"}
        """);

    InvalidSpec invalid = rejected("version: required");
    assertEquals("bad", invalid.declaredName());
  }

  @Test
  void missingSource() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        """);

    rejected("source: required");
  }

  @Test
  void everyProblemOfOneFileIsReported() throws Exception {
    repo.file("bad", "app.yaml", "description: nothing else\n");

    rejected("name: required", "version: required", "source: required");
  }

  @Test
  void duplicateYamlKeys() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        version: "2"
        source: {type: maven, coordinates: "g:bad"}
        """);

    rejected("Duplicate field 'version'", "line 3");
  }

  @Test
  void duplicateNestedYamlKeys() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source:
          type: maven
          coordinates: "g:bad"
          type: release
        """);

    rejected("Duplicate field 'type'");
  }

  @Test
  void hexSourceIsBeamOnly() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: hex}
        """);

    rejected("source.type", "'hex'", "BEAM");
  }

  @Test
  void meshSourceIsBeamOnly() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: mesh}
        """);

    rejected("source.type", "'mesh'", "BEAM");
  }

  @Test
  void unknownSourceType() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: git}
        """);

    rejected("source.type", "'git'", "release, maven, image");
  }

  @Test
  void imageSourceNeedsVmIsolation() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: image, image: "ghcr.io/example/bad:1"}
        """);

    rejected("source.type", "image", "isolation: vm");
  }

  @Test
  void imageSourceWithVmIsolationIsFine() throws Exception {
    repo.file("img", "app.yaml", """
        name: img
        version: "1"
        isolation: vm
        source: {type: image, image: "ghcr.io/example/img:1"}
        """);

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("good", "img"), names(state));
  }

  /** The attack: a jar over plain http, with nothing to check it against, would run as it arrives. */
  @Test
  void aPlainHttpUrlNeedsASha256() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: release, url: "http://artifacts.example.com/bad.jar"}
        """);

    InvalidSpec invalid = rejected("source.url", "'http://artifacts.example.com/bad.jar' is plain http",
        "add source.sha256, or use an https URL");
    assertEquals("source.url: 'http://artifacts.example.com/bad.jar' is plain http and no source.sha256 pins the jar,"
        + " so anyone on the network path could replace it; add source.sha256, or use an https URL", invalid.error());
  }

  /** Maven coordinates in a repository over plain http: the same rule, on source.repository. */
  @Test
  void aPlainHttpMavenRepositoryNeedsASha256() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "  repository: http://nexus.example.com/releases"));

    rejected("source.repository", "'http://nexus.example.com/releases' is plain http", "add source.sha256");
  }

  @Test
  void plainHttpIsFineWithASha256OrOnLoopback() throws Exception {
    repo.file("pinned", "app.yaml", """
        name: pinned
        version: "1"
        source: {type: release, url: "http://artifacts.example.com/a.jar", sha256: "%s"}
        """.formatted("ab".repeat(32)));
    repo.file("local", "app.yaml", RepoFiles.yaml("local", "  repository: http://127.0.0.1:8000/m2"));

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("good", "local", "pinned"), names(state));
  }

  /** The attack: a URL's user:pass@ was copied into the AppDeployment, the pod's args and this message. */
  @Test
  void credentialsInAUrlAreRefusedAndNeverRepeated() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: release, url: "https://deployer:hunter2-pw@artifacts.example.com/bad.jar"}
        """);

    InvalidSpec invalid = rejected("source.url", "'https://***@artifacts.example.com/bad.jar' holds credentials",
        "source.secretRef.name");
    assertFalse(invalid.error().contains("hunter2-pw") || invalid.error().contains("deployer"), invalid.error());
  }

  @Test
  void aMavenRepositoryWithCredentialsIsRefusedToo() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "  repository: https://ci:hunter2-pw@nexus.example.com/m2"));

    InvalidSpec invalid = rejected("source.repository", "https://***@nexus.example.com/m2", "holds credentials");
    assertFalse(invalid.error().contains("hunter2-pw"), invalid.error());
  }

  @Test
  void credentialsAreNeverSentOverPlainHttp() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source:
          type: release
          url: http://artifacts.example.com/bad.jar
          sha256: "%s"
          secretRef: {name: artifact-creds}
        """.formatted("ab".repeat(32)));

    rejected("source.secretRef: credentials are only sent over https, and source.url is plain http");
  }

  @Test
  void secretRefNamesASecret() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "  secretRef: {name: Not_A_Name}"));
    rejected("source.secretRef.name", "'Not_A_Name' is not a Secret name");

    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "  secretRef: {}"));
    rejected("source.secretRef.name: required");
  }

  @Test
  void anImageSourceHasNoSecretRef() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        isolation: vm
        source: {type: image, image: "example/app:1", secretRef: {name: creds}}
        """);

    rejected("source.secretRef: not used by an image source; remove it");
  }

  @Test
  void releaseSourceNeedsAnHttpUrl() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: release, url: "ftp://example.com/bad.jar"}
        """);

    rejected("source.url", "http or https");
  }

  @Test
  void mavenSourceNeedsCoordinates() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: {type: maven, coordinates: "just-an-artifact"}
        """);

    rejected("source.coordinates", "group:artifact");
  }

  @Test
  void badSha256() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad").replace("  type: maven\n", "  type: maven\n  sha256: abc\n"));

    rejected("source.sha256", "64 hexadecimal");
  }

  @Test
  void customHealthOfVmAppNeedsCommand() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "health:", "  type: custom",
        "  className: io.example.Health"));

    rejected("health.command", "required", "vm");
  }

  @Test
  void customHealthOfEmbeddedAppNeedsClassName() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "health:", "  type: custom", "  command: [\"/bin/true\"]"));

    rejected("health.className", "required", "embedded");
  }

  @Test
  void unknownIsolation() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: container"));

    rejected("isolation", "'container'", "embedded, vm");
  }

  @Test
  void negativeMemoryLimit() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  memory_limit: -256"));

    rejected("vmConfig.memoryLimit", "-256");
  }

  @Test
  void absurdMemoryLimit() throws Exception {
    // 10,000,000 MiB is about 9.5 TiB.
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  memory_limit: 10000000"));

    rejected("vmConfig.memoryLimit", "10000000 MiB", "outside 32Mi..1Ti");
  }

  @Test
  void absurdMemoryQuantity() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vmConfig:", "  memoryLimit: 2Ti"));

    rejected("vmConfig.memoryLimit", "outside 32Mi..1Ti");
  }

  @Test
  void tooSmallMemoryLimit() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  memory_limit: 16"));

    rejected("vmConfig.memoryLimit", "16 MiB", "at least 32Mi");
  }

  /** "256" in quotes is a quantity of 256 bytes, not bc_gitops's 256 MiB: too small to be meant. */
  @Test
  void quotedMemoryLimitWithoutUnit() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vmConfig:", "  memoryLimit: \"256\""));

    rejected("vmConfig.memoryLimit", "'256'", "256 bytes", "(256)", "'256Mi'");
  }

  @Test
  void memoryLimitThatIsNeitherIntegerNorString() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vmConfig:", "  memoryLimit: 1.5"));

    rejected("vmConfig.memoryLimit", "an integer or a string");
  }

  @Test
  void memoryLimitThatIsNoQuantity() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vmConfig:", "  memoryLimit: lots"));

    rejected("vmConfig.memoryLimit", "'lots'", "512Mi");
  }

  @Test
  void schedulerLimitZero() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  scheduler_limit: 0"));

    rejected("vmConfig.schedulerLimit", "0 CPUs", "1..512");
  }

  @Test
  void schedulerLimitTenThousand() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  scheduler_limit: 10000"));

    rejected("vmConfig.schedulerLimit", "10000 CPUs", "1..512");
  }

  @Test
  void nodePrefixMakingTheNameTooLong() throws Exception {
    String prefix = "p".repeat(60) + "-";
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vm_config:", "  node_prefix: " + prefix));

    rejected("vmConfig.nodePrefix", prefix + "bad", "63");
  }

  @Test
  void nodePrefixWithUpperCase() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "isolation: vm", "vmConfig:", "  nodePrefix: Prod-"));

    rejected("vmConfig.nodePrefix", "'Prod-'");
  }

  @Test
  void selfDependency() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "depends_on: [bad]"));

    InvalidSpec invalid = rejected("dependsOn", "depends on itself");
    assertEquals("bad", invalid.declaredName());
  }

  @Test
  void dependencyThatIsNoAppName() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "dependsOn: [Good_App]"));

    rejected("dependsOn", "'Good_App'");
  }

  @Test
  void dependsOnAsAStringInsteadOfAList() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "depends_on: good"));

    rejected("field 'dependsOn'", "must be a list");
  }

  @Test
  void sourceAsAListIsNotAMapping() throws Exception {
    repo.file("bad", "app.yaml", """
        name: bad
        version: "1"
        source: [maven]
        """);

    rejected("field 'source'", "line 3", "must be a mapping");
  }

  @Test
  void portThatIsNoNumber() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "health: {type: tcp, port: http}"));

    rejected("field 'health.port'", "must be an integer");
  }

  @Test
  void portOutOfRange() throws Exception {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "health: {type: tcp, port: 70000}"));

    rejected("health.port", "70000", "1-65535");
  }

  @Test
  void oversizedSpecFile() throws Exception {
    StringBuilder big = new StringBuilder(RepoFiles.yaml("bad"));
    while (big.length() <= GitOpsRepository.MAX_SPEC_BYTES) {
      big.append("# padding padding padding padding padding padding padding padding\n");
    }
    repo.file("bad", "app.yaml", big.toString());

    rejected("1 MiB");
  }

  @Test
  void specFileOfExactlyOneMebibyteIsFine() throws Exception {
    StringBuilder exact = new StringBuilder(RepoFiles.yaml("big"));
    while (exact.length() < GitOpsRepository.MAX_SPEC_BYTES - 100) {
      exact.append("# padding\n");
    }
    int fill = (int) (GitOpsRepository.MAX_SPEC_BYTES - exact.length() - 2);
    exact.append('#').append("x".repeat(fill)).append('\n');
    assertEquals(GitOpsRepository.MAX_SPEC_BYTES, exact.length());
    repo.file("big", "app.yaml", exact.toString());

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("big", "good"), names(state));
  }

  @Test
  void manyBrokenFilesAreEachReportedInFileOrder() throws Exception {
    repo.file("b-bad", "app.yaml", "name: [\n");
    repo.file("a-bad", "app.json", "{");
    repo.file("c-bad", "app.yaml", RepoFiles.yaml("c-bad", "extra: 1"));

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    assertEquals(List.of("apps/a-bad/app.json", "apps/b-bad/app.yaml", "apps/c-bad/app.yaml"),
        state.invalid().stream().map(InvalidSpec::file).toList());
    assertTrue(state.problems().get(0).startsWith("apps/a-bad/app.json: malformed JSON"), state.problems().get(0));
    assertContains(invalid(state, "apps/c-bad/app.yaml").error(), "unknown field 'extra'");
  }
}
