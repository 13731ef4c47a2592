package io.bcgitops.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * metadata.managedFields: the API server's record of which client set which field, for server-side apply. The
 * operator never applies server-side and never reads it, yet a real API server fills it in on every object, often
 * as its largest part (a pod's or a Deployment's status writers, each field by path). Its informers keep objects
 * without it; an update sent from such a copy leaves the server's record as it is (an absent managedFields is
 * not a change to it).
 */
public final class ManagedFields {
  private ManagedFields() {
  }

  /** The object itself, its managedFields dropped: informers hand each store an object deserialized for it alone. */
  public static <T extends HasMetadata> T dropped(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return object;
  }
}
