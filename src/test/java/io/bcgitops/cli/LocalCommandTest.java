package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `local` says about arguments it cannot use, before it starts anything. */
class LocalCommandTest {
  @TempDir
  Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return LocalCommand.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheOptions() throws Exception {
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--state-dir"));
  }

  @Test
  void noRepositoryIsAUsageError() throws Exception {
    assertEquals(2, run());
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("local: give one repository"), err.toString());
  }

  @Test
  void aFolderOutsideGitSaysHowToMakeItARepository() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("apps-folder"));

    assertEquals(2, run(plain.toString()));

    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not in a git repository"), err.toString());
  }

  @Test
  void twoRefsAreAUsageError() throws Exception {
    assertEquals(2, run("https://git.example.com/apps.git", "--branch", "main", "--tag", "v1"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("give at most one of [--branch, --tag]"), err.toString());
  }

  @Test
  void aBadIntervalIsAUsageError() throws Exception {
    assertEquals(2, run("https://git.example.com/apps.git", "--interval", "soon"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--interval"), err.toString());
  }
}
