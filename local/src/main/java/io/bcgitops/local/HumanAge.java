package io.bcgitops.local;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An age as the API server writes it in a Table ("5s", "3m", "2d"): two or three significant figures, so that
 * {@code kubectl get} shows the same ages here as against a cluster.
 */
public final class HumanAge {
  private static final long HOURS_PER_YEAR = 24 * 365;

  private HumanAge() {
  }

  /** The age of a timestamp in RFC 3339 form, or {@code <invalid>} when it is not one. */
  public static String since(String timestamp, Instant now) {
    try {
      return of(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  static String of(Duration age) {
    long seconds = age.toSeconds();
    // Clocks a second apart still read as "now"; further into the future is an error.
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 2 * 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return withRest(minutes, "m", seconds % 60, "s");
    }
    if (minutes < 3 * 60) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      return withRest(hours, "h", minutes % 60, "m");
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 8 * 24) {
      return withRest(hours / 24, "d", hours % 24, "h");
    }
    if (hours < 2 * HOURS_PER_YEAR) {
      return hours / 24 + "d";
    }
    if (hours < 8 * HOURS_PER_YEAR) {
      return withRest(hours / HOURS_PER_YEAR, "y", (hours / 24) % 365, "d");
    }
    return hours / HOURS_PER_YEAR + "y";
  }

  private static String withRest(long value, String unit, long rest, String restUnit) {
    return rest == 0 ? value + unit : value + unit + rest + restUnit;
  }
}
