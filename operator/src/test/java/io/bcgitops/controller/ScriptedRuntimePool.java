package io.bcgitops.controller;

import io.bcgitops.api.EmbeddedState;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeApi.AppState;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runtime pool's two APIs on loopback, answering as the host and loader do but from a script:
 * which versions fail to start, which jars fail to fetch. For the operator side's tests; the real
 * host and loader are tested as processes on their own.
 */
public final class ScriptedRuntimePool implements RuntimePoolAddress, AutoCloseable {
  final Map<String, AppState> apps = new ConcurrentHashMap<>();
  final Map<String, RuntimeApi.LoadRequest> loads = new ConcurrentHashMap<>();
  /** Versions that fail to start: an upgrade to one falls back to the running version. */
  final Set<String> failingVersions = ConcurrentHashMap.newKeySet();
  /** Jars the loader is still fetching, by "name/version": it answers 202 until they are taken out. */
  final Set<String> fetchingJars = ConcurrentHashMap.newKeySet();
  /** Jar fetches that fail, by "name/version": the loader's Problem. */
  final Map<String, RuntimeApi.Problem> failingJars = new ConcurrentHashMap<>();
  final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  /** How often the host was asked for its app list: the operator's poll. */
  final java.util.concurrent.atomic.AtomicInteger appLists = new java.util.concurrent.atomic.AtomicInteger();
  /** The last jar request the loader got, by "name/version": what the operator sent, credentials included. */
  final Map<String, RuntimeApi.JarRequest> jarRequests = new ConcurrentHashMap<>();
  private final ApiServer host;
  private final ApiServer loader;

  /** Starts both APIs on loopback ports, answering callers that present {@code token}. */
  public ScriptedRuntimePool(String token) throws Exception {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    // The host takes the token derived from the pool's, as a real pool's (PoolToken).
    host = new ApiServer(loopback, PoolToken.hostToken(token))
        // As the host, which checks each app every interval: a running app's lastHealthCheck moves on at every look.
        .route("GET", "/v1/apps", r -> {
          appLists.incrementAndGet();
          apps.replaceAll((name, state) -> state.state() == EmbeddedState.Running ? new AppState(name, state.version(),
              state.state(), state.health(), state.restarts(), state.startedAt(), Instant.now().toString(),
              state.failedVersion(), state.message(), state.requestDigest()) : state);
          return ApiServer.Response.ok(new RuntimeApi.AppList(new ArrayList<>(apps.values())));
        })
        .route("PUT", "/v1/apps/([a-z0-9-]+)", r -> {
          String name = r.pathParams().get(0);
          RuntimeApi.LoadRequest load = r.bodyAs(RuntimeApi.LoadRequest.class);
          calls.add("load " + name + " " + load.version());
          AppState running = apps.get(name);
          String digest = load.digest();
          loads.put(name, load);
          // As the host: the same request again changes nothing.
          if (running != null && digest.equals(running.requestDigest())) {
            return new ApiServer.Response(202, running);
          }
          AppState next = failingVersions.contains(load.version())
              ? (running == null
                  ? new AppState(name, load.version(), EmbeddedState.Crashed, "unhealthy", 3, null, null, null,
                      "start() threw", digest)
                  : new AppState(name, running.version(), EmbeddedState.Running, "healthy", running.restarts(),
                      running.startedAt(), null, load.version(), "start() threw IllegalStateException", digest))
              : new AppState(name, load.version(), EmbeddedState.Running, "healthy", 0, Instant.now().toString(),
                  Instant.now().toString(), null, null, digest);
          apps.put(name, next);
          return new ApiServer.Response(202, next);
        })
        .route("DELETE", "/v1/apps/([a-z0-9-]+)", r -> {
          calls.add("remove " + r.pathParams().get(0));
          return new ApiServer.Response(apps.remove(r.pathParams().get(0)) == null ? 404 : 204, null);
        })
        .start();
    loader = new ApiServer(loopback, token)
        .route("PUT", "/v1/jars/([a-z0-9-]+)/([^/]+)", r -> {
          String key = r.pathParams().get(0) + "/" + r.pathParams().get(1);
          calls.add("fetch " + key);
          jarRequests.put(key, r.bodyAs(RuntimeApi.JarRequest.class));
          if (fetchingJars.contains(key)) {
            return new ApiServer.Response(202, new RuntimeApi.JarFetching(r.pathParams().get(0),
                r.pathParams().get(1)));
          }
          RuntimeApi.Problem problem = failingJars.get(key);
          return problem != null ? new ApiServer.Response(422, problem)
              : ApiServer.Response.ok(new RuntimeApi.JarInfo(r.pathParams().get(0), r.pathParams().get(1),
                  RuntimeApi.SHARED_DIR + "/" + key + "/app.jar", 1234, "a".repeat(64)));
        })
        .route("DELETE", "/v1/jars/([a-z0-9-]+)/([^/]+)", r -> new ApiServer.Response(204, null))
        .start();
  }

  /** How often the host was asked for its app list so far (the operator's polls of the pool). */
  public int appListCalls() {
    return appLists.get();
  }

  /** The runtime pod restarted: the host holds no app any more. */
  void restart() {
    apps.clear();
  }

  @Override
  public URI host(String namespace, String runtime) {
    return URI.create("http://127.0.0.1:" + host.port());
  }

  @Override
  public URI loader(String namespace, String runtime) {
    return URI.create("http://127.0.0.1:" + loader.port());
  }

  @Override
  public void close() {
    host.close();
    loader.close();
  }
}
