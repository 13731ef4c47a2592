package io.bcgitops.runtime;

import io.bcgitops.runtime.ApiServer.Response;
import io.bcgitops.runtime.RuntimeApi.AppList;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.HostState;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime host: many small JVM apps in one JVM, each in its own class loader, driven over the
 * host half of {@link RuntimeApi} (load, upgrade, remove, list, host health).
 */
public final class RuntimeHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeHost.class);
  /** An app's name is its AppDeployment's: a DNS-1123 label. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** How long a PUT waits for the app's control thread to take the request (it never waits for app code). */
  private static final long ACCEPT_TIMEOUT_SECONDS = 10;

  private final HostSettings settings;
  private final Path dir;
  /** Guarded by itself: a PUT and a DELETE of one name never interleave. */
  private final Map<String, HostedApp> apps = new HashMap<>();
  /** Apps removed whose unloading has not ended: a new app of the same name waits for it. */
  private final Map<String, CompletableFuture<Void>> leaving = new HashMap<>();
  private final ScheduledThreadPoolExecutor probes;
  private final ExecutorService workers;

  public RuntimeHost(HostSettings settings) throws IOException {
    Files.createDirectories(settings.dir());
    this.dir = settings.dir().toRealPath();
    this.settings = new HostSettings(dir, settings.backoff(), settings.startupWindow(), settings.stopTimeout());
    probes = new ScheduledThreadPoolExecutor(4, new HostThreads("health"));
    probes.setRemoveOnCancelPolicy(true);
    probes.prestartAllCoreThreads();
    // Stopping an app blocks (its stop(), its threads ending); each stop gets a worker.
    workers = Executors.newCachedThreadPool(new HostThreads("unload"));
  }

  /** Adds the host's routes to {@code server}. */
  public ApiServer routes(ApiServer server) {
    return server
        .route("GET", "/v1/apps", request -> Response.ok(list()))
        .route("PUT", "/v1/apps/([^/]+)", request -> put(request.pathParams().get(0),
            request.bodyAs(LoadRequest.class)))
        .route("DELETE", "/v1/apps/([^/]+)", request -> delete(request.pathParams().get(0)))
        .route("GET", "/v1/health", request -> Response.ok(hostState(gcAsked(request.query()))));
  }

  public Path dir() {
    return dir;
  }

  HostSettings settings() {
    return settings;
  }

  AppList list() {
    List<AppState> states = new ArrayList<>();
    synchronized (apps) {
      apps.values().forEach(app -> states.add(app.state()));
    }
    states.sort(Comparator.comparing(AppState::name));
    return new AppList(states);
  }

  /** 202: the work goes on in the background; the body is the state the request leads to first. */
  Response put(String name, LoadRequest body) throws InterruptedException, ExecutionException, TimeoutException {
    checkName(name);
    LoadRequest request = LoadRequests.normalize(body, dir);
    CompletableFuture<AppState> accepted;
    synchronized (apps) {
      HostedApp app = apps.computeIfAbsent(name, n -> new HostedApp(n, settings, probes, workers,
          leaving.getOrDefault(n, CompletableFuture.completedFuture(null))));
      accepted = app.load(request, body.digest());
    }
    return new Response(202, accepted.get(ACCEPT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  /**
   * 204 once the app is stopped and its class loader closed, or once the stop timeout has passed
   * (the unloading then ends in the background); 404 when there is no such app.
   */
  Response delete(String name) throws InterruptedException {
    checkName(name);
    CompletableFuture<Void> gone;
    synchronized (apps) {
      HostedApp app = apps.remove(name);
      if (app == null) {
        return new Response(404, new RuntimeApi.Problem("NotFound", "no app " + name + " in this host"));
      }
      gone = app.unload();
      leaving.put(name, gone);
      gone.whenComplete((ignored, error) -> {
        synchronized (apps) {
          leaving.remove(name, gone);
        }
      });
    }
    try {
      gone.get(settings.stopTimeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException stillUnloading) {
      LOG.warn("app {}: still unloading after {} ms; answering the DELETE anyway", name,
          settings.stopTimeout().toMillis() + 2_000);
    }
    return new Response(204, null);
  }

  /** The host JVM's figures; with {@code gc}, after full collections, so they show what unloading released. */
  HostState hostState(boolean gc) throws InterruptedException {
    if (gc) {
      // Several rounds: a loader is collected in one, its classes' metadata freed in a later one.
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(50);
      }
    }
    ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getName().equals("Metaspace"))
        .mapToLong(pool -> pool.getUsage().getUsed())
        .sum();
    int count;
    synchronized (apps) {
      count = apps.size();
    }
    return new HostState(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), metaspace,
        classes.getLoadedClassCount(), classes.getUnloadedClassCount(), count);
  }

  private static boolean gcAsked(String query) {
    if (query == null) {
      return false;
    }
    for (String part : query.split("&")) {
      if (part.equals("gc=true") || part.equals("gc")) {
        return true;
      }
    }
    return false;
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("app name '" + name + "' is not a DNS-1123 label");
    }
  }

  /** Stops and unloads every app (SIGTERM), waiting up to the stop timeout and a little more. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> unloading = new ArrayList<>();
    synchronized (apps) {
      apps.forEach((name, app) -> unloading.add(app.unload()));
      apps.clear();
    }
    try {
      CompletableFuture.allOf(unloading.toArray(CompletableFuture[]::new))
          .get(settings.stopTimeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("not every app stopped in time: {}", e.toString());
    }
    probes.shutdownNow();
    workers.shutdownNow();
  }
}
