package io.bcgitops.spec;

import static io.bcgitops.spec.RepoFiles.assertContains;
import static io.bcgitops.spec.RepoFiles.invalid;
import static io.bcgitops.spec.RepoFiles.names;
import static io.bcgitops.spec.RepoFiles.onlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository as a whole: paths, symlinks, names across folders, dependencies and order. */
class GitOpsRepositoryTest {
  @TempDir
  Path dir;
  @TempDir
  Path outside;
  RepoFiles repo;

  @BeforeEach
  void setUp() throws IOException {
    repo = new RepoFiles(dir.resolve("repo"));
    Files.createDirectories(repo.root());
  }

  private static void symlink(Path link, Path target) throws IOException {
    Files.createDirectories(link.getParent());
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symlinks not supported here: " + e);
    }
  }

  @Test
  void missingPathIsPathNotFound() {
    repo.app("web");

    PathNotFoundException e = assertThrows(PathNotFoundException.class,
        () -> new GitOpsRepository().scan(repo.root(), "deploy/apps"));
    assertContains(e.getMessage(), "deploy/apps", "does not exist");
  }

  @Test
  void pathThatIsAFileIsPathNotFound() {
    repo.write("apps.yaml", "x: 1\n");

    PathNotFoundException e = assertThrows(PathNotFoundException.class,
        () -> new GitOpsRepository().scan(repo.root(), "apps.yaml"));
    assertEquals("path 'apps.yaml' is a file, not a folder of apps", e.getMessage());
  }

  @Test
  void pathLeavingTheRepositoryIsPathNotFound() throws IOException {
    Files.createDirectories(dir.resolve("x"));
    new RepoFiles(dir).app("x");

    PathNotFoundException e = assertThrows(PathNotFoundException.class,
        () -> new GitOpsRepository().scan(repo.root(), "../x"));
    assertContains(e.getMessage(), "../x", "outside the repository");
  }

  @Test
  void absolutePathIsPathNotFound() {
    repo.app("web");

    assertThrows(PathNotFoundException.class,
        () -> new GitOpsRepository().scan(repo.root(), repo.root().resolve("apps").toString()));
  }

  @Test
  void pathSymlinkLeavingTheRepositoryIsPathNotFound() throws IOException {
    new RepoFiles(outside).app("web");
    symlink(repo.root().resolve("apps"), outside.resolve("apps"));

    PathNotFoundException e = assertThrows(PathNotFoundException.class, () -> repo.scan());
    assertContains(e.getMessage(), "symlink");
  }

  @Test
  void otherPathAndRootPath() throws Exception {
    repo.write("deploy/prod/web/app.yaml", RepoFiles.yaml("web"));
    repo.write("top/app.yaml", RepoFiles.yaml("top"));

    assertEquals(List.of("web"), new GitOpsRepository().scan(repo.root(), "deploy/prod").names().toList());
    assertEquals(List.of("web"), new GitOpsRepository().scan(repo.root(), "./deploy/prod/").names().toList());
    assertEquals(List.of("top"), new GitOpsRepository().scan(repo.root(), "").names().toList());
    assertEquals(List.of("top"), new GitOpsRepository().scan(repo.root(), null).names().toList());
  }

  @Test
  void specFileSymlinkLeavingTheRepositoryIsInvalid() throws Exception {
    repo.app("good");
    Path secret = outside.resolve("secret.yaml");
    Files.writeString(secret, RepoFiles.yaml("evil"));
    symlink(repo.root().resolve("apps/evil/app.yaml"), secret);

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    onlyProblem(state, "apps/evil/app.yaml", "symlink", "leaves the repository");
  }

  @Test
  void specFileSymlinkInsideTheRepositoryIsFine() throws Exception {
    repo.write("shared/web.yaml", RepoFiles.yaml("web"));
    symlink(repo.root().resolve("apps/web/app.yaml"), Path.of("../../shared/web.yaml"));

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals("apps/web/app.yaml", RepoFiles.valid(state, "web").file());
  }

  @Test
  void danglingSpecFileSymlinkIsInvalid() throws Exception {
    repo.app("good");
    symlink(repo.root().resolve("apps/gone/app.yaml"), Path.of("nowhere.yaml"));

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    onlyProblem(state, "apps/gone/app.yaml", "does not exist");
  }

  @Test
  void appFolderSymlinkLeavingTheRepositoryIsInvalid() throws Exception {
    repo.app("good");
    new RepoFiles(outside).app("evil");
    symlink(repo.root().resolve("apps/evil"), outside.resolve("apps/evil"));

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    assertEquals(1, state.invalid().size(), () -> "problems: " + state.problems());
    InvalidSpec invalid = state.invalid().get(0);
    assertEquals("apps/evil", DesiredState.folderOf(invalid.file()), invalid.file());
    assertContains(invalid.error(), "folder", "symlink", "leaves the repository");
  }

  @Test
  void onDiskTheSameLimitsHoldAsInGit() throws Exception {
    for (int i = 0; i < 40; i++) {
      repo.app("app-" + i, "description: \"" + "x".repeat(4000) + "\"");
    }

    RepositoryTooLargeException apps = assertThrows(RepositoryTooLargeException.class,
        () -> new GitOpsRepository().scan(repo.root(), "apps", RepositoryLimits.of(39, 1 << 20, 1 << 20, 32, 1000)));
    assertContains(apps.getMessage(), "path 'apps' holds more than 39 apps, the limit BCGITOPS_MAX_APPS sets");
    RepositoryTooLargeException bytes = assertThrows(RepositoryTooLargeException.class,
        () -> new GitOpsRepository().scan(repo.root(), "apps", RepositoryLimits.of(100, 1 << 20, 64 * 1024, 32, 1000)));
    assertContains(bytes.getMessage(), "past 64 KiB, the limit BCGITOPS_MAX_READ_BYTES sets");
    RepositoryTooLargeException entries = assertThrows(RepositoryTooLargeException.class,
        () -> new GitOpsRepository().scan(repo.root(), "apps", RepositoryLimits.of(100, 1 << 20, 1 << 20, 32, 20)));
    assertContains(entries.getMessage(), "more than 20 folder entries, the limit BCGITOPS_MAX_TREE_ENTRIES sets");
    assertEquals(40, new GitOpsRepository().scan(repo.root(), "apps").apps().size(), "within the defaults");
  }

  @Test
  void duplicateNamesInTwoFoldersRejectBothNamingTheOther() throws Exception {
    repo.app("good");
    repo.file("web-old", "app.yaml", RepoFiles.yaml("web"));
    repo.file("web-new", "app.json", """
        {"name": "web", "version": "2", "source": {"type": "maven", "coordinates": "g:web"}}
        """);

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    assertEquals(2, state.invalid().size(), () -> "problems: " + state.problems());
    InvalidSpec old = invalid(state, "apps/web-old/app.yaml");
    InvalidSpec neu = invalid(state, "apps/web-new/app.json");
    assertContains(old.error(), "'web'", "apps/web-new/app.json", "unique");
    assertContains(neu.error(), "'web'", "apps/web-old/app.yaml", "unique");
    assertEquals("web", old.declaredName());
    assertEquals("web", neu.declaredName());
    assertEquals(Set.of("web"), state.protectedNames());
  }

  @Test
  void sameNameThreeTimesNamesBothOthers() throws Exception {
    repo.file("a", "app.yaml", RepoFiles.yaml("web"));
    repo.file("b", "app.yaml", RepoFiles.yaml("web"));
    repo.file("c", "app.yaml", RepoFiles.yaml("web"));

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.apps());
    assertContains(invalid(state, "apps/a/app.yaml").error(), "apps/b/app.yaml", "apps/c/app.yaml");
    assertContains(invalid(state, "apps/b/app.yaml").error(), "apps/a/app.yaml", "apps/c/app.yaml");
    assertContains(invalid(state, "apps/c/app.yaml").error(), "apps/a/app.yaml", "apps/b/app.yaml");
  }

  @Test
  void twoAppCycleRejectsBoth() throws Exception {
    repo.app("good");
    repo.app("a", "depends_on: [b]");
    repo.app("b", "dependsOn: [a]");

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    assertEquals(2, state.invalid().size(), () -> "problems: " + state.problems());
    InvalidSpec a = invalid(state, "apps/a/app.yaml");
    InvalidSpec b = invalid(state, "apps/b/app.yaml");
    assertContains(a.error(), "dependency cycle", "a -> b -> a");
    assertContains(b.error(), "dependency cycle", "b -> a -> b");
    assertTrue(a.cycle());
    assertTrue(b.cycle());
    assertTrue(state.onlyCycles());
    assertEquals(Set.of("a", "b"), state.protectedNames());
  }

  @Test
  void threeAppCycleRejectsAllThree() throws Exception {
    repo.app("x", "depends_on: [y]");
    repo.app("y", "depends_on: [z]");
    repo.app("z", "depends_on: [x]");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.apps());
    assertContains(invalid(state, "apps/x/app.yaml").error(), "x -> y -> z -> x");
    assertContains(invalid(state, "apps/y/app.yaml").error(), "y -> z -> x -> y");
    assertContains(invalid(state, "apps/z/app.yaml").error(), "z -> x -> y -> z");
  }

  @Test
  void appDependingOnACycleMemberStaysValid() throws Exception {
    repo.app("a", "depends_on: [b]");
    repo.app("b", "depends_on: [a]");
    repo.app("c", "depends_on: [a]");
    repo.app("d", "depends_on: [c]");
    repo.app("base");

    DesiredState state = repo.scan();

    assertEquals(List.of("base", "c", "d"), names(state));
    assertEquals(Set.of("apps/a/app.yaml", "apps/b/app.yaml"),
        Set.copyOf(state.invalid().stream().map(InvalidSpec::file).toList()));
    assertFalse(state.invalid().stream().anyMatch(i -> i.error().contains("c ->")));
  }

  @Test
  void cycleNextToOtherProblemsIsNotOnlyCycles() throws Exception {
    repo.app("a", "depends_on: [b]");
    repo.app("b", "depends_on: [a]");
    repo.file("broken", "app.yaml", "name: [\n");

    DesiredState state = repo.scan();

    assertEquals(3, state.invalid().size());
    assertFalse(state.onlyCycles());
  }

  @Test
  void validAppsComeInDependencyOrderTiesByName() throws Exception {
    repo.app("web", "depends_on: [api, db]");
    repo.app("api", "depends_on: [db]");
    repo.app("db");
    repo.app("zeta");
    repo.app("alpha");
    repo.app("metrics", "depends_on: [missing-app]");

    DesiredState state = repo.scan();

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("alpha", "db", "api", "metrics", "web", "zeta"), names(state));
  }

  @Test
  void dependencyOnAnInvalidAppDoesNotBlockOrdering() throws Exception {
    repo.file("db", "app.yaml", RepoFiles.yaml("db", "colour: blue"));
    repo.app("api", "depends_on: [db]");

    DesiredState state = repo.scan();

    assertEquals(List.of("api"), names(state));
    assertEquals(Set.of("db"), state.protectedNames());
  }

  @Test
  void protectedNamesAreTheNamesBrokenFilesStillDeclare() throws Exception {
    repo.app("good");
    repo.file("unknown-field", "app.yaml", RepoFiles.yaml("web", "replicas: 2"));
    repo.file("bad-memory", "app.yaml", RepoFiles.yaml("worker", "isolation: vm", "vm_config:", "  memory_limit: 1"));
    repo.file("bad-version", "app.yaml", "name: api\nversion: 1.10\nsource: {type: maven, coordinates: \"g:api\"}\n");
    repo.file("unreadable", "app.yaml", "name: lost\nversion: [\n");
    repo.file("bad-name", "app.yaml", RepoFiles.yaml("Bad_Name"));

    DesiredState state = repo.scan();

    assertEquals(List.of("good"), names(state));
    assertEquals(5, state.invalid().size(), () -> "problems: " + state.problems());
    assertEquals(Set.of("web", "worker", "api"), state.protectedNames());
  }

  @Test
  void problemsAreOneLinePerFile() throws Exception {
    repo.app("good");
    repo.file("b", "app.yaml", "name: b\nversion: \"1\"\n  source: [\n");
    repo.file("a", "app.yaml", RepoFiles.yaml("a", "health:", "  type: smoke"));

    DesiredState state = repo.scan();

    assertEquals(2, state.problems().size());
    assertTrue(state.problems().get(0).startsWith("apps/a/app.yaml: health.type: 'smoke'"), state.problems().get(0));
    assertTrue(state.problems().get(1).startsWith("apps/b/app.yaml: malformed YAML (line 3"), state.problems().get(1));
    state.problems().forEach(p -> assertFalse(p.contains("\n"), p));
  }
}
