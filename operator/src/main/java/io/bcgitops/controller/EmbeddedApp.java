package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.PoolApps;
import io.bcgitops.embedded.RuntimeApiException;
import io.bcgitops.embedded.RuntimeClient;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.JarInfo;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.spec.HttpCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded app in its runtime pool, as a JOSDK external dependent of its AppDeployment: reconciled once its
 * RuntimePool answers ({@link AppRuntimePool}), it has the loader fetch the jar and the host load (or upgrade) it.
 * What the host runs is read from the pool's status, where the pool's one poll per interval puts it
 * (RuntimePoolReconciler): no call to the pool or the API server while nothing changes. A restarted runtime pod,
 * which has lost its apps, gets them back when its status says so. What the host runs is told by the digest of the
 * request it accepted, not by what this operator remembers: a new leader loads nothing again.
 */
final class EmbeddedApp implements DependentResource<AppState, AppDeployment>, Deleter<AppDeployment> {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedApp.class);
  private static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final RuntimePoolAddress address;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_CONNECT_TIMEOUT).build();
  /** Each pool's API token by namespace/runtime; never logged. */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final SimpleInboundEventSource<RuntimePool> pollRequests;
  /**
   * What the host answered to a load, by app, until the pool's status is written again: a status from a poll
   * before the load does not know of it, and the app would be loaded twice.
   */
  private final Map<ResourceID, Load> loads = new ConcurrentHashMap<>();

  private final EventRecorder events;
  private final OperatorMetrics metrics;

  /** A load's answer, and the pool's resourceVersion when it was made. */
  private record Load(String poolVersion, AppState state) {
  }

  /** The pool refused a request or could not be reached: said in the app's status, not retried as an error. */
  static final class PoolRefused extends RuntimeException {
    PoolRefused(RuntimeApiException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    RuntimeApiException refusal() {
      return (RuntimeApiException) getCause();
    }
  }

  /** @param pollRequests where an app asks its pool's controller for a poll now, after a load */
  EmbeddedApp(RuntimePoolAddress address, SimpleInboundEventSource<RuntimePool> pollRequests, EventRecorder events,
      OperatorMetrics metrics) {
    this.address = address;
    this.pollRequests = pollRequests;
    this.events = events;
    this.metrics = metrics;
  }

  /** The reconcile precondition: an app moved to vm isolation leaves its pool. */
  static boolean wanted(AppDeployment app) {
    return app.getSpec().getIsolation() == Isolation.embedded;
  }

  @Override
  public Class<AppState> resourceType() {
    return AppState.class;
  }

  /** What the pool runs of the app: its last load's answer until the pool's status is newer, else the status's. */
  @Override
  public Optional<AppState> getSecondaryResource(AppDeployment app, Context<AppDeployment> context) {
    Optional<RuntimePool> pool = context.getSecondaryResource(RuntimePool.class);
    if (pool.isEmpty() || pool.get().getStatus() == null || pool.get().getStatus().getApps() == null) {
      return Optional.empty();
    }
    ResourceID id = ResourceID.fromResource(app);
    Load load = loads.get(id);
    if (load != null && load.poolVersion().equals(pool.get().getMetadata().getResourceVersion())) {
      return Optional.of(load.state());
    } else if (load != null) {
      loads.remove(id, load);
    }
    String name = app.getMetadata().getName();
    return pool.get().getStatus().getApps().stream().filter(a -> name.equals(a.getName())).findFirst()
        .map(PoolApps::fromStatus);
  }

  /** Whether the host runs the app (in any state but Stopped, which it left behind). */
  static boolean isLoaded(AppState state) {
    return state.state() != EmbeddedState.Stopped;
  }

  /** Whether the host runs what the spec asks: its version, env, args and health check. */
  static boolean loadedAsAsked(AppDeploymentSpec spec, Optional<AppState> state) {
    return state.filter(EmbeddedApp::isLoaded)
        .filter(s -> loadRequest(spec, null).digest().equals(s.requestDigest())).isPresent();
  }

  /**
   * Loads the spec's version once the loader has its jar; a version the host does not run yet waits while the app
   * is held back by its dependencies.
   */
  @Override
  public ReconcileResult<AppState> reconcile(AppDeployment app, Context<AppDeployment> context) {
    Optional<AppState> state = getSecondaryResource(app, context);
    String version = app.getSpec().getVersion();
    String running = state.filter(EmbeddedApp::isLoaded).map(AppState::version).orElse(null);
    if (AppWorkflow.held(context) && !version.equals(running) || loadedAsAsked(app.getSpec(), state)) {
      return ReconcileResult.noOperation(state.orElse(null));
    }
    RuntimePool pool = context.getSecondaryResource(RuntimePool.class).orElseThrow();
    String namespace = app.getMetadata().getNamespace();
    String runtime = app.getSpec().getRuntime();
    try {
      RuntimeClient client = client(namespace, runtime, context);
      Optional<JarInfo> jar = client.jar(app.getMetadata().getName(), version,
          jarRequest(app.getSpec(), artifactCredentials(app, context)));
      if (jar.isEmpty()) {
        // The loader fetches it in the background (a download may take minutes: a reconcile thread waiting for
        // it would be one less for every other app); asked again at the pool's next poll.
        return ReconcileResult.noOperation(state.orElse(null));
      }
      announce(app, running, app.getStatus() == null ? null : app.getStatus().getDeployedVersion());
      AppState loaded = client.load(app.getMetadata().getName(), loadRequest(app.getSpec(), jar.get().path()));
      loads.put(ResourceID.fromResource(app), new Load(pool.getMetadata().getResourceVersion(), loaded));
      // The pool's next poll, not in an interval: it tells this app, and every other of the pool, what came of it.
      pollRequests.propagateEvent(ResourceID.fromResource(pool));
      return running == null ? ReconcileResult.resourceCreated(loaded) : ReconcileResult.resourceUpdated(loaded);
    } catch (RuntimeApiException e) {
      if (RuntimeClient.UNAUTHORIZED.equals(e.reason())) {
        tokens.remove(namespace + "/" + runtime);
      }
      throw new PoolRefused(e);
    }
  }

  /** An app moved to vm isolation leaves its pool, when it ran there (its status says so). */
  @Override
  public void delete(AppDeployment app, Context<AppDeployment> context) {
    if (app.getStatus() != null && app.getStatus().getIsolation() == Isolation.embedded) {
      remove(app, context);
    }
  }

  /** Removes the app from its pool; the pool, when the operator created it and no app names it, goes by itself. */
  void remove(AppDeployment app, Context<AppDeployment> context) {
    String namespace = app.getMetadata().getNamespace();
    String runtime = AppSpecs.runtime(app);
    loads.remove(ResourceID.fromResource(app));
    try {
      RuntimeClient client = client(namespace, runtime, context);
      client.remove(app.getMetadata().getName());
      if (app.getSpec().getVersion() != null) {
        client.deleteJar(app.getMetadata().getName(), app.getSpec().getVersion());
      }
    } catch (RuntimeApiException | KubernetesClientException e) {
      // A pool that is gone or not answering holds nothing worth keeping the AppDeployment for.
      LOG.info("could not remove app {}/{} from its runtime pool: {}", namespace, app.getMetadata().getName(),
          e.getMessage());
    }
  }

  /** A client with the pool's token, read from its Secret once and again only after the pool refused it. */
  private RuntimeClient client(String namespace, String runtime, Context<AppDeployment> context)
      throws RuntimeApiException {
    String token = tokens.get(namespace + "/" + runtime);
    if (token == null) {
      Secret secret = context.getClient().secrets().inNamespace(namespace)
          .withName(RuntimePools.tokenSecretName(runtime)).get();
      token = RuntimePools.token(secret, RuntimePools.TOKEN_KEY).orElseThrow(() -> new RuntimeApiException(
          Reasons.RUNTIME_UNAVAILABLE, "the runtime pool's token Secret " + RuntimePools.tokenSecretName(runtime)
          + " is missing"));
      tokens.put(namespace + "/" + runtime, token);
    }
    return new RuntimeClient(http, address.host(namespace, runtime), address.loader(namespace, runtime), token);
  }

  /**
   * The event, log line and metric of a load: a deploy, an upgrade, a change of the running
   * version's env, args or health, or the deployed version loaded again into a pool that lost it.
   */
  private void announce(AppDeployment app, String running, String deployed) {
    String version = app.getSpec().getVersion();
    String pool = RuntimePools.name(app.getSpec().getRuntime());
    LOG.info("loading app {}/{} version {} into runtime pool {}", app.getMetadata().getNamespace(),
        app.getMetadata().getName(), version, pool);
    if (running == null && version.equals(deployed)) {
      events.normal(app, "Reloading", "loading version " + version + " again: runtime pool " + pool
          + " no longer runs it (its pod restarted)");
    } else if (running == null) {
      metrics.appAction(OperatorMetrics.ACTION_DEPLOY, true);
      events.normal(app, "Deploying", "deploying version " + version + " in runtime pool " + pool);
    } else if (!running.equals(version)) {
      metrics.appAction(OperatorMetrics.ACTION_UPGRADE, true);
      events.normal(app, "Upgrading", "upgrading from " + running + " to " + version + " in runtime pool " + pool);
    } else {
      events.normal(app, "Restarting", "restarting version " + version + " with its new env, args or health check");
    }
  }

  /**
   * The app's artifact credentials, for the loader: read from the Secret here (the loader has no
   * access to the API) and sent in the jar request, over the pool's token-authenticated API.
   */
  private static HttpCredentials artifactCredentials(AppDeployment app, Context<AppDeployment> context)
      throws RuntimeApiException {
    HttpCredentials credentials;
    try {
      credentials = CredentialsSecrets.artifactCredentials(app, context.getClient());
    } catch (CredentialsSecrets.Unusable e) {
      throw new RuntimeApiException(Reasons.AUTHENTICATION_FAILED, e.getMessage());
    }
    return credentials.present() ? credentials : null;
  }

  private static RuntimeApi.JarRequest jarRequest(AppDeploymentSpec spec, HttpCredentials credentials) {
    AppSource source = spec.getSource();
    return source.getType() == AppSource.Type.release
        ? new RuntimeApi.JarRequest(source.getUrl(), null, null, source.getSha256(), source.getMainClass(),
            credentials)
        : new RuntimeApi.JarRequest(null, source.coordinatesFor(spec.getVersion()), source.getRepository(),
            source.getSha256(), source.getMainClass(), credentials);
  }

  /** What the host is asked to run; without a jar (null), what its digest is compared with. */
  static RuntimeApi.LoadRequest loadRequest(AppDeploymentSpec spec, String jar) {
    HealthCheck h = spec.getHealth();
    RuntimeApi.Health health = h == null ? null : new RuntimeApi.Health(h.getType().name(), h.getPort(),
        h.getPath() == null ? "/" : h.getPath(), h.interval().toMillis(),
        h.timeout().toMillis(), h.getClassName());
    return new RuntimeApi.LoadRequest(spec.getVersion(), jar, spec.getSource().getMainClass(),
        Objects.requireNonNullElse(spec.getEnv(), Map.of()), Objects.requireNonNullElse(spec.getArgs(), List.of()),
        health);
  }
}
