package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTheBaseUpToTheMax() {
    Backoff backoff = Backoff.DEFAULT;
    assertEquals(Duration.ofSeconds(1), backoff.delay(1));
    assertEquals(Duration.ofSeconds(2), backoff.delay(2));
    assertEquals(Duration.ofSeconds(4), backoff.delay(3));
    assertEquals(Duration.ofSeconds(32), backoff.delay(6));
    assertEquals(Duration.ofSeconds(60), backoff.delay(7));
    assertEquals(Duration.ofSeconds(60), backoff.delay(1000));
  }

  @Test
  void aBaseAboveTheMaxOrZeroIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
  }
}
