package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesGoStyleDurations() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
    assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofMillis(90_250), Durations.parse("1m30s250ms"));
    assertEquals(Duration.ofMillis(1_500), Durations.parse("1.5s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ZERO, Durations.parse("0s"));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    for (String text : List.of("", "30", "30 s", "s", "1d", "-5s", "1m 30s", "ms", "30S", "1.s", "abc")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text),
          () -> "'" + text + "' should be rejected");
      assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("30s"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
  }

  @Test
  void formatsInTheFewestParts() {
    assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
    assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
    assertEquals("1m", Durations.format(Duration.ofSeconds(60)));
    assertEquals("1h", Durations.format(Duration.ofMinutes(60)));
    assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("25h", Durations.format(Duration.ofHours(25)));
    assertEquals("1h1s", Durations.format(Duration.ofSeconds(3601)));
    assertEquals("1s500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("0s", Durations.format(Duration.ZERO));
  }

  @Test
  void formatThenParseRoundTrips() {
    for (long millis : new long[] {1, 500, 1_000, 1_500, 30_000, 90_000, 3_600_000, 5_400_000, 3_661_001, 86_400_000}) {
      Duration duration = Duration.ofMillis(millis);
      assertEquals(duration, Durations.parse(Durations.format(duration)), () -> "round trip of " + millis + "ms");
    }
  }

  @Test
  void parseThenFormatNormalises() {
    assertEquals("1m30s", Durations.format(Durations.parse("90s")));
    assertEquals("500ms", Durations.format(Durations.parse("500ms")));
    assertEquals("1h30m", Durations.format(Durations.parse("90m")));
    assertEquals("1s", Durations.format(Durations.parse("1000ms")));
  }
}
