package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeHostCommandTest {

  @TempDir
  Path tmp;

  @Test
  void refusesToStartWithoutATokenDigestToCheck() throws Exception {
    Path missing = tmp.resolve("missing");
    assertEquals(missing + " does not exist", failure(missing, Map.of()));
    Path plain = Files.writeString(tmp.resolve("plain"), "a-token-not-its-digest\n");
    assertEquals(plain + " holds no SHA-256 (64 hex digits)", failure(plain, Map.of()));
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertEquals(empty + " holds no token (one line of printable ASCII)", failure(empty, Map.of()));
  }

  @Test
  void refusesToStartWithTheTokenInItsEnvironmentWhereEveryAppReadsIt() throws Exception {
    Path digest = Files.writeString(tmp.resolve("digest"), "a".repeat(64));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RuntimeHostCommand.run(new String[] {"--port", "0", "--token-sha256-file", digest.toString()},
        Map.of(RuntimeApi.LEGACY_TOKEN_ENV, "the-old-way"), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("BCGITOPS_RUNTIME_TOKEN is set: every app of the host could read it"), said);
    assertFalse(said.contains("the-old-way"), said);
  }

  /** What runtime-host says, after "--token-sha256-file: ", when it exits 2 for its token file. */
  private static String failure(Path file, Map<String, String> env) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RuntimeHostCommand.run(new String[] {"--port", "0", "--token-sha256-file", file.toString()}, env,
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String said = err.toString(StandardCharsets.UTF_8).strip();
    String prefix = "runtime-host: --token-sha256-file: ";
    String suffix = "; the host serves its API only with a token to check";
    assertTrue(said.startsWith(prefix) && said.endsWith(suffix), said);
    return said.substring(prefix.length(), said.length() - suffix.length());
  }

  @Test
  void badArgumentsExit2WithTheUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RuntimeHostCommand.run(new String[] {"--backoff", "soon"}, Map.of(),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: runtime-host"), err.toString());
  }

  @Test
  void optionsHaveTheDocumentedDefaults() {
    RuntimeHostCommand.Options defaults = RuntimeHostCommand.parse(new String[0]);
    assertEquals(9090, defaults.port());
    assertEquals("0.0.0.0", defaults.bind());
    assertEquals(Path.of("/apps"), defaults.settings().dir());
    assertEquals(Backoff.DEFAULT, defaults.settings().backoff());
    assertEquals(Duration.ofSeconds(30), defaults.settings().startupWindow());
    assertEquals(Duration.ofSeconds(5), defaults.settings().stopTimeout());
    assertEquals(Path.of("/var/run/bcgitops/token/host-token-sha256"), defaults.tokenSha256File());

    RuntimeHostCommand.Options fast = RuntimeHostCommand.parse(new String[] {"--port=0", "--dir", "/tmp/x",
        "--backoff", "100ms", "--backoff-max", "2s", "--startup-window", "1s", "--stop-timeout", "500ms"});
    assertEquals(0, fast.port());
    assertEquals(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), fast.settings().backoff());
    assertEquals(Duration.ofSeconds(1), fast.settings().startupWindow());
    assertThrows(IllegalArgumentException.class, () -> RuntimeHostCommand.parse(new String[] {"--nope", "1"}));
    assertThrows(IllegalArgumentException.class, () -> RuntimeHostCommand.parse(new String[] {"--port", "70000"}));
    assertThrows(IllegalArgumentException.class, () -> RuntimeHostCommand.parse(new String[] {"--backoff", "0s"}));
  }
}
