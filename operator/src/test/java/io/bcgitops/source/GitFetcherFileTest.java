package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.CommitFiles;
import io.bcgitops.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching from a repository by file URL: every kind of ref, incremental fetches, and refs that vanish. */
class GitFetcherFileTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path temp;

  private final GitFetcher fetcher = new GitFetcher();
  private TestRepo repo;
  private Path cache;

  @BeforeEach
  void setUp() {
    repo = TestRepo.create(temp.resolve("remote"));
    cache = temp.resolve("cache");
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  /** The last revision fetched: what read and exists look at. */
  private FetchedRevision last;

  private FetchedRevision fetch(GitReference ref) throws GitFetchException {
    last = fetcher.fetch(repo.fileUrl(), ref, GitCredentials.NONE, TIMEOUT, cache);
    return last;
  }

  private String read(String path) throws Exception {
    return CommitFiles.read(last, path);
  }

  private boolean exists(String path) throws Exception {
    return CommitFiles.exists(last, path);
  }

  @Test
  void branchMainIsCheckedOutWithItsRevision() throws Exception {
    repo.write("apps/web/app.yaml", "name: web\n").write("README.md", "hello\n");
    String sha = repo.commit("first");

    FetchedRevision fetched = fetch(GitReference.branch("main"));

    assertEquals("main@sha1:" + sha, fetched.revision());
    assertEquals(sha, fetched.commit());
    assertEquals("main@" + sha.substring(0, 7), fetched.shortRevision());
    assertEquals(cache, fetched.repository());
    assertEquals("name: web\n", read("apps/web/app.yaml"));
    assertEquals("hello\n", read("README.md"));
  }

  @Test
  void defaultReferenceIsBranchMain() throws Exception {
    repo.write("a.txt", "a");
    String sha = repo.commit("first");

    FetchedRevision fetched = fetch(GitReference.of(null));

    assertEquals("main@sha1:" + sha, fetched.revision());
  }

  @Test
  void secondFetchIsIncrementalInTheSameDirectory() throws Exception {
    repo.write("keep.txt", "v1").write("gone.txt", "bye");
    String first = repo.commit("first");
    FetchedRevision one = fetch(GitReference.branch("main"));
    assertEquals("main@sha1:" + first, one.revision());
    assertTrue(exists("gone.txt"));

    repo.write("keep.txt", "v2").write("new/added.txt", "new").delete("gone.txt");
    String second = repo.commit("second");
    FetchedRevision two = fetch(GitReference.branch("main"));

    assertEquals("main@sha1:" + second, two.revision());
    assertEquals(one.repository(), two.repository());
    assertEquals("v2", read("keep.txt"));
    assertEquals("new", read("new/added.txt"));
    assertFalse(exists("gone.txt"), "a file deleted in git is gone from the new revision");
  }

  @Test
  void theCacheHoldsTheLastTipAloneHoweverManyFetches() throws Exception {
    // The attack: each push replaces a large file; with the history kept (and gc keeping it, as it
    // is reachable), six pushes of 12 MB grew a cache from 12 to 69 MiB.
    repo.write("app/app.yaml", "version: 0").write("app/data.txt", random(256 * 1024, 0));
    repo.commit("first");
    fetch(GitReference.branch("main"));
    for (int i = 1; i <= 6; i++) {
      repo.write("app/app.yaml", "version: " + i).write("app/data.txt", random(256 * 1024, i));
      String sha = repo.commit("commit " + i);
      FetchedRevision fetched = fetch(GitReference.branch("main"));
      assertEquals("main@sha1:" + sha, fetched.revision());
      assertEquals("version: " + i, read("app/app.yaml"));
    }

    try (var files = Files.list(cache.resolve("objects/pack"))) {
      assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".pack")).count(), "one pack");
    }
    long bytes;
    try (var files = Files.walk(cache)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    assertTrue(bytes < 300 * 1024, "the cache holds one tip of 256 KiB, not seven: " + bytes + " bytes");
    assertFalse(Files.exists(cache.resolveSibling("cache.next")), "nothing is left beside the cache");
  }

  /** Text that does not compress. */
  private static String random(int size, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder out = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      out.append((char) ('!' + random.nextInt(90)));
    }
    return out.toString();
  }

  @Test
  void unchangedBranchGivesTheSameRevisionAgain() throws Exception {
    repo.write("a.txt", "a");
    String sha = repo.commit("first");

    assertEquals("main@sha1:" + sha, fetch(GitReference.branch("main")).revision());
    assertEquals("main@sha1:" + sha, fetch(GitReference.branch("main")).revision());
  }

  @Test
  void otherBranch() throws Exception {
    repo.write("a.txt", "main");
    repo.commit("first");
    repo.branch("staging");
    repo.checkout("staging");
    repo.write("a.txt", "staging");
    String staging = repo.commit("on staging");
    repo.checkout("main");

    FetchedRevision fetched = fetch(GitReference.branch("staging"));

    assertEquals("staging@sha1:" + staging, fetched.revision());
    assertEquals("staging", read("a.txt"));
  }

  @Test
  void lightweightTag() throws Exception {
    repo.write("a.txt", "one");
    String tagged = repo.commit("first");
    repo.tag("v1.0.0");
    repo.write("a.txt", "two");
    repo.commit("second");

    FetchedRevision fetched = fetch(new GitReference(GitReference.Kind.TAG, "v1.0.0"));

    assertEquals("v1.0.0@sha1:" + tagged, fetched.revision());
    assertEquals("one", read("a.txt"));
  }

  @Test
  void annotatedTagIsPeeledToItsCommit() throws Exception {
    repo.write("a.txt", "one");
    String tagged = repo.commit("first");
    repo.annotatedTag("v1.0.0");
    String tagObject = repo.repository().exactRef("refs/tags/v1.0.0").getObjectId().name();
    assertNotEquals(tagged, tagObject, "an annotated tag is an object of its own");
    repo.write("a.txt", "two");
    repo.commit("second");

    FetchedRevision fetched = fetch(new GitReference(GitReference.Kind.TAG, "v1.0.0"));

    assertEquals("v1.0.0@sha1:" + tagged, fetched.revision());
    assertEquals(tagged, fetched.commit());
    assertEquals("one", read("a.txt"));
  }

  @Test
  void tagMovedInTheRemoteIsFollowed() throws Exception {
    repo.write("a.txt", "one");
    String first = repo.commit("first");
    repo.tag("stable");
    GitReference stable = new GitReference(GitReference.Kind.TAG, "stable");
    assertEquals("stable@sha1:" + first, fetch(stable).revision());

    repo.write("a.txt", "two");
    String second = repo.commit("second");
    repo.tag("stable");
    FetchedRevision fetched = fetch(stable);

    assertEquals("stable@sha1:" + second, fetched.revision());
    assertEquals("two", read("a.txt"));
  }

  @Test
  void unknownTagIsRefNotFound() throws Exception {
    repo.write("a.txt", "one");
    repo.commit("first");

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(new GitReference(GitReference.Kind.TAG, "v9.9.9")));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("v9.9.9"), e.getMessage());
  }

  @Test
  void semverRangePicksTheHighestMatchingTag() throws Exception {
    repo.write("a.txt", "1.0.0");
    repo.commit("1.0.0");
    repo.tag("v1.0.0");
    repo.write("a.txt", "1.2.0");
    String v12 = repo.commit("1.2.0");
    repo.annotatedTag("v1.2.0");
    repo.write("a.txt", "1.1.0");
    repo.commit("1.1.0 (tagged after 1.2.0)");
    repo.tag("v1.1.0");
    repo.write("a.txt", "2.0.0");
    repo.commit("2.0.0");
    repo.tag("v2.0.0");
    repo.tag("not-a-version");

    FetchedRevision fetched = fetch(new GitReference(GitReference.Kind.SEMVER, ">=1.0.0 <2.0.0"));

    assertEquals("v1.2.0@sha1:" + v12, fetched.revision());
    assertEquals("1.2.0", read("a.txt"));
  }

  @Test
  void semverRangeSkipsPreReleasesAndTagsWithoutV() throws Exception {
    repo.write("a.txt", "1.1.0");
    String v11 = repo.commit("1.1.0");
    repo.tag("1.1.0");
    repo.write("a.txt", "1.2.0-rc.1");
    repo.commit("1.2.0-rc.1");
    repo.tag("v1.2.0-rc.1");

    FetchedRevision fetched = fetch(new GitReference(GitReference.Kind.SEMVER, ">=1.0.0 <2.0.0"));

    assertEquals("1.1.0@sha1:" + v11, fetched.revision());
  }

  @Test
  void semverRangeWithoutMatchIsRefNotFoundNamingTheRange() throws Exception {
    repo.write("a.txt", "1");
    repo.commit("first");
    repo.tag("v1.0.0");

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(new GitReference(GitReference.Kind.SEMVER, ">=3.0.0")));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains(">=3.0.0"), e.getMessage());
  }

  @Test
  void semverIgnoresATagDeletedInTheRemote() throws Exception {
    repo.write("a.txt", "1.0.0");
    String v1 = repo.commit("1.0.0");
    repo.tag("v1.0.0");
    repo.write("a.txt", "1.1.0");
    repo.commit("1.1.0");
    repo.tag("v1.1.0");
    GitReference range = new GitReference(GitReference.Kind.SEMVER, "1.x");
    assertTrue(fetch(range).revision().startsWith("v1.1.0@"));

    repo.deleteTag("v1.1.0");
    FetchedRevision fetched = fetch(range);

    assertEquals("v1.0.0@sha1:" + v1, fetched.revision());
    assertEquals("1.0.0", read("a.txt"));
  }

  @Test
  void invalidSemverRangeIsAnErrorNamingTheRange() throws Exception {
    repo.write("a.txt", "1");
    repo.commit("first");
    repo.tag("v1.0.0");

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(new GitReference(GitReference.Kind.SEMVER, "not a range!")));

    assertEquals(GitFetchException.Kind.INVALID_REF, e.kind());
    assertTrue(e.getMessage().contains("not a range!"), e.getMessage());
  }

  @Test
  void refsThatCannotNameAnythingAreInvalidBeforeAnyFetch() {
    for (GitReference ref : List.of(new GitReference(GitReference.Kind.SEMVER, ""),
        new GitReference(GitReference.Kind.COMMIT, "abc123"),
        new GitReference(GitReference.Kind.BRANCH, "bad..name"),
        new GitReference(GitReference.Kind.TAG, "v1 .0"))) {
      GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(ref));
      assertEquals(GitFetchException.Kind.INVALID_REF, e.kind(), ref.toString());
      assertTrue(e.getMessage().contains(ref.value()), e.getMessage());
    }
    assertFalse(Files.exists(cache), "nothing is fetched for an invalid ref");
  }

  @Test
  void staleLocksLeftByACrashDoNotPinAnOldCommit() throws Exception {
    repo.write("a.txt", "one");
    repo.commit("first");
    fetch(GitReference.branch("main"));
    Files.writeString(cache.resolve("HEAD.lock"), "");
    Files.writeString(cache.resolve("config.lock"), "");
    Path next = cache.resolveSibling("cache.next");
    Files.createDirectories(next.resolve("objects"));
    Files.writeString(next.resolve("config.lock"), "");
    repo.write("a.txt", "two");
    String second = repo.commit("second");

    FetchedRevision fetched = fetch(GitReference.branch("main"));

    assertEquals("main@sha1:" + second, fetched.revision());
    assertEquals("two", read("a.txt"));
  }

  @Test
  void aNewUrlStartsAFreshCacheSoNothingOfTheOldRepositoryResolves() throws Exception {
    repo.write("a.txt", "fork");
    String forkCommit = repo.commit("only in the fork");
    fetch(new GitReference(GitReference.Kind.COMMIT, forkCommit));
    TestRepo upstream = TestRepo.create(cache.getParent().resolve("upstream"));
    upstream.write("a.txt", "upstream");
    upstream.commit("upstream");

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetcher.fetch(upstream.fileUrl(),
        new GitReference(GitReference.Kind.COMMIT, forkCommit), GitCredentials.NONE, TIMEOUT, cache));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
  }

  @Test
  void aCorruptCacheIsClonedAgain() throws Exception {
    repo.write("a.txt", "one");
    repo.commit("first");
    fetch(GitReference.branch("main"));
    Files.writeString(cache.resolve("HEAD"), "garbage");
    Files.delete(cache.resolve("config"));
    repo.write("a.txt", "two");
    String second = repo.commit("second");

    FetchedRevision fetched = fetch(GitReference.branch("main"));

    assertEquals("main@sha1:" + second, fetched.revision());
    assertEquals("two", read("a.txt"));
  }

  @Test
  void commitRefGivesPlainShaRevision() throws Exception {
    repo.write("a.txt", "one");
    String first = repo.commit("first");
    repo.write("a.txt", "two");
    repo.commit("second");

    FetchedRevision fetched = fetch(new GitReference(GitReference.Kind.COMMIT, first));

    assertEquals("sha1:" + first, fetched.revision());
    assertEquals(first.substring(0, 7), fetched.shortRevision());
    assertEquals("one", read("a.txt"));
  }

  @Test
  void unknownCommitIsRefNotFound() throws Exception {
    repo.write("a.txt", "one");
    repo.commit("first");
    String unknown = "0123456789abcdef0123456789abcdef01234567";

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(new GitReference(GitReference.Kind.COMMIT, unknown)));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains(unknown), e.getMessage());
  }

  @Test
  void abbreviatedCommitIsAnInvalidRef() throws Exception {
    repo.write("a.txt", "one");
    String sha = repo.commit("first");

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetch(new GitReference(GitReference.Kind.COMMIT, sha.substring(0, 7))));

    assertEquals(GitFetchException.Kind.INVALID_REF, e.kind());
    assertTrue(e.getMessage().contains(sha.substring(0, 7)), e.getMessage());
  }

  @Test
  void unknownBranchIsRefNotFoundNamingTheBranch() throws Exception {
    repo.write("a.txt", "one");
    repo.commit("first");

    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(GitReference.branch("nope")));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void deletedBranchIsRefNotFoundAndLeavesTheWorktreeAlone() throws Exception {
    repo.write("a.txt", "main");
    repo.commit("first");
    repo.branch("feature");
    repo.checkout("feature");
    repo.write("a.txt", "feature").write("feature.txt", "f");
    String feature = repo.commit("feature work");
    repo.checkout("main");
    FetchedRevision before = fetch(GitReference.branch("feature"));
    assertEquals("feature@sha1:" + feature, before.revision());

    repo.deleteBranch("feature");
    GitFetchException e = assertThrows(GitFetchException.class, () -> fetch(GitReference.branch("feature")));

    assertEquals(GitFetchException.Kind.REF_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("feature"), e.getMessage());
    assertEquals("feature", read("a.txt"));
    assertEquals("f", read("feature.txt"));
  }

  @Test
  void forcePushedBranchGivesTheNewCommitAndItsFiles() throws Exception {
    repo.write("a.txt", "base");
    String base = repo.commit("base");
    repo.write("a.txt", "old").write("old.txt", "old");
    String old = repo.commit("to be rewritten");
    assertEquals("main@sha1:" + old, fetch(GitReference.branch("main")).revision());

    repo.resetHard(base);
    repo.write("a.txt", "rewritten").write("new.txt", "new");
    String rewritten = repo.commit("rewritten history");
    FetchedRevision fetched = fetch(GitReference.branch("main"));

    assertEquals("main@sha1:" + rewritten, fetched.revision());
    assertEquals("rewritten", read("a.txt"));
    assertEquals("new", read("new.txt"));
    assertFalse(exists("old.txt"));
  }

  @Test
  void everyFetchTakesTheTipWithoutTheHistoryBeforeIt() throws Exception {
    repo.write("a.txt", "one");
    String first = repo.commit("first");
    repo.write("a.txt", "two");
    String second = repo.commit("second");

    fetch(GitReference.branch("main"));
    repo.write("a.txt", "three");
    String third = repo.commit("third");
    fetch(GitReference.branch("main"));

    try (Repository cached = new FileRepositoryBuilder().setGitDir(cache.toFile()).setBare().build()) {
      assertFalse(cached.getObjectDatabase().has(ObjectId.fromString(first)),
          "the history is not fetched: it would grow every fetch with the repository's age");
      assertFalse(cached.getObjectDatabase().has(ObjectId.fromString(second)), "nor kept from the last fetch");
      assertTrue(cached.getObjectDatabase().has(ObjectId.fromString(third)));
    }
  }

  @Test
  void aCommitOlderThanTheFirstFetchIsFetchedWhenAskedFor() throws Exception {
    repo.write("a.txt", "one");
    String first = repo.commit("first");
    repo.write("a.txt", "two");
    repo.commit("second");
    fetch(GitReference.branch("main"));

    assertEquals("sha1:" + first, fetch(new GitReference(GitReference.Kind.COMMIT, first)).revision());
    assertEquals("one", read("a.txt"));
  }

  @Test
  void aForcePushOntoHistoryTheFirstFetchLeftOutIsFollowed() throws Exception {
    repo.write("a.txt", "base");
    String base = repo.commit("base");
    repo.write("a.txt", "old");
    repo.commit("to be rewritten");
    fetch(GitReference.branch("main"));

    // The new commit's parent, and its a.txt, are in no commit the cache holds; the remote takes
    // them for known, as they are older than the cache's commit.
    repo.resetHard(base);
    repo.write("c.txt", "new");
    String rewritten = repo.commit("rewritten");

    assertEquals("main@sha1:" + rewritten, fetch(GitReference.branch("main")).revision());
    assertEquals("base", read("a.txt"));
    assertEquals("new", read("c.txt"));
  }

  @Test
  void switchingRefKindsInOneCacheWorks() throws Exception {
    repo.write("a.txt", "one");
    String first = repo.commit("first");
    repo.tag("v1.0.0");
    repo.write("a.txt", "two");
    String second = repo.commit("second");

    assertEquals("main@sha1:" + second, fetch(GitReference.branch("main")).revision());
    assertEquals("v1.0.0@sha1:" + first, fetch(new GitReference(GitReference.Kind.TAG, "v1.0.0")).revision());
    assertEquals("one", read("a.txt"));
    assertEquals("sha1:" + second, fetch(new GitReference(GitReference.Kind.COMMIT, second)).revision());
    assertEquals("two", read("a.txt"));
  }

  @Test
  void missingRepositoryIsFetchError() {
    String url = "file://" + temp.resolve("does-not-exist").toAbsolutePath();

    GitFetchException e = assertThrows(GitFetchException.class,
        () -> fetcher.fetch(url, GitReference.branch("main"), GitCredentials.NONE, TIMEOUT, cache));

    assertEquals(GitFetchException.Kind.FETCH, e.kind());
  }
}
