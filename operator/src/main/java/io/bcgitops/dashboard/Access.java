package io.bcgitops.dashboard;

import java.util.Optional;

/** Who a bearer token belongs to, and what they may read: the only checks the dashboard makes. */
interface Access {
  /** The viewer the token belongs to; empty when it belongs to no one (unknown, expired, revoked). */
  Optional<Viewer> authenticate(String token);

  /**
   * Whether the viewer may {@code verb} the resource (of API group {@code group}, "" for the core group) in the
   * namespace. A failure to ask is a no: what cannot be checked is not shown.
   */
  boolean allows(Viewer viewer, String group, String resource, String verb, String namespace);
}
