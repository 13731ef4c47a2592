package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HumanAgeTest {

  @ParameterizedTest(name = "{0}s reads {1}")
  @CsvSource({
      "0, 0s", "5, 5s", "119, 119s", "120, 2m", "185, 3m5s", "600, 10m", "10799, 179m", "10800, 3h",
      "12600, 3h30m", "28800, 8h", "172799, 47h", "172800, 2d", "190800, 2d5h", "691200, 8d", "62985600, 729d",
      "63072000, 2y", "63936000, 2y10d", "283824000, 9y", "-1, 0s", "-5, <invalid>"})
  void agesReadAsOnACluster(long seconds, String shown) {
    assertEquals(shown, HumanAge.of(Duration.ofSeconds(seconds)));
  }

  @Test
  void aTimestampIsReadAsItsAge() {
    Instant now = Instant.parse("2025-01-10T12:00:00Z");
    assertEquals("2d", HumanAge.since("2025-01-08T12:00:00Z", now));
    assertEquals("<invalid>", HumanAge.since("yesterday", now));
  }
}
