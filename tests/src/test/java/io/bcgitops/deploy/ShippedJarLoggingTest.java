package io.bcgitops.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log lines of the jar that ships, as README's "Logs" describes them: the jar's own logging (set up in code,
 * io.bcgitops.cli.Logging) must be found in the shaded jar, or Logback falls back to printing every library's
 * DEBUG lines. Run with the runtime host, the command that logs at start and keeps running.
 */
class ShippedJarLoggingTest {
  private static final Pattern TEXT_LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* (INFO |WARN |ERROR) \\S+ - .*");
  private static final String STARTED = "runtime host listening on";

  @TempDir
  Path dir;

  @Test
  void theJarLogsOneTextLinePerEventTheOperatorsAtInfoTheLibrariesAtWarn() throws Exception {
    List<String> lines = startHostAndReadLog(Map.of(), List.of());

    for (String line : lines) {
      assertTrue(TEXT_LINE.matcher(line).matches(), "not a log line as README shows it: " + line + "\n" + lines);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO ") && l.contains(STARTED)), lines.toString());
    assertFalse(lines.stream().anyMatch(l -> l.contains("DEBUG")), lines.toString());
  }

  @Test
  void withTheJsonFormatEachLineIsOneObject() throws Exception {
    List<String> lines = startHostAndReadLog(Map.of("BCGITOPS_LOG_FORMAT", "json"), List.of());

    JsonMapper json = JsonMapper.builder().build();
    boolean started = false;
    for (String line : lines) {
      JsonNode event = json.readTree(line);
      assertTrue(List.of("INFO", "WARN", "ERROR").contains(event.path("level").asText()), line);
      started |= event.path("formattedMessage").asText().startsWith(STARTED);
    }
    assertTrue(started, lines.toString());
  }

  @Test
  void aLogbackFileOfTheUsersOwnReplacesTheBuiltInSetup() throws Exception {
    Path file = Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>MINE %level %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);

    List<String> lines = startHostAndReadLog(Map.of("BCGITOPS_LOG_FORMAT", "json"),
        List.of("-Dlogback.configurationFile=" + file));

    assertTrue(lines.stream().anyMatch(l -> l.startsWith("MINE INFO " + STARTED)), lines.toString());
  }

  /**
   * The runtime host from the jar, with {@code jvmOptions}, until it has said it listens; what it printed by then,
   * line by line.
   */
  private List<String> startHostAndReadLog(Map<String, String> env, List<String> jvmOptions) throws Exception {
    Path digest = Files.writeString(dir.resolve("token.sha256"), "0".repeat(64));
    Path log = dir.resolve("host.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", ShippedJar.path().toString(), "runtime-host", "--port", "0", "--health-port", "0",
        "--bind", "127.0.0.1", "--dir", Files.createDirectories(dir.resolve("apps")).toString(),
        "--token-sha256-file", digest.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(env);
    Process host = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        String printed = Files.readString(log);
        if (printed.contains(STARTED)) {
          return printed.lines().toList();
        }
        if (!host.isAlive()) {
          fail("the runtime host exited with " + host.exitValue() + ":\n" + printed);
        }
        Thread.sleep(50);
      }
      return fail("the runtime host did not start within 30 s:\n" + Files.readString(log));
    } finally {
      host.destroyForcibly().waitFor();
    }
  }
}
