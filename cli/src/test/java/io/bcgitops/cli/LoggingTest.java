package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {
  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent event = new LoggingEvent("test", context.getLogger("io.bcgitops.controller.GitOpsSourceReconciler"),
        Level.WARN, "GitOpsSource {}/{}: fetch failed\nsecond line", null, new Object[] {"shop", "web"});

    String line = new String(Logging.jsonEncoder(context).encode(event), StandardCharsets.UTF_8);

    assertEquals(1, line.strip().lines().count(), line);
    JsonNode json = JsonMapper.builder().build().readTree(line);
    assertEquals("WARN", json.get("level").asText());
    assertEquals("io.bcgitops.controller.GitOpsSourceReconciler", json.get("loggerName").asText());
    assertEquals("GitOpsSource shop/web: fetch failed\nsecond line", json.get("formattedMessage").asText());
    assertFalse(json.has("sequenceNumber"));
  }
}
