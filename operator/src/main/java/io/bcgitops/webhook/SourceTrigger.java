package io.bcgitops.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the GitOpsSources a push concerns and asks each for a reconcile now, by giving its
 * {@code bcgitops.io/reconcile-requested-at} annotation a new value (a JSON merge patch of that one
 * annotation, as {@code kubectl annotate} would make).
 */
final class SourceTrigger {
  static final Comparator<GitOpsSource> BY_NAME = Comparator
      .comparing((GitOpsSource s) -> s.getMetadata().getNamespace())
      .thenComparing(s -> s.getMetadata().getName());

  private final KubernetesClient client;
  private final SourceCache cache;
  private final Clock clock;
  private final ObjectMapper json;

  /** What happened: the sources asked to reconcile, and those that could not be (namespace/name: why). */
  record Result(List<String> triggered, List<String> failed) {
  }

  SourceTrigger(KubernetesClient client, SourceCache cache, Clock clock, ObjectMapper json) {
    this.client = client;
    this.cache = cache;
    this.clock = clock;
    this.json = json;
  }

  /** The watched sources (from the cache), not suspended nor being deleted, on the pushed repository and ref. */
  List<GitOpsSource> matching(Push push) {
    Set<String> keys = push.repositoryKeys();
    return cache.all().stream()
        .filter(s -> s.getSpec() != null && !s.getSpec().isSuspend() && !s.isMarkedForDeletion())
        .filter(s -> RepositoryUrls.key(s.getSpec().getUrl()).filter(keys::contains).isPresent())
        .filter(s -> push.movesRefOf(s.getSpec()))
        .sorted(BY_NAME)
        .toList();
  }

  Result trigger(List<GitOpsSource> sources) {
    List<String> triggered = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (GitOpsSource source : sources) {
      String ns = source.getMetadata().getNamespace();
      String name = source.getMetadata().getName();
      try {
        // On the cached object, so the client does not read it again first: the patch names no resourceVersion.
        client.resource(source).patch(PatchContext.of(PatchType.JSON_MERGE), patch(source));
        triggered.add(ns + "/" + name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) { // deleted since the cache had it: nothing to reconcile
          failed.add(ns + "/" + name + ": HTTP " + e.getCode());
        }
      }
    }
    return new Result(triggered, failed);
  }

  /** A merge patch setting the annotation to the current time, made different from its current value if need be. */
  private String patch(GitOpsSource source) {
    Map<String, String> annotations = source.getMetadata().getAnnotations();
    String current = annotations == null ? null : annotations.get(Api.RECONCILE_REQUESTED_AT);
    Instant now = clock.instant();
    String value = now.toString();
    if (value.equals(current)) {
      value = now.plusNanos(1000).toString();
    }
    try {
      return json.writeValueAsString(Map.of("metadata", Map.of("annotations", Map.of(Api.RECONCILE_REQUESTED_AT, value))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
