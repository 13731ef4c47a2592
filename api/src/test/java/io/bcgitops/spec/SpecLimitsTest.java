package io.bcgitops.spec;

import static io.bcgitops.spec.RepoFiles.names;
import static io.bcgitops.spec.RepoFiles.onlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one app may list (issue 12's review: 15 specs of 1 MiB of env entries fit the read budget,
 * and parsed they took 191 MiB of the operator's heap): each list and its entries are capped, and
 * a spec past a cap is an invalid app whose message names the field and the limit.
 */
class SpecLimitsTest {
  private static final String FILE = "apps/bad/app.yaml";

  @TempDir
  Path dir;
  RepoFiles repo;

  @BeforeEach
  void setUp() {
    repo = new RepoFiles(dir);
    repo.app("good");
  }

  private static List<String> lines(String header, int count, String entry) {
    List<String> lines = new ArrayList<>(List.of(header));
    IntStream.range(0, count).forEach(i -> lines.add(entry.replace("%d", String.valueOf(i))));
    return lines;
  }

  private void bad(List<String> lines) {
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", lines.toArray(String[]::new)));
  }

  private void assertRejected(String error) throws Exception {
    DesiredState state = repo.scan();
    assertEquals(List.of("good"), names(state));
    assertEquals(error, onlyProblem(state, FILE).error());
  }

  private void assertValid() throws Exception {
    assertEquals(List.of("bad", "good"), names(repo.scan()));
  }

  @Test
  void envHasAtMost128Variables() throws Exception {
    bad(lines("env:", 128, "  E%d: v"));
    assertValid();

    bad(lines("env:", 80_000, "  E%d: v"));
    assertRejected("env: 80000 variables; an app may have at most 128");
  }

  @Test
  void anEnvNameOrValueHasALengthLimit() throws Exception {
    bad(List.of("env:", "  " + "N".repeat(256) + ": v", "  BIG: " + "v".repeat(32 * 1024)));
    assertValid();

    bad(List.of("env:", "  " + "N".repeat(257) + ": v"));
    assertRejected("env: the name '" + "N".repeat(200) + "...' is 257 characters; a name may have at most 256");

    bad(List.of("env:", "  BIG: " + "v".repeat(32 * 1024 + 1)));
    assertRejected("env.BIG: the value is 32769 characters; a value may have at most 32768");
  }

  @Test
  void argsExtraArgsAndCommandHaveAtMost64EntriesOf4KiB() throws Exception {
    bad(lines("args:", 64, "- a%d"));
    assertValid();

    bad(lines("args:", 65, "- a%d"));
    assertRejected("args: 65 entries; at most 64");

    bad(List.of("args:", "- ok", "- " + "a".repeat(4097)));
    assertRejected("args[1]: 4097 characters; an entry may have at most 4096");

    List<String> vm = new ArrayList<>(List.of("isolation: vm", "vm_config:"));
    vm.addAll(lines("  extra_args:", 65, "  - -Da%d"));
    bad(vm);
    assertRejected("vmConfig.extraArgs: 65 entries; at most 64");

    List<String> health = new ArrayList<>(List.of("isolation: vm", "health:", "  type: custom"));
    health.addAll(lines("  command:", 65, "  - a%d"));
    bad(health);
    assertRejected("health.command: 65 entries; at most 64");
  }

  @Test
  void dependsOnHasAtMost64Apps() throws Exception {
    bad(lines("depends_on:", 65, "- db-%d"));
    assertRejected("dependsOn: 65 apps; an app may depend on at most 64");
  }

  /** A message quotes at most 200 characters of a value, and is at most 1000 characters itself. */
  @Test
  void aLongValueDoesNotMakeALongMessage() throws Exception {
    repo.file("bad", "app.json", "{\"name\": \"bad\", \"version\": \"1\", \"" + "y".repeat(40_000) + "\": 1}");

    DesiredState state = repo.scan();

    String error = onlyProblem(state, "apps/bad/app.json").error();
    assertTrue(error.length() <= InvalidSpec.MAX_ERROR + 3, "an error of " + error.length() + " characters");
    assertTrue(error.startsWith("unknown field '" + "y".repeat(100)), error.substring(0, 40));
  }

  @Test
  void aVersionWithSpacesQuotesAtMost200Characters() throws Exception {
    repo.file("bad", "app.yaml", "name: bad\nversion: \"1 " + "x".repeat(100_000) + "\"\n"
        + "source: {type: maven, coordinates: \"g:bad\"}\n");

    assertRejected("version: '1 " + "x".repeat(198) + "...' must not contain spaces");
  }
}
