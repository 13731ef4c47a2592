package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LoggingTest {
  @Test
  void logbackFindsTheJarsLoggingAsAConfigurator() {
    assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == Logging.class));
  }

  @Test
  void aLogbackFileOfTheUsersOwnComesFirst() {
    // This module's tests have logback-test.xml on their class path, as a user's file would be.
    assertEquals(ExecutionStatus.NEUTRAL, new Logging().configure(new LoggerContext()));
  }

  @Test
  void theOperatorLogsAtInfoTheLibrariesAtWarnOneTextLineEach() {
    List<String> lines = printed(Map.of(), context -> {
      context.getLogger("io.bcgitops.controller.GitOpsSourceReconciler").info("GitOpsSource {}/{}: applied", "shop",
          "web");
      context.getLogger("io.bcgitops.controller.GitOpsSourceReconciler").debug("not shown");
      context.getLogger("io.fabric8.kubernetes.client.informers").info("not shown either");
      context.getLogger("io.fabric8.kubernetes.client.informers").warn("watch closed");
    });

    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* INFO  "
        + "i\\.b\\.c\\.GitOpsSourceReconciler - GitOpsSource shop/web: applied"), lines.get(0));
    assertTrue(lines.get(1).endsWith(" WARN  i.f.k.client.informers - watch closed"), lines.get(1));
  }

  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    List<String> lines = printed(Map.of("BCGITOPS_LOG_FORMAT", "json"), context -> context
        .getLogger("io.bcgitops.controller.GitOpsSourceReconciler")
        .warn("GitOpsSource {}/{}: fetch failed\nsecond line", "shop", "web"));

    assertEquals(1, lines.size(), lines.toString());
    JsonNode json = JsonMapper.builder().build().readTree(lines.get(0));
    assertEquals("WARN", json.get("level").asText());
    assertEquals("io.bcgitops.controller.GitOpsSourceReconciler", json.get("loggerName").asText());
    assertEquals("GitOpsSource shop/web: fetch failed\nsecond line", json.get("formattedMessage").asText());
    assertFalse(json.has("sequenceNumber"));
    assertFalse(json.has("arguments"));
  }

  /** What a fresh context set up by {@link Logging} with {@code env} prints on standard output while {@code logs} runs. */
  private static List<String> printed(Map<String, String> env, Consumer<LoggerContext> logs) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // as Logback's own provider does for the context it makes
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Logging.configure(context, env);
      logs.accept(context);
    } finally {
      context.stop();
      System.setOut(stdout);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
