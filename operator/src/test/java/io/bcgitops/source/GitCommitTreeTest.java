package io.bcgitops.source;

import static io.bcgitops.spec.RepoFiles.assertContains;
import static io.bcgitops.spec.RepoFiles.onlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.PathNotFoundException;
import io.bcgitops.spec.RepoFiles;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.RepositoryTooLargeException;
import io.bcgitops.testing.GitTrees;
import io.bcgitops.testing.GitTrees.Link;
import io.bcgitops.testing.TestRepo;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the apps of a fetched commit straight from git (what the operator does): only
 * {@code <path>/<dir>/<spec file>} is read, within {@link RepositoryLimits}, and symlinks are
 * followed only inside the repository. The repositories are built object by object, as an
 * attacker would: a tree naming one object many times is a few bytes in git.
 */
class GitCommitTreeTest {
  @TempDir
  Path temp;

  private TestRepo repo;
  private GitTrees trees;

  @BeforeEach
  void setUp() {
    repo = TestRepo.create(temp.resolve("remote"));
    trees = new GitTrees(repo);
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  private DesiredState scan(String path, RepositoryLimits limits) throws Exception {
    FetchedRevision fetched = new GitFetcher().fetch(repo.fileUrl(), GitReference.branch("main"),
        GitCredentials.NONE, Duration.ofSeconds(30), temp.resolve("cache"));
    try (GitCommitTree tree = fetched.open(Instant.MAX)) {
      return new GitOpsRepository().scan(tree, path, limits);
    }
  }

  private DesiredState scan() throws Exception {
    return scan("apps", RepositoryLimits.DEFAULTS);
  }

  private static Map<String, Object> map(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private static Map<String, Object> app(String name) {
    return map("app.yaml", RepoFiles.yaml(name));
  }

  @Test
  void aTreeBombBesideTheAppsCostsNothing() throws Exception {
    // 8 levels of 10: 100,000,000 files in a checkout (issue 12: 76 s, then OutOfMemoryError).
    ObjectId bomb = trees.bomb(8, 10);
    trees.commit(map("apps", map("web", app("web"), "bomb", bomb), "bomb", bomb), "a tree bomb in and beside apps");
    long started = System.nanoTime();

    DesiredState state = scan();

    long took = (System.nanoTime() - started) / 1_000_000;
    assertEquals(List.of("web"), state.names().toList());
    assertEquals(List.of(), state.problems());
    assertTrue(took < 5_000, "took " + took + " ms");
    System.out.printf("tree bomb (8 levels of 10): fetched and read in %d ms%n", took);
  }

  @Test
  void readingStopsAtTheFetchsDeadline() throws Exception {
    // Reading the apps is part of the fetch: a source's work ends at its spec.timeout.
    trees.commit(map("apps", map("web", app("web"))), "one app");
    FetchedRevision fetched = new GitFetcher().fetch(repo.fileUrl(), GitReference.branch("main"),
        GitCredentials.NONE, Duration.ofSeconds(30), temp.resolve("cache"));

    try (GitCommitTree tree = fetched.open(Instant.now().minusMillis(1))) {
      java.io.IOException e = assertThrows(java.io.IOException.class,
          () -> new GitOpsRepository().scan(tree, "apps", RepositoryLimits.DEFAULTS));
      assertEquals("the deadline (spec.timeout) passed before the apps were read", e.getMessage());
    }
  }

  @Test
  void aTreeBombAsThePathIsWalkedOneLevelDeepOnly() throws Exception {
    trees.commit(map("apps", trees.bomb(8, 10)), "the apps folder is a bomb");

    DesiredState state = scan();

    assertEquals(List.of(), state.names().toList());
    assertEquals(List.of(), state.problems());
  }

  @Test
  void manySpecsOfOneMebibyteStopAtTheBytesReadLimit() throws Exception {
    // Issue 12: 400 specs of about 1 MiB (a few KB in git: one blob, 400 names) exhausted validate's heap.
    StringBuilder big = new StringBuilder(RepoFiles.yaml("big"));
    while (big.length() < GitOpsRepository.MAX_SPEC_BYTES - 100) {
      big.append("# padding padding padding padding padding padding padding padding padding padding\n");
    }
    Map<String, Object> folder = map("app.yaml", big.toString());
    Map<String, Object> apps = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      apps.put("app-" + i, folder);
    }
    trees.commit(map("apps", apps), "400 specs of 1 MiB");
    long heapBefore = usedHeap();
    long started = System.nanoTime();

    RepositoryTooLargeException e = assertThrows(RepositoryTooLargeException.class, this::scan);

    long took = (System.nanoTime() - started) / 1_000_000;
    assertContains(e.getMessage(), "past 4 MiB, the limit BCGITOPS_MAX_READ_BYTES sets");
    assertTrue(took < 10_000, "took " + took + " ms");
    System.out.printf("400 specs of 1 MiB: RepositoryTooLarge after %d ms, heap %d MiB before, %d MiB after%n",
        took, heapBefore >> 20, usedHeap() >> 20);
  }

  @Test
  void moreAppsThanTheLimitIsTooLarge() throws Exception {
    trees.commit(map("apps", map("a", app("a"), "b", app("b"), "c", app("c"), "empty", map("README", "x"))), "3");

    assertEquals(3, scan("apps", RepositoryLimits.of(3, 1 << 20, 1 << 20, 32, 1000)).apps().size());
    trees.commit(map("apps", map("a", app("a"), "b", app("b"), "c", app("c"), "d", app("d"))), "4");
    RepositoryTooLargeException e = assertThrows(RepositoryTooLargeException.class,
        () -> scan("apps", RepositoryLimits.of(3, 1 << 20, 1 << 20, 32, 1000)));
    assertContains(e.getMessage(), "path 'apps' holds more than 3 apps, the limit BCGITOPS_MAX_APPS sets");
  }

  @Test
  void aSpecOverItsLimitIsAnInvalidAppNamingTheSetting() throws Exception {
    trees.commit(map("apps", map("web", app("web"), "big", map("app.yaml", RepoFiles.yaml("big", "description: \""
        + "x".repeat(3000) + "\"")))), "one big spec");

    DesiredState state = scan("apps", RepositoryLimits.of(10, 2048, 1 << 20, 32, 1000));

    assertEquals(List.of("web"), state.names().toList());
    onlyProblem(state, "apps/big/app.yaml", "a spec file may be at most 2 KiB (BCGITOPS_MAX_SPEC_BYTES)");
  }

  @Test
  void aFolderWithTooManyEntriesIsTooLarge() throws Exception {
    Map<String, Object> apps = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      apps.put("f" + i, map("notes.txt", "x"));
    }
    trees.commit(map("apps", apps), "200 folders");

    RepositoryTooLargeException e = assertThrows(RepositoryTooLargeException.class,
        () -> scan("apps", RepositoryLimits.of(10, 1 << 20, 1 << 20, 32, 100)));
    assertContains(e.getMessage(), "more than 100 folder entries, the limit BCGITOPS_MAX_TREE_ENTRIES sets");
  }

  @Test
  void aPathDeeperThanTheLimitIsTooLarge() throws Exception {
    trees.commit(map("a", map("b", map("c", map("d", map("web", app("web")))))), "deep");

    assertEquals(List.of("web"), scan("a/b/c/d", RepositoryLimits.of(10, 1 << 20, 1 << 20, 6, 1000)).names().toList());
    RepositoryTooLargeException e = assertThrows(RepositoryTooLargeException.class,
        () -> scan("a/b/c/d", RepositoryLimits.of(10, 1 << 20, 1 << 20, 5, 1000)));
    assertContains(e.getMessage(), "more than 5 folders deep, the limit BCGITOPS_MAX_TREE_DEPTH sets");
  }

  @Test
  void symlinksInsideTheRepositoryAreFollowed() throws Exception {
    trees.commit(map(
        "shared", map("web.yaml", RepoFiles.yaml("web"), "api", app("api")),
        "deploy", new Link("apps"),
        "apps", map("web", map("app.yaml", new Link("../../shared/web.yaml")), "api", new Link("../shared/api"))),
        "symlinks inside");

    DesiredState state = scan("deploy", RepositoryLimits.DEFAULTS);

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("api", "web"), state.names().toList());
    assertEquals("deploy/web/app.yaml", state.apps().stream().filter(a -> a.name().equals("web")).findFirst()
        .orElseThrow().file());
  }

  @Test
  void symlinksLeavingTheRepositoryAreInvalidApps() throws Exception {
    trees.commit(map("apps", map(
        "good", app("good"),
        "absolute", map("app.yaml", new Link("/etc/passwd")),
        "climbing", map("app.yaml", new Link("../../../outside.yaml")),
        "folder", new Link("/var/lib"),
        "dangling", map("app.yaml", new Link("nowhere.yaml")),
        "loop", map("app.yaml", new Link("app.yaml")))), "symlinks out");

    DesiredState state = scan();

    assertEquals(List.of("good"), state.names().toList());
    assertEquals(List.of(
        "apps/absolute/app.yaml: the file is a symlink that leaves the repository",
        "apps/climbing/app.yaml: the file is a symlink that leaves the repository",
        "apps/dangling/app.yaml: the file is a symlink to a file that does not exist",
        "apps/folder/: a symlink that leaves the repository, where an app folder must be inside it",
        "apps/loop/app.yaml: the file is a symlink to a file that does not exist"), state.problems());
  }

  @Test
  void aPathThatIsASymlinkOutIsPathNotFound() throws Exception {
    trees.commit(map("apps", new Link("../../elsewhere")), "apps points out");

    PathNotFoundException e = assertThrows(PathNotFoundException.class, this::scan);
    assertContains(e.getMessage(), "path 'apps' is a symlink that leaves the repository");
  }

  private static long usedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
