package io.bcgitops.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Flux and the CRDs write them: 500ms, 30s, 1m, 1h30m. */
public final class Durations {
  /** The form of a duration, for schemas and checks. */
  public static final String PATTERN = "([0-9]+(\\.[0-9]+)?(ms|s|m|h))+";
  private static final Pattern WHOLE = Pattern.compile(PATTERN);
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {
  }

  /** Parses a duration string; throws IllegalArgumentException naming the expected form. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 500ms, 30s, 1m or 1h30m");
    }
    double millis = 0;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      double amount = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> amount;
        case "s" -> amount * 1_000;
        case "m" -> amount * 60_000;
        default -> amount * 3_600_000;
      };
    }
    return Duration.ofMillis(Math.round(millis));
  }

  public static boolean isDuration(String text) {
    return text != null && WHOLE.matcher(text).matches();
  }

  /** Formats a duration the way {@link #parse} reads it, in the fewest parts: 90s is "1m30s". */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = millis / 3_600_000;
    long minutes = millis % 3_600_000 / 60_000;
    long seconds = millis % 60_000 / 1_000;
    long rest = millis % 1_000;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    if (rest > 0) {
      out.append(rest).append("ms");
    }
    return out.toString();
  }
}
