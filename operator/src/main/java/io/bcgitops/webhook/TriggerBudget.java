package io.bcgitops.webhook;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many reconciles webhooks may still ask of each source: a token bucket per source, of {@code burst} triggers,
 * refilled by one every {@code refill}. A source over it is still fetched at its interval; webhooks only bring a
 * fetch forward. At most {@code sources} buckets are kept (the least recently used forgotten, so full, first).
 * The dashboard bounds its TokenReviews with one too (one bucket for all).
 */
public final class TriggerBudget {
  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public TriggerBudget(int sources, int burst, Duration refill, LongSupplier nanos) {
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.nanos = nanos;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > sources;
      }
    };
  }

  /** How a take went: taken, or refused with the wait until the next trigger is allowed. */
  public record Take(boolean taken, Duration retryAfter) {
  }

  public synchronized Take take(String source) {
    long now = nanos.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, now));
    bucket.tokens = Math.min(burst, bucket.tokens + (double) (now - bucket.at) / refillNanos);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return new Take(true, Duration.ZERO);
    }
    return new Take(false, Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * refillNanos)));
  }

  /** The limit, in words: "3 triggers, then one every 20 s". */
  String describe() {
    return burst + " triggers, then one every " + Duration.ofNanos(refillNanos).toSeconds() + " s";
  }
}
