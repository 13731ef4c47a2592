package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeHostCommandTest {

  @Test
  void refusesToStartWithoutAToken() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RuntimeHostCommand.run(new String[] {"--port", "0"}, Map.of(RuntimeApi.TOKEN_ENV, " "),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("BCGITOPS_RUNTIME_TOKEN is not set"), err.toString());
  }

  @Test
  void badArgumentsExit2WithTheUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RuntimeHostCommand.run(new String[] {"--backoff", "soon"}, Map.of(RuntimeApi.TOKEN_ENV, "t"),
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
