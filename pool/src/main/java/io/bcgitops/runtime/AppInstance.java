package io.bcgitops.runtime;

import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * One start of one version of an app: its sandbox, the object whose {@code start} ran (or its main
 * thread), and its health probe. Started once and stopped once; a restart is a new instance with a
 * new class loader, so nothing of a crashed instance (static state included) survives it.
 *
 * <p>Reports what happens to it through {@link Events}; the app's {@link HostedApp} decides.
 */
final class AppInstance {
  /** What an instance tells its app, from whatever thread it happens on. */
  interface Events {
    /** Its code failed: an uncaught exception in one of its threads, or main() threw. */
    void crashed(AppInstance instance, String why);

    /** main() returned; {@code threadsLeft} says whether any thread of the app still runs. */
    void mainReturned(AppInstance instance, boolean threadsLeft);
  }

  private final String appName;
  private final LoadRequest request;
  private final AppSandbox sandbox;
  private final String appClass;
  private final Events events;
  private volatile AppLifecycle lifecycle;
  private volatile Object app;
  private volatile CompletableFuture<Void> boot;
  private volatile HealthProbe probe;

  private AppInstance(String appName, LoadRequest request, Events events, Path jar) throws AppLoadException {
    this.appName = appName;
    this.request = request;
    this.events = events;
    this.appClass = AppLifecycle.appClassName(manifest(jar), request.mainClass());
    try {
      BiConsumer<Thread, Throwable> uncaught = (thread, e) -> events.crashed(this,
          "uncaught exception in thread '" + thread.getName() + "': " + Failures.describe(e));
      this.sandbox = AppSandbox.open(appName + ":" + request.version(), jar, uncaught);
    } catch (IOException e) {
      throw new AppLoadException("cannot open " + jar + ": " + e.getMessage());
    }
  }

  /** Opens the jar of {@code request}; fails (for good) when it is missing or is no jar. */
  static AppInstance open(String appName, LoadRequest request, Events events) throws AppLoadException {
    Path jar = Path.of(request.jar());
    if (!Files.isRegularFile(jar)) {
      throw new AppLoadException("no jar at " + jar + " (the loader writes it there before the app is loaded)");
    }
    return new AppInstance(appName, request, events, jar);
  }

  LoadRequest request() {
    return request;
  }

  String appClass() {
    return appClass;
  }

  /** How it was started, once {@link #start} got that far. */
  String describe() {
    AppLifecycle known = lifecycle;
    return known == null ? appClass : known.describe();
  }

  /**
   * Loads the app's class and starts it, on a thread of the app. The future completes once
   * {@code start} returned (lifecycle) or main's thread runs (main fallback); it fails with
   * {@link AppLoadException} when the jar cannot be run at all, or with what start() threw.
   */
  CompletableFuture<Void> start() {
    boot = sandbox.call("start", () -> {
      AppLifecycle found;
      try {
        found = AppLifecycle.of(Class.forName(appClass, true, sandbox.loader()));
      } catch (ClassNotFoundException e) {
        throw new AppLoadException("class " + appClass + " is not in the jar");
      } catch (LinkageError e) {
        throw new AppLoadException("class " + appClass + " cannot be loaded: " + e);
      }
      lifecycle = found;
      if (found instanceof AppLifecycle.Managed managed) {
        Object created = managed.create();
        app = created;
        managed.start(created, request.env(), request.args());
      } else if (found instanceof AppLifecycle.MainOnly mainOnly) {
        sandbox.start("main", () -> runMain(mainOnly));
      }
      return null;
    });
    return boot;
  }

  private void runMain(AppLifecycle.MainOnly main) {
    try {
      main.run(request.args());
    } catch (Throwable e) {
      events.crashed(this, "main() threw " + Failures.describe(e));
      return;
    }
    events.mainReturned(this, !sandbox.liveThreads(Thread.currentThread()).isEmpty());
  }

  /** The probe of its health check (null when it has none); made once. */
  HealthProbe probe() {
    if (probe == null && request.health() != null) {
      probe = HealthProbe.of(request.health(), sandbox);
    }
    return probe;
  }

  /**
   * Stops and unloads: waits for a start still running, calls {@code stop()} (lifecycle apps),
   * interrupts and waits for the app's threads, closes its loader and drops every reference to its
   * code. Blocks up to about {@code timeout}; call it on a host worker thread.
   *
   * @return what did not go cleanly, one sentence each (empty when all went well)
   */
  List<String> stop(Duration timeout) {
    List<String> problems = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      CompletableFuture<Void> started = boot;
      boolean startReturned = started == null;
      if (started != null) {
        try {
          started.get(left(deadline), TimeUnit.NANOSECONDS);
          startReturned = true;
        } catch (ExecutionException failed) {
          startReturned = true; // start() threw: still call stop(), it may have opened things
        } catch (TimeoutException stuck) {
          problems.add("start() was still running after " + timeout.toMillis() + " ms");
        }
      }
      Object running = app;
      if (startReturned && running != null && lifecycle instanceof AppLifecycle.Managed managed) {
        try {
          sandbox.call("stop", () -> {
            managed.stop(running);
            return null;
          }).get(left(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          problems.add("stop() threw " + Failures.describe(e.getCause()));
        } catch (TimeoutException e) {
          problems.add("stop() did not return within " + timeout.toMillis() + " ms");
        }
      }
      // Whatever stop() left behind (and every thread of a main-only app) is asked to end.
      List<String> survivors = sandbox.stopThreads(Duration.ofNanos(Math.max(left(deadline),
          TimeUnit.SECONDS.toNanos(1))));
      if (!survivors.isEmpty()) {
        problems.add(survivors.size() + " thread(s) ignored the interrupt and keep its class loader alive: "
            + String.join(", ", survivors));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("the host was interrupted while stopping it");
    } finally {
      app = null;
      lifecycle = null;
      probe = null;
      boot = null;
      try {
        sandbox.close();
      } catch (IOException | UncheckedIOException e) {
        problems.add("closing its class loader failed: " + e);
      }
    }
    return problems;
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static Manifest manifest(Path jar) throws AppLoadException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest();
    } catch (IOException e) {
      throw new AppLoadException(jar + " is not a readable jar: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return appName + ":" + request.version();
  }
}
