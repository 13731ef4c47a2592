package io.bcgitops.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The git fetches waiting for a fetch thread, shared fairly between namespaces (a namespace is a
 * tenant): each namespace has a queue of its own, the threads take from the namespaces in turn,
 * and no namespace runs more than its share of them at once. However many slow or hostile sources
 * one namespace holds, a fetch of another namespace waits for no more than its own turn.
 *
 * <p>A namespace queues at most {@code queued} fetches; a source that finds its namespace's queue
 * full waits in line (in the order it came) and is woken when its turn has room: its fetch is then
 * taken ahead of any source that came later, whose reconcile happens to call first. A source woken
 * that does not come back within {@link #WAKE_GRACE} (deleted, suspended) loses its place.
 *
 * <p>Not thread-safe: {@link SourceFetches} calls it under its own lock. Wake-ups are returned to
 * the caller, to run once the lock is released.
 *
 * @param <J> a fetch
 */
final class FetchQueue<J> {
  /** How long a source woken for its place in line has to come and take it. */
  static final Duration WAKE_GRACE = Duration.ofSeconds(30);

  /** What {@link #offer} did. */
  enum Offer { QUEUED, WAITS }

  private final int share;
  private final int queued;
  private final Clock clock;
  /** In the order they first had work; the threads go round them. */
  private final Map<String, Namespace<J>> namespaces = new LinkedHashMap<>();
  /** The namespace a thread took from last; the next one starts after it. */
  private String lastServed;

  private static final class Namespace<J> {
    final ArrayDeque<Entry<J>> pending = new ArrayDeque<>();
    /** Sources that found the queue full, in the order they came. */
    final LinkedHashMap<String, Waiter> waiting = new LinkedHashMap<>();
    int running;

    boolean idle() {
      return pending.isEmpty() && waiting.isEmpty() && running == 0;
    }
  }

  private record Entry<J>(String key, J job) {
  }

  private static final class Waiter {
    final Runnable wake;
    Instant wokenAt;

    Waiter(Runnable wake) {
      this.wake = wake;
    }
  }

  /**
   * @param share fetches one namespace may run at once
   * @param queued fetches one namespace may have waiting for a thread
   */
  FetchQueue(int share, int queued, Clock clock) {
    this.share = share;
    this.queued = queued;
    this.clock = clock;
  }

  /**
   * Queues a source's fetch, or puts the source in line when its namespace's queue is full (or
   * others are in line before it).
   *
   * @param key the source; it has at most one fetch here, which the caller makes sure of
   * @param wake asks the source to offer its fetch again, once it may be queued
   * @param toWake where the wake-ups this offer causes are added, to run without the caller's lock
   */
  Offer offer(String namespace, String key, J job, Runnable wake, List<Runnable> toWake) {
    Namespace<J> ns = namespaces.computeIfAbsent(namespace, n -> new Namespace<>());
    Instant now = clock.instant();
    ns.waiting.values().removeIf(w -> w.wokenAt != null && Duration.between(w.wokenAt, now).compareTo(WAKE_GRACE) > 0);
    Waiter waiter = ns.waiting.get(key);
    boolean room = ns.pending.size() < queued;
    if (room && (ns.waiting.isEmpty() || waiter != null && waiter.wokenAt != null)) {
      ns.waiting.remove(key);
      ns.pending.add(new Entry<>(key, job));
      return Offer.QUEUED;
    }
    ns.waiting.putIfAbsent(key, new Waiter(wake));
    wakeInTurn(ns, now, toWake);
    return Offer.WAITS;
  }

  /** Whether the source waits in line for room in its namespace's queue. */
  boolean waits(String namespace, String key) {
    Namespace<J> ns = namespaces.get(namespace);
    return ns != null && ns.waiting.containsKey(key);
  }

  /**
   * The next fetch to run, counted as running until {@link #done}: from the next namespace in turn
   * that has one waiting and runs fewer than its share; empty when there is none.
   */
  Optional<J> next(List<Runnable> toWake) {
    List<String> order = new ArrayList<>(namespaces.keySet());
    int start = lastServed == null ? 0 : order.indexOf(lastServed) + 1;
    for (int i = 0; i < order.size(); i++) {
      String name = order.get((start + i) % order.size());
      Namespace<J> ns = namespaces.get(name);
      if (!ns.pending.isEmpty() && ns.running < share) {
        Entry<J> entry = ns.pending.poll();
        ns.running++;
        lastServed = name;
        wakeInTurn(ns, clock.instant(), toWake);
        return Optional.of(entry.job());
      }
    }
    return Optional.empty();
  }

  /** A fetch {@link #next} gave out has ended. */
  void done(String namespace) {
    Namespace<J> ns = namespaces.get(namespace);
    ns.running--;
    forgetIfIdle(namespace, ns);
  }

  /** The source is gone: its place in line goes, and its fetch if it has not started (returned). */
  Optional<J> remove(String namespace, String key) {
    Namespace<J> ns = namespaces.get(namespace);
    if (ns == null) {
      return Optional.empty();
    }
    ns.waiting.remove(key);
    Optional<J> removed = Optional.empty();
    for (Iterator<Entry<J>> it = ns.pending.iterator(); it.hasNext(); ) {
      Entry<J> entry = it.next();
      if (entry.key().equals(key)) {
        it.remove();
        removed = Optional.of(entry.job());
      }
    }
    forgetIfIdle(namespace, ns);
    return removed;
  }

  /** Wakes as many of the sources in line, first come first, as the queue has room for. */
  private void wakeInTurn(Namespace<J> ns, Instant now, List<Runnable> toWake) {
    int room = queued - ns.pending.size();
    for (Waiter waiter : ns.waiting.values()) {
      if (room <= 0) {
        return;
      }
      room--;
      if (waiter.wokenAt == null) {
        waiter.wokenAt = now;
        toWake.add(waiter.wake);
      }
    }
  }

  private void forgetIfIdle(String name, Namespace<J> ns) {
    if (ns.idle()) {
      if (name.equals(lastServed)) {
        // Keep the turn where it was: the namespace after this one is next.
        List<String> order = new ArrayList<>(namespaces.keySet());
        int at = order.indexOf(name);
        lastServed = at > 0 ? order.get(at - 1) : null;
        if (lastServed == null && order.size() > 1) {
          lastServed = order.get(order.size() - 1);
        }
      }
      namespaces.remove(name);
    }
  }
}
