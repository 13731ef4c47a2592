package io.bcgitops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Starting and stopping the browser harness: the test skipped without Chromium, bounded launch and
 * commands, nothing left behind. Stand-in browsers are shell scripts, so those tests need no Chromium.
 */
class ChromiumLaunchTest {
  private static final Duration SHORT = Duration.ofSeconds(5);
  private static final URI PAGE = URI.create("data:text/html,%3Cp%3Ea%20page%3C/p%3E");

  @Test
  void closeStopsTheBrowserAndEveryProcessItStartedAndDeletesItsProfile() {
    Chromium other = Chromium.launch();
    other.open(PAGE, 400, 300);
    List<ProcessHandle> tree = other.process().descendants().toList();
    Path home = other.home();
    assertFalse(tree.isEmpty(), "a browser runs a few processes");

    other.close();

    assertFalse(other.process().isAlive());
    assertEquals(List.of(), tree.stream().filter(Chromium::running).toList());
    assertFalse(Files.exists(home), home.toString());
    other.close(); // twice is fine
  }

  @Test
  void aPageThatDoesNotAnswerFailsTheCallAtItsTimeout() {
    try (Chromium impatient = Chromium.launch(Chromium.executable(), SHORT, Duration.ofSeconds(1))) {
      Chromium.Page stuck = impatient.open(PAGE, 400, 300);

      long start = System.nanoTime();
      IllegalStateException timeout = assertThrows(IllegalStateException.class,
          () -> stuck.evaluate("for (;;) {}"));

      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3000, "bounded by the call timeout");
      assertTrue(timeout.getMessage().startsWith("Chromium did not answer Runtime.evaluate within 1 s"),
          timeout.getMessage());
    }
  }

  @Test
  void withoutChromiumTheTestIsSkippedSayingWhy() {
    TestAbortedException skipped = assertThrows(TestAbortedException.class,
        () -> Chromium.launch(Path.of("/nowhere/chromium"), SHORT, SHORT));

    assertEquals("Assumption failed: no Chromium at /nowhere/chromium ($BCGITOPS_CHROMIUM): browser tests need"
        + " Debian's chromium package, which .ci/run installs; skipped", skipped.getMessage());
  }

  @Test
  void aBrowserThatExitsFailsWithItsStderr(@TempDir Path dir) throws IOException {
    Path executable = script(dir, "echo 'cannot open the display' >&2; exit 3");

    IllegalStateException error = assertThrows(IllegalStateException.class,
        () -> Chromium.launch(executable, SHORT, SHORT));

    assertEquals(executable + " exited with 3 before DevTools listened; Chromium's stderr ends with:\n"
        + "  cannot open the display", error.getMessage());
  }

  @Test
  void aBrowserThatNeverComesUpIsStoppedAtTheLaunchTimeout(@TempDir Path dir) throws IOException {
    Path pid = dir.resolve("pid");
    Path executable = script(dir, "echo $$ > " + pid + "; echo 'still starting' >&2; exec sleep 60");

    long start = System.nanoTime();
    IllegalStateException error = assertThrows(IllegalStateException.class,
        () -> Chromium.launch(executable, Duration.ofSeconds(1), SHORT));

    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 4000, "bounded by the launch timeout");
    assertEquals(executable + " did not open DevTools within 1 s; Chromium's stderr ends with:\n  still starting",
        error.getMessage());
    long sleeper = Long.parseLong(Files.readString(pid).strip());
    assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "stopped");
  }

  private static Path script(Path dir, String body) throws IOException {
    Path script = dir.resolve("chromium");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

}
