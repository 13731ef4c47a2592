package io.bcgitops.dashboard;

import io.bcgitops.api.Api;
import io.bcgitops.dashboard.Views.EventView;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The recent Kubernetes Events of an app, for its page: the one thing the dashboard reads from the API server
 * rather than a cache (the operator keeps no informer on Events). One list call per app at most every {@link
 * #KEPT_FOR}, whoever looks, of at most {@link #LIST_LIMIT} events (selected by the app's name), for at most
 * {@link #MAX_APPS} apps at once.
 */
final class RecentEvents {
  static final Duration KEPT_FOR = Duration.ofSeconds(5);
  static final long LIST_LIMIT = 100;
  static final int SHOWN = 20;
  private static final int MAX_APPS = 256;

  /** An app's events; {@code error} says why there are none to show when they could not be read. */
  record Read(List<EventView> events, String error) {
  }

  private record Key(String namespace, String name) {
  }

  private final KubernetesClient client;
  private final ExpiringCache<Key, Read> cache;

  RecentEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.cache = new ExpiringCache<>(clock, MAX_APPS);
  }

  Read of(String namespace, String name) {
    return cache.get(new Key(namespace, name), this::list, read -> KEPT_FOR);
  }

  private Read list(Key key) {
    try {
      List<Event> events = client.v1().events().inNamespace(key.namespace())
          .withField("involvedObject.name", key.name())
          .list(new ListOptionsBuilder().withLimit(LIST_LIMIT).build()).getItems();
      // The selector again, and the kind: a server may ignore a field selector it does not index.
      List<EventView> views = events.stream()
          .filter(e -> e.getInvolvedObject() != null && key.name().equals(e.getInvolvedObject().getName())
              && "AppDeployment".equals(e.getInvolvedObject().getKind())
              && e.getInvolvedObject().getApiVersion() != null
              && e.getInvolvedObject().getApiVersion().startsWith(Api.GROUP + "/"))
          .sorted(Comparator.comparing(RecentEvents::seen).reversed())
          .limit(SHOWN)
          .map(e -> new EventView(ShownText.of(e.getType(), ShownText.SHORT),
              ShownText.of(e.getReason(), ShownText.SHORT), ShownText.of(e.getMessage(), ShownText.PAGE), seen(e),
              Objects.requireNonNullElse(e.getCount(), 1)))
          .toList();
      return new Read(views, null);
    } catch (KubernetesClientException e) {
      return new Read(List.of(), "the events could not be read (HTTP " + e.getCode() + ")");
    }
  }

  /** When the event was last seen: lastTimestamp, else eventTime, else its creation. */
  private static String seen(Event event) {
    if (event.getLastTimestamp() != null) {
      return event.getLastTimestamp();
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    return Objects.requireNonNullElse(event.getMetadata().getCreationTimestamp(), "");
  }
}
