package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryLocationTest {
  @TempDir
  Path tmp;

  @Test
  void aFolderInsideAWorkTreeIsTheWorkTreesFileUrlWithTheFolderBeforeTheAppsPath() throws Exception {
    try (TestRepo repo = TestRepo.create(tmp.resolve("project"))) {
      repo.write("examples/Gitops_Repo/apps/a/app.yaml", "name: a\n").commit("apps");
      repo.branch("work");
      repo.checkout("work");

      RepositoryLocation location = RepositoryLocation.of(repo.dir().resolve("examples/Gitops_Repo").toString(), "apps");

      assertEquals(repo.dir().toAbsolutePath().toUri().toString(), location.url());
      assertEquals("examples/Gitops_Repo/apps", location.path());
      assertEquals("work", location.ref().getBranch(), "the branch checked out there");
      assertEquals("gitops-repo", location.name());
      assertFalse(location.uncommitted());
    }
  }

  @Test
  void uncommittedChangesUnderTheAppsFolderAreNoticed() throws Exception {
    try (TestRepo repo = TestRepo.create(tmp.resolve("repo"))) {
      repo.write("apps/a/app.yaml", "name: a\n").commit("apps");
      Files.writeString(repo.dir().resolve("apps/a/app.yaml"), "name: a\nversion: \"2\"\n");

      RepositoryLocation location = RepositoryLocation.of(repo.dir().toString(), "apps");

      assertEquals("apps", location.path());
      assertTrue(location.uncommitted());
    }
  }

  @Test
  void aDetachedHeadIsFollowedAsItsCommit() throws Exception {
    try (TestRepo repo = TestRepo.create(tmp.resolve("repo"))) {
      String sha = repo.write("apps/a/app.yaml", "name: a\n").commit("apps");
      repo.checkout(sha);

      RepositoryLocation location = RepositoryLocation.of(repo.dir().toString(), "apps");

      assertEquals(sha, location.ref().getCommit());
      assertNull(location.ref().getBranch());
    }
  }

  @Test
  void aUrlIsTakenAsItIsAndNamedAfterItsLastSegment() throws Exception {
    RepositoryLocation location = RepositoryLocation.of("https://git.example.com/team/Shop-Apps.git", "deploy");

    assertEquals("https://git.example.com/team/Shop-Apps.git", location.url());
    assertEquals("deploy", location.path());
    assertNull(location.ref(), "the source's default branch");
    assertEquals("shop-apps", location.name());
  }

  @Test
  void aFolderOutsideAnyGitRepositorySaysHowToMakeItOne() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RepositoryLocation.of(plain.toString(), "apps"));

    assertTrue(e.getMessage().contains("is not in a git repository") && e.getMessage().contains("git init"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RepositoryLocation.of(tmp.resolve("missing").toString(), "apps"));
  }
}
