package io.bcgitops.dashboard;

import java.time.Duration;
import java.util.Optional;

/** Who a bearer token belongs to, and what they may read: the only checks the dashboard makes. */
interface Access {
  /**
   * The viewer the token belongs to; empty when it belongs to no one (unknown, expired, revoked).
   *
   * @throws TooManyReviews when the token is not known and it cannot be checked now without asking the API server
   *     more than this dashboard may
   */
  Optional<Viewer> authenticate(String token);

  /** Too many unknown tokens were presented lately: try again after {@code retryAfter}. */
  final class TooManyReviews extends RuntimeException {
    private final Duration retryAfter;

    TooManyReviews(Duration retryAfter) {
      super("too many logins with tokens not seen before: try again in a moment", null, false, false);
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * Whether the viewer may {@code verb} the resource (of API group {@code group}, "" for the core group) in the
   * namespace. A failure to ask is a no: what cannot be checked is not shown.
   */
  boolean allows(Viewer viewer, String group, String resource, String verb, String namespace);
}
