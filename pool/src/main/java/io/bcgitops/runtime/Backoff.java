package io.bcgitops.runtime;

import java.time.Duration;

/**
 * How long a crashed app waits before its next start: base, 2 x base, 4 x base ... capped at max
 * (1s, 2s, 4s ... 60s by default). Doubling keeps a crash loop from eating the host's CPU while a
 * single crash still restarts quickly.
 */
public record Backoff(Duration base, Duration max) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  public Backoff {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("back-off needs 0 < base <= max, got " + base + " and " + max);
    }
  }

  /** The wait before the restart that follows the {@code crashes}-th crash in a row (1 = the first). */
  public Duration delay(int crashes) {
    Duration delay = base;
    for (int i = 1; i < crashes && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
