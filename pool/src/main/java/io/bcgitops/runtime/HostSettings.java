package io.bcgitops.runtime;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a runtime host runs its apps.
 *
 * @param dir the shared folder the loader sidecar writes jars into; a jar outside it is refused
 * @param backoff waits between the restarts of a crashing app
 * @param startupWindow the least time a new instance gets to start and pass its first health check;
 *     an app whose interval is long gets three intervals instead
 * @param stopTimeout how long {@code stop()} and the app's threads get to end before the host gives up on them
 */
public record HostSettings(Path dir, Backoff backoff, Duration startupWindow, Duration stopTimeout) {
  public static final Duration DEFAULT_STARTUP_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

  /** The window of one request: three health intervals, but never less than {@link #startupWindow}. */
  Duration windowFor(RuntimeApi.LoadRequest request) {
    if (request.health() == null) {
      return startupWindow;
    }
    Duration threeChecks = Duration.ofMillis(request.health().intervalMillis()).multipliedBy(3);
    return threeChecks.compareTo(startupWindow) > 0 ? threeChecks : startupWindow;
  }
}
