package io.bcgitops.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object as its JSON text (managedFields dropped) and reads it back on every
 * look, as Fabric8's {@code ReducedStateItemStore} does with a few of its fields. A Deployment is some 4 KB of JSON
 * and four times that as Fabric8 model objects, each of which carries its own map of unknown fields; the operator
 * looks at one a handful of times per reconcile of its app, so the cost of reading it back is small next to what
 * keeping the objects would cost. Every field is kept: what {@link Drift} compares is all there.
 *
 * <p>As {@link ManagedFields#dropped}, the object put loses its managedFields. Each get returns an object of its own, so a caller that changes it changes nothing in the cache. Listing the
 * whole store reads every object back: fit for objects found by name or owner, not for ones filtered from a list.
 */
public final class JsonItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, String> store = new ConcurrentHashMap<>();
  private final Class<T> type;

  public JsonItemStore(Class<T> type) {
    this.type = type;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return read(store.put(key, Serialization.SHARED.asJson(ManagedFields.dropped(object))));
  }

  @Override
  public T remove(String key) {
    return read(store.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return store.values().stream().map(this::read);
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return read(store.get(key));
  }

  /** Not the whole state: managedFields are dropped. */
  @Override
  public boolean isFullState() {
    return false;
  }

  private T read(String json) {
    return json == null ? null : Serialization.SHARED.unmarshal(json, type);
  }
}
