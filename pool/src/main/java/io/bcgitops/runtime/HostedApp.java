package io.bcgitops.runtime;

import io.bcgitops.api.Durations;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app of the host, under one name, across its versions, restarts and upgrades: the state
 * machine of {@link AppState}.
 *
 * <p>Every change of state happens on the app's own single control thread, so the events of one
 * app (a PUT, a crash, a health result, a back-off timer, the end of a stop) never race; the
 * control thread never runs app code nor waits for it (start, stop and health checks report back
 * to it), so a PUT or DELETE is answered at once whatever the app is doing.
 *
 * <p>States: Starting (loading, in start(), or not healthy yet), Running, Crashed (waiting out
 * the back-off before the next start), Failed (cannot run as asked; not restarted until the request
 * changes), Stopped (main() returned and left nothing running; removed).
 */
final class HostedApp implements AppInstance.Events {
  /** Consecutive failed health checks of a running app that make it a crash. */
  static final int HEALTH_FAILURES_TO_RESTART = 3;
  private static final Logger LOG = LoggerFactory.getLogger(HostedApp.class);

  private final String name;
  private final HostSettings settings;
  private final ScheduledThreadPoolExecutor control;
  private final ScheduledThreadPoolExecutor probes;
  private final ExecutorService workers;
  /** The previous app of this name while it unloads: nothing starts before (it may hold the port). */
  private final CompletableFuture<Void> predecessorGone;
  private final CompletableFuture<Void> unloaded = new CompletableFuture<>();
  private volatile AppState published;

  // Everything below is read and written on the control thread only.
  /** What the last PUT asked for. */
  private LoadRequest desired;
  /** The digest of {@code desired} as the client sent it (RuntimeApi.LoadRequest#digest), reported in the state. */
  private String desiredDigest;
  /** What runs or should run: {@code desired}, or the version it replaced after a failed upgrade. */
  private LoadRequest target;
  /** While an upgrade is not yet confirmed: the request that ran before, to fall back to. */
  private LoadRequest fallback;
  private AppInstance current;
  private boolean started;
  private boolean confirmed;
  private boolean stopping;
  /** Failed or Stopped: nothing starts until a PUT changes the request. */
  private boolean halted;
  private boolean removed;
  private ScheduledFuture<?> restartTimer;
  private ScheduledFuture<?> startupDeadline;
  private ScheduledFuture<?> healthChecks;
  private EmbeddedState state = EmbeddedState.Starting;
  private String health = "unknown";
  private String message;
  private String healthNote;
  private String lastHealthDetail;
  private String lastCrash;
  private String failedVersion;
  private int restarts;
  private int restartsBeforeUpgrade;
  private int crashStreak;
  private int healthFailures;
  private Instant startedAt;
  private Instant lastHealthCheck;
  private Instant confirmedAt;

  HostedApp(String name, HostSettings settings, ScheduledThreadPoolExecutor probes, ExecutorService workers,
      CompletableFuture<Void> predecessorGone) {
    this.name = name;
    this.settings = settings;
    this.probes = probes;
    this.workers = workers;
    this.predecessorGone = predecessorGone;
    control = new ScheduledThreadPoolExecutor(1, new HostThreads("app-" + name));
    control.setRemoveOnCancelPolicy(true);
    // Started now, from a host thread: never created later by an app thread reporting an event.
    control.prestartAllCoreThreads();
    publish();
    predecessorGone.whenComplete((ignored, error) -> post(this::step));
  }

  /** The app's state as last published; safe from any thread. */
  AppState state() {
    return published;
  }

  /**
   * Loads, reconfigures or upgrades to {@code request} (normalized; {@code digest} is the one of the
   * request as sent); completes with the state it leads to.
   */
  CompletableFuture<AppState> load(LoadRequest request, String digest) {
    return CompletableFuture.supplyAsync(() -> accept(request, digest), control);
  }

  /** Stops and unloads it for good; completes once its class loader is closed. */
  CompletableFuture<Void> unload() {
    post(() -> {
      removed = true;
      restartTimer = cancel(restartTimer);
      LOG.info("app {}: removing", name);
      step();
    });
    return unloaded;
  }

  @Override
  public void crashed(AppInstance instance, String why) {
    post(() -> crash(instance, why));
  }

  @Override
  public void mainReturned(AppInstance instance, boolean threadsLeft) {
    post(() -> onMainReturned(instance, threadsLeft));
  }

  private AppState accept(LoadRequest request, String digest) {
    if (request.equals(desired) && state != EmbeddedState.Stopped) {
      // Same request: nothing to do (a Failed app stays Failed until the request changes). Sent
      // in another form that means the same, it is now the one reported.
      if (!digest.equals(desiredDigest)) {
        desiredDigest = digest;
        publish();
      }
      return published;
    }
    LoadRequest from = current != null && confirmed && !stopping ? current.request() : fallback;
    if (from != null && from.version().equals(request.version())) {
      from = null; // a new configuration of the same version: restarted, no fallback
    }
    if (from != null && fallback == null) {
      restartsBeforeUpgrade = restarts;
    }
    boolean newVersion = target == null || !target.version().equals(request.version());
    String action = target == null ? "load" : newVersion ? "upgrade from " + target.version() + " to"
        : request.equals(desired) ? "restart" : "reconfigure";
    fallback = from;
    desired = request;
    desiredDigest = digest;
    target = request;
    halted = false;
    failedVersion = null;
    lastCrash = null;
    crashStreak = 0;
    if (newVersion) {
      restarts = 0;
    }
    restartTimer = cancel(restartTimer);
    state = EmbeddedState.Starting;
    health = "unknown";
    healthNote = null;
    message = from != null ? "upgrading from version " + from.version()
        : action.equals("reconfigure") ? "restarting with a new configuration" : null;
    LOG.info("app {}: {} version {} ({})", name, action, request.version(), request.jar());
    publish();
    step();
    return published;
  }

  /** Moves one step towards {@code target}; called after every event that may allow the next one. */
  private void step() {
    if (stopping || !predecessorGone.isDone()) {
      return; // step() runs again when the stop (or the predecessor's unload) ends
    }
    if (current != null) {
      if (removed || !current.request().equals(target)) {
        stopCurrent();
      }
      return;
    }
    if (removed) {
      state = EmbeddedState.Stopped;
      publish();
      LOG.info("app {}: removed", name);
      unloaded.complete(null);
      control.shutdown();
      return;
    }
    if (target != null && !halted && restartTimer == null) {
      startTarget();
    }
  }

  private void startTarget() {
    LoadRequest request = target;
    started = false;
    confirmed = false;
    healthFailures = 0;
    health = "unknown";
    healthNote = null;
    lastHealthDetail = null;
    lastHealthCheck = null;
    confirmedAt = null;
    startedAt = Instant.now();
    AppInstance instance;
    try {
      instance = AppInstance.open(name, request, this);
    } catch (AppLoadException e) {
      cannotRun(e.getMessage());
      return;
    }
    current = instance;
    state = EmbeddedState.Starting;
    publish();
    LOG.info("app {}: starting version {} ({})", name, request.version(), instance.appClass());
    Duration window = settings.windowFor(request);
    startupDeadline = control.schedule(guarded(() -> onStartupDeadline(instance, window)), window.toMillis(),
        TimeUnit.MILLISECONDS);
    instance.start().whenComplete((ignored, error) -> post(() -> onStarted(instance, error)));
  }

  private void onStarted(AppInstance instance, Throwable error) {
    if (instance != current || stopping) {
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof AppLoadException) {
        cannotRun(cause.getMessage());
      } else {
        crash(instance, "start() threw " + Failures.describe(cause));
      }
      return;
    }
    started = true;
    LOG.info("app {}: version {} started: {}", name, instance.request().version(), instance.describe());
    HealthProbe probe = instance.probe();
    if (probe == null) {
      confirm(); // no health check: running once start() returned
      return;
    }
    long interval = instance.request().health().intervalMillis();
    healthChecks = probes.scheduleWithFixedDelay(() -> check(instance, probe), 0, interval, TimeUnit.MILLISECONDS);
    publish();
  }

  /** On a probe thread: one check, reported to the control thread. */
  private void check(AppInstance instance, HealthProbe probe) {
    HealthProbe.checkOnce(probe).ifPresent(found -> post(() -> onHealth(instance, found)));
  }

  private void onHealth(AppInstance instance, HealthProbe.Result result) {
    if (instance != current || stopping || !started) {
      return;
    }
    lastHealthCheck = Instant.now();
    lastHealthDetail = result.detail();
    if (result.healthy()) {
      healthFailures = 0;
      healthNote = null;
      if (!"healthy".equals(health)) {
        LOG.info("app {}: healthy ({})", name, result.detail());
      }
      health = "healthy";
      if (!confirmed) {
        confirm();
      } else {
        publish();
      }
      return;
    }
    healthFailures++;
    if (!"unhealthy".equals(health)) {
      LOG.warn("app {}: health check failed: {}", name, result.detail());
    }
    health = "unhealthy";
    if (confirmed && healthFailures >= HEALTH_FAILURES_TO_RESTART) {
      crash(instance, "health check failed " + healthFailures + " times in a row: " + result.detail());
      return;
    }
    // Before the first success a failure only waits for the startup window: the app may still be binding.
    healthNote = confirmed ? "health check failed (" + healthFailures + " of " + HEALTH_FAILURES_TO_RESTART + "): "
        + result.detail() : "not healthy yet: " + result.detail();
    publish();
  }

  /** The instance started and (when it has a health check) passed it: it is Running. */
  private void confirm() {
    confirmed = true;
    confirmedAt = Instant.now();
    startupDeadline = cancel(startupDeadline);
    LoadRequest upgradedFrom = fallback;
    fallback = null;
    state = EmbeddedState.Running;
    if (failedVersion == null) {
      message = upgradedFrom != null ? "upgraded from version " + upgradedFrom.version()
          : lastCrash != null ? "running again after " + restarts + " restart(s); last crash: " + lastCrash : null;
    }
    LOG.info("app {}: version {} running{}", name, target.version(),
        upgradedFrom != null ? " (upgraded from " + upgradedFrom.version() + ")" : "");
    publish();
  }

  private void onStartupDeadline(AppInstance instance, Duration window) {
    if (instance != current || stopping || confirmed) {
      return;
    }
    crash(instance, started
        ? "not healthy within " + Durations.format(window)
            + (lastHealthDetail == null ? "" : " (last check: " + lastHealthDetail + ")")
        : "start() did not return within " + Durations.format(window));
  }

  private void onMainReturned(AppInstance instance, boolean threadsLeft) {
    if (instance != current || stopping) {
      return;
    }
    if (threadsLeft) {
      LOG.info("app {}: main() returned; its threads keep running", name);
      return;
    }
    if (fallback != null && !confirmed) {
      fallBack("main() returned and left no thread running");
      return;
    }
    halted = true;
    state = EmbeddedState.Stopped;
    health = "unknown";
    message = "main() returned and left no thread running";
    LOG.info("app {}: version {} stopped by itself: {}", name, target.version(), message);
    stopCurrent();
    publish();
  }

  /** The instance failed: back to the previous version if it was an upgrade, else restart after back-off. */
  private void crash(AppInstance instance, String why) {
    if (instance != current || stopping) {
      return;
    }
    if (fallback != null && !confirmed) {
      fallBack(why);
      return;
    }
    lastCrash = why;
    restarts++;
    if (confirmedAt != null && Duration.between(confirmedAt, Instant.now()).compareTo(settings.backoff().max()) > 0) {
      crashStreak = 0; // it ran longer than the longest back-off: a new crash starts the series again
    }
    crashStreak++;
    Duration delay = settings.backoff().delay(crashStreak);
    state = EmbeddedState.Crashed;
    health = "unhealthy";
    healthNote = null;
    message = why + "; restart in " + Durations.format(delay);
    LOG.warn("app {}: version {} crashed: {}; restart #{} in {}", name, target.version(), why, restarts,
        Durations.format(delay));
    restartTimer = control.schedule(guarded(() -> {
      restartTimer = null;
      step();
    }), delay.toMillis(), TimeUnit.MILLISECONDS);
    stopCurrent();
    publish();
  }

  /** The new version of an upgrade failed: record it, and start the version that ran before. */
  private void fallBack(String why) {
    failedVersion = target.version();
    target = fallback;
    fallback = null;
    restarts = restartsBeforeUpgrade;
    crashStreak = 0;
    state = EmbeddedState.Starting;
    health = "unknown";
    healthNote = null;
    message = "version " + failedVersion + " failed: " + why + "; back to version " + target.version();
    LOG.warn("app {}: upgrade to {} failed: {}; falling back to {}", name, failedVersion, why, target.version());
    publish();
    if (current != null) {
      stopCurrent();
    } else {
      step();
    }
  }

  /** It cannot run as asked (no jar, no class, no way to start it): Failed, no restart. */
  private void cannotRun(String why) {
    if (fallback != null && !confirmed) {
      fallBack(why);
      return;
    }
    halted = true;
    state = EmbeddedState.Failed;
    health = "unknown";
    healthNote = null;
    message = why;
    LOG.error("app {}: version {} cannot run: {}", name, target.version(), why);
    publish();
    if (current != null) {
      stopCurrent();
    }
  }

  /** Stops and unloads the current instance on a worker thread; {@link #step} continues when it is done. */
  private void stopCurrent() {
    AppInstance instance = current;
    stopping = true;
    startupDeadline = cancel(startupDeadline);
    healthChecks = cancel(healthChecks);
    LOG.info("app {}: stopping version {}", name, instance.request().version());
    workers.execute(() -> {
      List<String> problems = instance.stop(settings.stopTimeout());
      post(() -> onStopped(instance, problems));
    });
  }

  private void onStopped(AppInstance instance, List<String> problems) {
    current = null;
    stopping = false;
    started = false;
    confirmed = false;
    if (problems.isEmpty()) {
      LOG.info("app {}: version {} unloaded", name, instance.request().version());
    } else {
      LOG.warn("app {}: version {} unloaded, but {}", name, instance.request().version(), String.join("; ", problems));
    }
    step();
  }

  private void publish() {
    String note = message == null ? healthNote : healthNote == null ? message : message + "; " + healthNote;
    published = new AppState(name, target == null ? null : target.version(), state, health, restarts,
        time(startedAt), time(lastHealthCheck), failedVersion, note, desiredDigest);
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Runs {@code task} on the control thread; dropped once the app is removed. */
  private void post(Runnable task) {
    try {
      control.execute(guarded(task));
    } catch (RejectedExecutionException removedAlready) {
      // The app is gone: what its last instance had to say no longer matters.
    }
  }

  /** A state machine bug must be seen in the log, not swallowed by the executor. */
  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.error("app {}: internal error", name, e);
      }
    };
  }

  private static ScheduledFuture<?> cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
    return null;
  }
}
