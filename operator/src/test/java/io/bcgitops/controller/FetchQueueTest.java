package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bcgitops.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fetch queue's turns: namespaces in turn, each within its share, and sources in line served in the order they came. */
class FetchQueueTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final List<String> woken = new ArrayList<>();
  private final List<Runnable> toWake = new ArrayList<>();

  private FetchQueue.Offer offer(FetchQueue<String> queue, String namespace, String source) {
    return queue.offer(namespace, source, namespace + "/" + source, () -> woken.add(source), toWake);
  }

  private Optional<String> next(FetchQueue<String> queue) {
    Optional<String> next = queue.next(toWake);
    toWake.forEach(Runnable::run);
    toWake.clear();
    return next;
  }

  @Test
  void namespacesTakeTurnsEachWithinItsShare() {
    FetchQueue<String> queue = new FetchQueue<>(2, 100, clock);
    for (int i = 0; i < 5; i++) {
      offer(queue, "hostile", "slow-" + i);
    }
    offer(queue, "shop", "web");
    offer(queue, "shop", "api");

    assertEquals(Optional.of("hostile/slow-0"), next(queue));
    assertEquals(Optional.of("shop/web"), next(queue), "the other namespace's turn, not the next in line");
    assertEquals(Optional.of("hostile/slow-1"), next(queue));
    assertEquals(Optional.of("shop/api"), next(queue));
    assertEquals(Optional.empty(), next(queue), "hostile runs its share, 2, and waits for one to end");

    queue.done("hostile");
    assertEquals(Optional.of("hostile/slow-2"), next(queue));
  }

  @Test
  void sourcesThatFoundTheQueueFullAreServedInTheOrderTheyCame() {
    FetchQueue<String> queue = new FetchQueue<>(1, 1, clock);
    assertEquals(FetchQueue.Offer.QUEUED, offer(queue, "shop", "a"));
    assertEquals(FetchQueue.Offer.WAITS, offer(queue, "shop", "b"));
    assertEquals(FetchQueue.Offer.WAITS, offer(queue, "shop", "c"));

    assertEquals(Optional.of("shop/a"), next(queue));
    assertEquals(List.of("b"), woken, "the first in line is woken for the room a left");
    assertEquals(FetchQueue.Offer.WAITS, offer(queue, "shop", "c"), "c asks first, but b came first");
    assertEquals(FetchQueue.Offer.WAITS, offer(queue, "shop", "d"), "and d, new, goes to the end of the line");
    assertEquals(FetchQueue.Offer.QUEUED, offer(queue, "shop", "b"));

    queue.done("shop");
    assertEquals(Optional.of("shop/b"), next(queue));
    assertEquals(List.of("b", "c"), woken);
    assertEquals(FetchQueue.Offer.QUEUED, offer(queue, "shop", "c"));
  }

  @Test
  void aSourceWokenThatDoesNotComeLosesItsPlace() {
    FetchQueue<String> queue = new FetchQueue<>(1, 1, clock);
    offer(queue, "shop", "a");
    offer(queue, "shop", "gone");
    offer(queue, "shop", "c");
    next(queue);
    assertEquals(List.of("gone"), woken);

    clock.advance(FetchQueue.WAKE_GRACE.plusSeconds(1));
    assertEquals(FetchQueue.Offer.WAITS, offer(queue, "shop", "c"));
    toWake.forEach(Runnable::run);
    assertEquals(List.of("gone", "c"), woken, "c is next in line once the place of the source that did not come went");
    assertEquals(FetchQueue.Offer.QUEUED, offer(queue, "shop", "c"));
  }

  @Test
  void aRemovedSourceLeavesTheQueueAndTheLine() {
    FetchQueue<String> queue = new FetchQueue<>(1, 1, clock);
    offer(queue, "shop", "a");
    offer(queue, "shop", "b");

    assertEquals(Optional.of("shop/a"), queue.remove("shop", "a"));
    assertEquals(Optional.empty(), queue.remove("shop", "b"), "b only waited in line");
    assertEquals(FetchQueue.Offer.QUEUED, offer(queue, "shop", "c"));
    assertEquals(Optional.of("shop/c"), next(queue));
  }

  @Test
  void aNamespaceWhoseWorkEndedKeepsTheTurnGoingRound() {
    FetchQueue<String> queue = new FetchQueue<>(1, 100, clock);
    offer(queue, "a", "1");
    offer(queue, "b", "1");
    offer(queue, "c", "1");
    offer(queue, "a", "2");
    assertEquals(Optional.of("a/1"), next(queue));
    queue.done("a");
    assertEquals(Optional.of("b/1"), next(queue));
    queue.done("b"); // b is idle now and goes; c is next, then a
    assertEquals(Optional.of("c/1"), next(queue));
    assertEquals(Optional.of("a/2"), next(queue));
  }
}
