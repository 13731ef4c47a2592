package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The store's latest changes in resourceVersion order, so that a watch can start where a list left off (what
 * {@code kubectl get -w} and {@code kubectl wait} do) without missing or repeating a change. The mock store's
 * own watches cannot: they start with every current object and ignore resourceVersion.
 */
final class ChangeLog {
  /**
   * One write to the store.
   *
   * @param group the API group written to ("" for core)
   * @param before the object before, null for a creation
   * @param after the object after, null for a deletion
   */
  record Change(long resourceVersion, String group, String plural, JsonNode before, JsonNode after) {
    /** The object as it is now, or as it was when it was deleted. */
    JsonNode object() {
      return after != null ? after : before;
    }
  }

  /** The changes after a resourceVersion that a watch asked for, then each new one as it is made. */
  final class Subscription implements AutoCloseable {
    private final BlockingQueue<Change> pending = new LinkedBlockingQueue<>();
    private final Predicate<Change> scope;
    /** The newest version this subscription was told of, by a change in its scope or not; guarded by the log. */
    private long toldOf;

    private Subscription(long resourceVersion, Predicate<Change> scope) {
      this.toldOf = resourceVersion;
      this.scope = scope;
    }

    /** The next change, or null if none comes within {@code timeout}. */
    Change next(Duration timeout) throws InterruptedException {
      return pending.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The version up to which {@link #next} has given every change in scope, for a watch's bookmark; empty while
     * some change waits to be taken (the bookmark would get ahead of it).
     */
    OptionalLong takenUpTo() {
      synchronized (ChangeLog.this) {
        return pending.isEmpty() ? OptionalLong.of(toldOf) : OptionalLong.empty();
      }
    }

    private void offer(Change change) {
      toldOf = change.resourceVersion();
      if (scope.test(change)) {
        pending.add(change);
      }
    }

    @Override
    public void close() {
      synchronized (ChangeLog.this) {
        subscribers.remove(this);
      }
    }
  }

  private final int capacity;
  private final Deque<Change> kept = new ArrayDeque<>();
  private final Set<Subscription> subscribers = new HashSet<>();
  /** The newest resourceVersion whose change is no longer kept. */
  private long forgotten;

  /** @param capacity how many changes to keep for watches that start in the past */
  ChangeLog(int capacity) {
    this.capacity = capacity;
  }

  /** Records a change; changes must come in increasing resourceVersion order. */
  synchronized void append(Change change) {
    kept.addLast(change);
    if (kept.size() > capacity) {
      forgotten = kept.removeFirst().resourceVersion();
    }
    subscribers.forEach(subscriber -> subscriber.offer(change));
  }

  /**
   * Subscribes to the changes in {@code scope} after {@code resourceVersion}: those already made, then the new
   * ones.
   *
   * @return empty when some of the changes after {@code resourceVersion} are no longer kept (the API server's
   *     "410 Gone": the client must list again)
   */
  synchronized Optional<Subscription> subscribe(long resourceVersion, Predicate<Change> scope) {
    if (resourceVersion < forgotten) {
      return Optional.empty();
    }
    Subscription subscription = new Subscription(resourceVersion, scope);
    kept.stream().filter(change -> change.resourceVersion() > resourceVersion).forEach(subscription::offer);
    subscribers.add(subscription);
    return Optional.of(subscription);
  }
}
