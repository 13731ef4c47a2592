package io.bcgitops.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the operator still makes progress: what {@code /healthz} answers, so that the kubelet
 * restarts an operator that is wedged and only then. It is wedged when
 *
 * <ul>
 *   <li>a reconcile handed to JOSDK has not finished {@link #MAX_RECONCILE} later: it waits for a
 *       thread that never frees up, or holds one and never returns (no reconcile waits for git:
 *       fetches run on a pool of their own); or
 *   <li>something else that reports here is stuck: a git fetch still running long after its
 *       deadline, when closing its transport did not end it.
 * </ul>
 *
 * A slow git server is not a reason: its fetch is ended at the deadline and reported on its source.
 */
public final class Liveness {
  private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);
  /**
   * Far past every deadline a reconcile waits on (the longest, a call to a runtime pool's API, is
   * 10 s: jars and git are fetched in the background) and a few seconds' work for 1,000 apps,
   * with room for a reconcile queued behind a few such slow ones.
   */
  public static final Duration MAX_RECONCILE = Duration.ofMinutes(10);

  private final Clock clock;
  private final Duration maxReconcile;
  /** Reconciles handed to JOSDK's threads and not finished, by controller and resource: since when. */
  private final Map<String, Instant> reconciles = new ConcurrentHashMap<>();
  private final List<Function<Instant, Optional<String>>> checks = new CopyOnWriteArrayList<>();
  private volatile String reported;

  public Liveness() {
    this(Clock.systemUTC(), MAX_RECONCILE);
  }

  public Liveness(Clock clock, Duration maxReconcile) {
    this.clock = clock;
    this.maxReconcile = maxReconcile;
  }

  /** Adds a check: given the time, what is stuck, if anything. */
  public void watch(Function<Instant, Optional<String>> check) {
    checks.add(check);
  }

  /** Whether the operator makes progress; logs (once) what is stuck when it does not. */
  public boolean isLive() {
    Optional<String> problem = problem();
    String now = problem.orElse(null);
    if (now != null && !now.equals(reported)) {
      LOG.error("The operator is wedged, /healthz fails so that it is restarted: {}", now);
    } else if (now == null && reported != null) {
      LOG.info("The operator makes progress again");
    }
    reported = now;
    return now == null;
  }

  /** What is stuck, if anything. */
  public Optional<String> problem() {
    Instant now = clock.instant();
    Optional<Map.Entry<String, Instant>> oldest = reconciles.entrySet().stream()
        .min(Map.Entry.comparingByValue());
    if (oldest.isPresent() && Duration.between(oldest.get().getValue(), now).compareTo(maxReconcile) > 0) {
      return Optional.of("the reconcile of " + oldest.get().getKey() + " has not finished "
          + Duration.between(oldest.get().getValue(), now).toSeconds() + "s after it was started (more than "
          + maxReconcile.toSeconds() + "s)");
    }
    for (Function<Instant, Optional<String>> check : checks) {
      Optional<String> stuck = check.apply(now);
      if (stuck.isPresent()) {
        return stuck;
      }
    }
    return Optional.empty();
  }

  /** JOSDK's metrics as they are, and each reconcile followed from its submission to its end. */
  public Metrics watching(Metrics delegate) {
    return new Metrics() {
      @Override
      public void controllerRegistered(Controller<? extends HasMetadata> controller) {
        delegate.controllerRegistered(controller);
      }

      @Override
      public void eventReceived(Event event, Map<String, Object> metadata) {
        delegate.eventReceived(event, metadata);
      }

      @Override
      public void reconciliationSubmitted(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        if (resource != null) {
          reconciles.put(key(resource, metadata), clock.instant());
        }
        delegate.reconciliationSubmitted(resource, retryInfo, metadata);
      }

      @Override
      public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
        delegate.reconciliationStarted(resource, metadata);
      }

      @Override
      public void reconciliationFailed(HasMetadata resource, RetryInfo retryInfo, Exception exception,
          Map<String, Object> metadata) {
        delegate.reconciliationFailed(resource, retryInfo, exception, metadata);
      }

      @Override
      public void reconciliationSucceeded(HasMetadata resource, Map<String, Object> metadata) {
        delegate.reconciliationSucceeded(resource, metadata);
      }

      @Override
      public void reconciliationFinished(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        if (resource != null) {
          reconciles.remove(key(resource, metadata));
        }
        delegate.reconciliationFinished(resource, retryInfo, metadata);
      }

      @Override
      public void cleanupDone(ResourceID resourceID, Map<String, Object> metadata) {
        delegate.cleanupDone(resourceID, metadata);
      }

      @Override
      public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        return delegate.timeControllerExecution(execution);
      }
    };
  }

  private static String key(HasMetadata resource, Map<String, Object> metadata) {
    return metadata.getOrDefault(Constants.CONTROLLER_NAME, resource.getKind()) + " "
        + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
