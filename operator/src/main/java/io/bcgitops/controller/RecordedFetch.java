package io.bcgitops.controller;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * When a source's next fetch is due by what its status records, for an operator that has fetched
 * nothing of its own yet: a new leader after a failover, or a restart. Without it every source
 * would be fetched at once, however recently the last leader fetched it.
 *
 * <p>The status records when the revision last changed (status.artifact.fetchedAt), not every
 * fetch: writing each fetch of an unchanged revision would be one write per source per interval.
 * So the fetches are taken to have run every interval since then, and the next is due at the
 * first of those times after this operator first looked at the source. The last leader's own
 * fetches ran a little later each time (a fetch is due an interval after the one before was asked
 * for), so a new leader may fetch a source once earlier than the last would have; from then on it
 * keeps its own times. Sources whose revisions changed at different times stay spread over their
 * interval.
 */
final class RecordedFetch {
  private RecordedFetch() {
  }

  /**
   * The next fetch due by the status (a time past when one is due now); empty when the status does
   * not show this generation and reconcile request handled after a fetch (then one is due now).
   *
   * @param since when this operator first looked at the source without a fetch of its own
   */
  static Optional<Instant> nextDue(GitOpsSource source, Duration interval, Instant since, Instant now) {
    GitOpsSourceStatus status = source.getStatus();
    if (status == null || status.getArtifact() == null || status.getArtifact().getFetchedAt() == null
        || !Objects.equals(status.getObservedGeneration(), source.getMetadata().getGeneration())) {
      return Optional.empty();
    }
    String requestedAt = ReconcileTriggers.requestedAt(source);
    if (requestedAt != null && !requestedAt.equals(status.getLastHandledReconcileAt())) {
      return Optional.empty(); // a reconcile was asked for and not handled yet
    }
    Instant fetchedAt;
    try {
      fetchedAt = Instant.parse(status.getArtifact().getFetchedAt());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    // A time ahead of this clock (another node's clock, or an edit) counts as now: never more than an interval.
    Instant anchor = fetchedAt.isAfter(now) ? now : fetchedAt;
    Instant latest = anchor.plus(interval.multipliedBy(Duration.between(anchor, now).toMillis() / interval.toMillis()));
    return Optional.of(latest.isAfter(since) ? latest : latest.plus(interval));
  }
}
