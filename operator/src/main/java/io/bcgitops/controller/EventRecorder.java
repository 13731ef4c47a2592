package io.bcgitops.controller;

import io.bcgitops.api.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on GitOpsSources and AppDeployments, deduplicated as the kubelet does: the same
 * event for the same object within an hour raises the first one's count instead of adding another.
 * An event that cannot be written never fails a reconcile.
 */
final class EventRecorder {
  static final String COMPONENT = "bc-gitops-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final Duration SERIES_WINDOW = Duration.ofHours(1);
  private static final int MAX_MESSAGE = 1024;
  /** Ready=False for these is no failure. */
  private static final Set<String> NORMAL_REASONS = Set.of(Conditions.Reasons.PROGRESSING,
      Conditions.Reasons.SUSPENDED, Conditions.Reasons.WAITING_FOR_DEPENDENCIES);

  private record Recorded(String name, int count, Instant first) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Recorded> recent = new ConcurrentHashMap<>();

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    String key = object.getMetadata().getUid() + "|" + type + "|" + reason + "|" + text;
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    // Messages carry versions and revisions: series past their window are forgotten, or the map
    // would grow with every new message for as long as the operator runs.
    recent.values().removeIf(series -> Duration.between(series.first(), now).compareTo(SERIES_WINDOW) >= 0);
    try {
      Recorded seen = recent.get(key);
      if (seen != null && Duration.between(seen.first(), now).compareTo(SERIES_WINDOW) < 0) {
        client.v1().events().inNamespace(object.getMetadata().getNamespace()).withName(seen.name())
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"count\":" + (seen.count() + 1)
                + ",\"lastTimestamp\":\"" + now + "\"}");
        recent.put(key, new Recorded(seen.name(), seen.count() + 1, seen.first()));
        return;
      }
      // An Event's name may be 253 characters; the suffix takes up to 17.
      String base = object.getMetadata().getName();
      String name = base.substring(0, Math.min(base.length(), 236)) + "."
          + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
      Event event = new EventBuilder()
          .withNewMetadata().withName(name).withNamespace(object.getMetadata().getNamespace()).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
              .withKind(object.getKind()).withName(object.getMetadata().getName())
              .withNamespace(object.getMetadata().getNamespace()).withUid(object.getMetadata().getUid()).build())
          .withType(type).withReason(reason).withMessage(text)
          .withNewSource().withComponent(COMPONENT).endSource()
          .withReportingComponent(COMPONENT)
          .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
          .build();
      client.v1().events().resource(event).create();
      recent.put(key, new Recorded(name, 1, now));
    } catch (KubernetesClientException e) {
      // The event expired or the server refused it: start a new series next time.
      recent.remove(key);
      LOG.debug("could not record event {} on {}: {}", reason, object.getMetadata().getName(), e.getMessage());
    }
  }

  /**
   * One event when the Ready condition changes status or reason: Normal when it becomes True or
   * progresses, Warning for every other reason (a failure, an invalid spec).
   */
  void readyChanged(HasMetadata object, List<Condition> before, List<Condition> after) {
    Optional<Condition> was = ready(before);
    Optional<Condition> now = ready(after);
    if (now.isEmpty() || (was.isPresent() && Objects.equals(was.get().getStatus(), now.get().getStatus())
        && Objects.equals(was.get().getReason(), now.get().getReason()))) {
      return;
    }
    Condition ready = now.get();
    boolean fine = "True".equals(ready.getStatus()) || NORMAL_REASONS.contains(ready.getReason());
    record(object, fine ? "Normal" : "Warning", ready.getReason(), ready.getMessage());
  }

  private static Optional<Condition> ready(List<Condition> conditions) {
    return Optional.ofNullable(Conditions.find(conditions, Conditions.READY));
  }

  /** How many event series are remembered for counting repeats: those of the last hour only. */
  int rememberedSeries() {
    return recent.size();
  }

  /** Forgets an object's series, when the object is gone. */
  void forget(HasMetadata object) {
    recent.keySet().removeIf(key -> key.startsWith(object.getMetadata().getUid() + "|"));
  }
}
