package io.bcgitops.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock only the test moves, for what expires, waits its turn or is judged by age. In UTC. */
public final class ManualClock extends Clock {
  private volatile Instant now;

  /** Starting now. */
  public ManualClock() {
    this(Instant.now());
  }

  public ManualClock(Instant start) {
    now = start;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
