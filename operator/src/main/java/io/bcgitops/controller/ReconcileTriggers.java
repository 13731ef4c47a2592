package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a GitOpsSource start a reconcile: a new generation (spec change), a new
 * reconcile-requested-at annotation, or deletion. Status writes and other metadata edits do not.
 */
final class ReconcileTriggers<R extends HasMetadata> implements OnUpdateFilter<R> {
  @Override
  public boolean accept(R newResource, R oldResource) {
    return !Objects.equals(newResource.getMetadata().getGeneration(), oldResource.getMetadata().getGeneration())
        || !Objects.equals(requestedAt(newResource), requestedAt(oldResource))
        || newResource.isMarkedForDeletion();
  }

  static String requestedAt(HasMetadata resource) {
    var annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.RECONCILE_REQUESTED_AT);
  }
}
