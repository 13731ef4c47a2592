package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The next fetch due by a source's status alone, as a new leader reads it. */
class RecordedFetchTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant FETCHED = Instant.parse("2026-12-04T19:09:19Z");

  private static GitOpsSource handled(String fetchedAt) {
    GitOpsSource source = OperatorHarness.source("shop", "shop", "https://example.com/shop.git", spec -> { });
    source.getMetadata().setGeneration(2L);
    source.getMetadata().setAnnotations(new HashMap<>());
    GitOpsSourceStatus status = new GitOpsSourceStatus();
    status.setObservedGeneration(2L);
    status.setArtifact(new GitOpsSourceStatus.Artifact("main@sha1:" + "a".repeat(40), "main@aaaaaaa", fetchedAt));
    source.setStatus(status);
    return source;
  }

  @Test
  void dueAtTheFirstIntervalSinceTheRevisionChangedThatIsAfterTheFirstLook() {
    GitOpsSource source = handled(FETCHED.toString());
    Instant now = FETCHED.plus(Duration.ofMinutes(90)).plusSeconds(20);

    // Every minute since 19:09:19; the operator looked first at now: the next one is 20:40:19.
    assertEquals(Optional.of(FETCHED.plus(Duration.ofMinutes(91))), RecordedFetch.nextDue(source, MINUTE, now, now));
    // It looked first before 20:39:19, which has passed without a fetch of its own: due now.
    Instant earlier = now.minusSeconds(30);
    assertEquals(Optional.of(FETCHED.plus(Duration.ofMinutes(90))),
        RecordedFetch.nextDue(source, MINUTE, earlier, now));
  }

  @Test
  void aTimeAheadOfThisClockIsNeverMoreThanAnIntervalAway() {
    Instant now = FETCHED;
    GitOpsSource source = handled(FETCHED.plus(Duration.ofDays(365)).toString());

    assertEquals(Optional.of(now.plus(MINUTE)), RecordedFetch.nextDue(source, MINUTE, now, now));
  }

  @Test
  void dueNowWhenTheStatusDoesNotShowThisSpecAndRequestHandled() {
    Instant now = FETCHED.plusSeconds(10);
    GitOpsSource newGeneration = handled(FETCHED.toString());
    newGeneration.getMetadata().setGeneration(3L);
    GitOpsSource requested = handled(FETCHED.toString());
    requested.getMetadata().getAnnotations().put(Api.RECONCILE_REQUESTED_AT, "now");
    GitOpsSource neverFetched = handled(null);
    GitOpsSource unreadable = handled("yesterday");

    for (GitOpsSource source : new GitOpsSource[] {newGeneration, requested, neverFetched, unreadable}) {
      assertEquals(Optional.empty(), RecordedFetch.nextDue(source, MINUTE, now, now));
    }
    requested.getStatus().setLastHandledReconcileAt("now");
    assertEquals(Optional.of(FETCHED.plus(MINUTE)), RecordedFetch.nextDue(requested, MINUTE, now, now));
  }
}
