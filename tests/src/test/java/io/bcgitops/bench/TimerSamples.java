package io.bcgitops.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Micrometer registry that also keeps every sample of every timer with when it was recorded: a
 * registry keeps only sums, and the benchmark must tell one reconcile from the next. The operator
 * records its whole reconciles (JOSDK's {@link #RECONCILE} timer) and its git fetches on it.
 */
final class TimerSamples extends SimpleMeterRegistry {
  /** JOSDK's timer around each call of a reconciler, the status write included. */
  static final String RECONCILE = "reconciliations.execution.duration";

  record Sample(String timer, Duration took, long endedAtNanos) {
  }

  private final List<Sample> samples = new ArrayList<>();

  @Override
  protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauses) {
    // As SimpleMeterRegistry makes its cumulative timers, recording each sample on the way.
    DistributionStatisticConfig merged = config.merge(DistributionStatisticConfig.builder()
        .expiry(SimpleConfig.DEFAULT.step()).build());
    return new CumulativeTimer(id, clock, merged, pauses, getBaseTimeUnit(), false) {
      @Override
      protected void recordNonNegative(long amount, TimeUnit unit) {
        synchronized (samples) {
          samples.add(new TimerSamples.Sample(id.getName(), Duration.ofNanos(unit.toNanos(amount)), System.nanoTime()));
        }
        super.recordNonNegative(amount, unit);
      }
    };
  }

  /** The samples of {@code timer} recorded after {@code nanos}, oldest first. */
  List<Sample> after(String timer, long nanos) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.timer().equals(timer) && s.endedAtNanos() > nanos).toList();
    }
  }
}
