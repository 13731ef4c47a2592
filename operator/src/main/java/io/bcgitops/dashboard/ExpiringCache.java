package io.bcgitops.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A map whose entries are forgotten after a while, and the least recently used first once it holds {@code
 * maxEntries}: what it caches for viewers (their tokens' reviews, their permissions, an app's events) costs at most
 * that many entries, whoever asks.
 */
final class ExpiringCache<K, V> {
  private record Entry<V>(V value, long expiresAtMillis) {
  }

  private final Clock clock;
  private final int maxEntries;
  private final Map<K, Entry<V>> entries;

  ExpiringCache(Clock clock, int maxEntries) {
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
        return size() > ExpiringCache.this.maxEntries;
      }
    };
  }

  /** The value cached for {@code key}, else {@code load}'s, kept for the time {@code ttl} gives it. */
  V get(K key, Function<K, V> load, Function<V, Duration> ttl) {
    long now = clock.millis();
    synchronized (this) {
      Entry<V> entry = entries.get(key);
      if (entry != null && entry.expiresAtMillis() > now) {
        return entry.value();
      }
    }
    // Loaded outside the lock: a slow API server delays this viewer only. Two loading at once both ask.
    V value = load.apply(key);
    synchronized (this) {
      entries.put(key, new Entry<>(value, clock.millis() + ttl.apply(value).toMillis()));
    }
    return value;
  }

  /** The value cached for {@code key}; null when there is none, or it expired. */
  synchronized V peek(K key) {
    Entry<V> entry = entries.get(key);
    return entry != null && entry.expiresAtMillis() > clock.millis() ? entry.value() : null;
  }

  synchronized void put(K key, V value, Duration ttl) {
    entries.put(key, new Entry<>(value, clock.millis() + ttl.toMillis()));
  }

  synchronized void remove(K key) {
    entries.remove(key);
  }

  synchronized int size() {
    return entries.size();
  }
}
