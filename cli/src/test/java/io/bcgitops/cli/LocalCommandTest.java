package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What `local` says about arguments it cannot use, and about a port it cannot listen on. */
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

  /** A state folder that cannot be made is one line saying so, not a stack trace. */
  @Test
  void aStateFolderThatCannotBeMadeIsOneLine() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/hello/app.yaml", "name: hello\n");
    repo.commit("hello");
    Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");

    assertEquals(1, run(repo.dir().toString(), "--state-dir", file.resolve("state").toString()));

    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).startsWith("local: cannot use " + file.resolve("state") + " as the state folder ("),
        lines.get(0));
    assertTrue(lines.get(0).endsWith("); give --state-dir a folder you can write"), lines.get(0));
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

  /**
   * A port in use is one line naming it and the option that picks another, not a stack trace. In a
   * process of its own: past its arguments `local` sends this JVM's output to its log file.
   */
  @ParameterizedTest
  @ValueSource(strings = {"--api-port", "--http-port"})
  void aTakenPortIsOneLine(String option) throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/hello/app.yaml", "name: hello\nversion: \"1.0.0\"\nsource:\n  type: maven\n"
        + "  coordinates: io.bcgitops.examples:hello\n");
    repo.commit("hello");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path console = tmp.resolve("console.txt");
      Path errors = tmp.resolve("errors.txt");
      Process local = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.bcgitops.cli.Main", "local",
          repo.dir().toString(), "--state-dir", tmp.resolve("state").toString(), option, String.valueOf(port))
          .redirectOutput(console.toFile()).redirectError(errors.toFile()).start();
      try {
        assertTrue(local.waitFor(60, TimeUnit.SECONDS), "local exits");
        assertEquals(1, local.exitValue(), () -> read(errors) + read(console));
        String what = option.equals("--api-port") ? "the local Kubernetes API" : OperatorCommand.METRICS + ", " + OperatorCommand.PROBES;
        assertEquals(List.of("local: cannot serve " + what + " on port " + port + ": another process listens there;"
            + " stop it, or set " + option + " to a free port"), Files.readAllLines(errors));
        assertFalse(read(console).contains("Exception"), () -> read(console));
      } finally {
        local.destroyForcibly();
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
