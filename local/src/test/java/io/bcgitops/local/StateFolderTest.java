package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFolderTest {
  @TempDir
  Path tmp;

  @Test
  void aNewFolderIsTheOwnersOnlyAndAPreviousRunsPodsAreGoneButTheGitCacheStays() throws Exception {
    Path dir = tmp.resolve("state");
    try (StateFolder state = StateFolder.open(dir)) {
      Files.createDirectories(state.node().resolve("pods/default/web-1"));
      Files.createDirectories(state.gitCache().resolve("source"));
    }
    try (StateFolder state = StateFolder.open(dir)) {
      assertFalse(Files.exists(state.node()), "pods' and pools' folders are emptyDirs");
      assertTrue(Files.exists(state.gitCache().resolve("source")), "the git cache is kept");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      }
    }
  }

  @Test
  void aFolderWithOtherFilesIsRefusedAndLeftAlone() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.createDirectories(project.resolve("node/modules"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateFolder.open(project));

    assertTrue(e.getMessage().contains("not a local-mode state folder"), e.getMessage());
    assertTrue(Files.exists(project.resolve("node/modules")));
  }

  @Test
  void oneRunAtATime() throws Exception {
    assumeTrue(Files.isWritable(tmp));
    try (StateFolder first = StateFolder.open(tmp.resolve("state"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> StateFolder.open(tmp.resolve("state")));
      assertTrue(e.getMessage().contains("another local command is using"), e.getMessage());
    }
    StateFolder.open(tmp.resolve("state")).close();
  }
}
