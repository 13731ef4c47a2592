package io.bcgitops.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The jar's logging, set up in code (Logback finds it as a {@link Configurator} service): the operator's lines at
 * INFO, the libraries' at WARN, one line each on standard output, as text or, with BCGITOPS_LOG_FORMAT=json, as
 * one JSON object. In code rather than in a logback.xml because reading XML loads Logback's configuration
 * language, about 300 classes the operator's JVM then keeps for good. A Logback file of the user's own
 * ({@code -Dlogback.configurationFile}, or logback.xml or logback-test.xml on the class path) comes first.
 */
public final class Logging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || getClass().getClassLoader().getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
        || getClass().getClassLoader().getResource(ContextInitializer.AUTOCONFIG_FILE) != null) {
      return ExecutionStatus.NEUTRAL;
    }
    configure(context, System.getenv());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void configure(LoggerContext context, Map<String, String> env) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder("json".equalsIgnoreCase(env.getOrDefault("BCGITOPS_LOG_FORMAT", "text"))
        ? jsonEncoder(context) : textEncoder(context));
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
    context.getLogger("io.bcgitops").setLevel(Level.INFO);
  }

  /** No log lines at all: for the commands whose standard output is their answer. */
  static void off() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
      context.getLogger("io.bcgitops").setLevel(Level.OFF);
    }
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    // The message as a reader sees it, not the pattern and its arguments apart; sequence numbers
    // and nanoseconds add nothing a log pipeline needs.
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.start();
    return encoder;
  }
}
