package io.bcgitops.webhook;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.WebhookSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched GitOpsSources, kept by informers (one list, then a watch, per watched namespace or one for all):
 * a delivery looks sources up here, never in the API server, so a flood of deliveries costs it no request. Each
 * replica keeps its own (webhooks need no leader), indexed by {@code status.webhookPath}.
 */
final class SourceCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceCache.class);
  private static final String BY_WEBHOOK_PATH = "webhookPath";

  private final List<SharedIndexInformer<GitOpsSource>> informers = new ArrayList<>();
  private final Set<String> namespaces;

  /** Informers for {@code namespaces} (empty: every namespace), not started yet. */
  SourceCache(KubernetesClient client, Set<String> namespaces) {
    this.namespaces = Set.copyOf(namespaces);
    Map<String, Function<GitOpsSource, List<String>>> index = Map.of(BY_WEBHOOK_PATH, SourceCache::webhookPath);
    if (namespaces.isEmpty()) {
      informers.add(client.resources(GitOpsSource.class).inAnyNamespace().runnableInformer(0));
    } else {
      namespaces.stream().sorted().forEach(ns ->
          informers.add(client.resources(GitOpsSource.class).inNamespace(ns).runnableInformer(0)));
    }
    informers.forEach(informer -> informer.addIndexers(index).exceptionHandler((started, e) -> {
      // Retried with back-off, whatever it was (no permission yet, the API server away): deliveries get 503 until then.
      LOG.warn("Watching GitOpsSources for webhooks failed ({}); retrying", e.toString());
      return true;
    }));
  }

  /** Starts watching, without waiting for the first list. */
  void start() {
    informers.forEach(SharedIndexInformer::start);
  }

  /** Whether every informer has its first list: until then, lookups would miss sources. */
  boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  List<GitOpsSource> all() {
    List<GitOpsSource> all = new ArrayList<>();
    informers.forEach(informer -> all.addAll(informer.getStore().list()));
    return all;
  }

  boolean watches(String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  /** The source {@code namespace/name} as the cache has it, or null. */
  GitOpsSource get(String namespace, String name) {
    return informers.stream().map(informer -> informer.getStore().getByKey(namespace + "/" + name))
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }

  /** The sources whose status gives this path (one, unless someone who may write statuses copied another's). */
  List<GitOpsSource> byWebhookPath(String path) {
    List<GitOpsSource> found = new ArrayList<>();
    informers.forEach(informer -> found.addAll(informer.getIndexer().byIndex(BY_WEBHOOK_PATH, path)));
    return found;
  }

  private static List<String> webhookPath(GitOpsSource source) {
    String path = source.getStatus() == null ? null : source.getStatus().getWebhookPath();
    return path != null && path.matches(WebhookSpec.PATH_PATTERN) ? List.of(path) : List.of();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }
}
