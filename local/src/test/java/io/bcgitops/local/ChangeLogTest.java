package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
  private static final Duration NO_WAIT = Duration.ZERO;

  @Test
  void aSubscriptionGetsTheChangesAfterItsVersionThenTheNewOnes() throws InterruptedException {
    ChangeLog log = new ChangeLog(10);
    for (long version = 1; version <= 3; version++) {
      log.append(change(version, "pods"));
    }
    try (ChangeLog.Subscription subscription = log.subscribe(1, change -> true).orElseThrow()) {
      log.append(change(4, "pods"));
      assertEquals(List.of(2L, 3L, 4L), versions(subscription));
    }
  }

  @Test
  void aSubscriptionGetsOnlyTheChangesInItsScope() throws InterruptedException {
    ChangeLog log = new ChangeLog(10);
    try (ChangeLog.Subscription subscription = log.subscribe(0, change -> change.plural().equals("pods"))
        .orElseThrow()) {
      log.append(change(1, "pods"));
      log.append(change(2, "secrets"));
      log.append(change(3, "pods"));
      assertEquals(List.of(1L, 3L), versions(subscription));
    }
  }

  @Test
  void aSubscriptionIsTakenUpToTheNewestChangeItWasToldOfOnceNoneWaits() throws InterruptedException {
    ChangeLog log = new ChangeLog(10);
    try (ChangeLog.Subscription subscription = log.subscribe(3, change -> change.plural().equals("pods"))
        .orElseThrow()) {
      assertEquals(OptionalLong.of(3), subscription.takenUpTo());
      log.append(change(4, "pods"));
      log.append(change(5, "secrets"));
      assertEquals(OptionalLong.empty(), subscription.takenUpTo(), "change 4 waits to be taken");
      subscription.next(NO_WAIT);
      assertEquals(OptionalLong.of(5), subscription.takenUpTo(), "change 5 is not in scope, but was made");
    }
  }

  @Test
  void aClosedSubscriptionGetsNothingMore() throws InterruptedException {
    ChangeLog log = new ChangeLog(10);
    ChangeLog.Subscription subscription = log.subscribe(0, change -> true).orElseThrow();
    subscription.close();
    log.append(change(1, "pods"));
    assertNull(subscription.next(NO_WAIT));
  }

  @Test
  void aVersionWhoseLaterChangesAreForgottenHasExpired() {
    ChangeLog log = new ChangeLog(3);
    for (long version = 1; version <= 5; version++) {
      log.append(change(version, "pods"));
    }
    assertTrue(log.subscribe(1, change -> true).isEmpty(), "change 2 is forgotten");
    assertTrue(log.subscribe(2, change -> true).isPresent(), "changes 3 to 5 are kept");
  }

  private static ChangeLog.Change change(long version, String plural) {
    return new ChangeLog.Change(version, "", plural, null, JsonPathTest.json("{\"metadata\": {\"name\": \"x\"}}"));
  }

  private static List<Long> versions(ChangeLog.Subscription subscription) throws InterruptedException {
    List<Long> versions = new ArrayList<>();
    for (ChangeLog.Change change = subscription.next(NO_WAIT); change != null; change = subscription.next(NO_WAIT)) {
      versions.add(change.resourceVersion());
    }
    return versions;
  }
}
