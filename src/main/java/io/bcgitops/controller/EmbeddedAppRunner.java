package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus.Health;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolStatus;
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
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
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
 * Runs an embedded app: makes sure its RuntimePool exists, has the loader fetch the jar and the host load (or
 * upgrade) it, and reads the app's state from the pool's status, where the pool's one poll per interval puts what
 * the host runs (RuntimePoolReconciler): no call to the pool or the API server while nothing changes. A restarted
 * runtime pod, which has lost its apps, gets them back when its status says so. What the host runs is told by the
 * digest of the request it accepted, not by what this operator remembers: a new leader loads nothing again.
 */
final class EmbeddedAppRunner {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAppRunner.class);
  private static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final RuntimePoolAddress address;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_CONNECT_TIMEOUT).build();
  /** Each pool's API token by namespace/runtime; never logged. */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final InformerEventSource<RuntimePool, AppDeployment> pools;
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

  EmbeddedAppRunner(RuntimePoolAddress address, InformerEventSource<RuntimePool, AppDeployment> pools,
      SimpleInboundEventSource<RuntimePool> pollRequests, EventRecorder events, OperatorMetrics metrics) {
    this.address = address;
    this.pools = pools;
    this.pollRequests = pollRequests;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * @param holdNewVersion the app's dependencies are not Ready: a version the host does not run yet
   *     waits, the one it runs keeps running
   */
  AppOutcome run(AppDeployment app, Context<AppDeployment> context, AppDeploymentStatus status,
      boolean holdNewVersion) {
    String namespace = app.getMetadata().getNamespace();
    String runtime = app.getSpec().getRuntime();
    RuntimePool pool = pools.get(new ResourceID(runtime, namespace)).orElse(null);
    if (pool == null) {
      createPool(namespace, runtime, context);
    }
    RuntimePoolStatus seen = pool == null || pool.isMarkedForDeletion() ? null : pool.getStatus();
    if (seen == null || seen.getPod() == null || seen.getApps() == null) {
      Condition ready = seen == null ? null : Conditions.find(seen.getConditions(), Conditions.READY);
      return AppOutcome.progressing(status.getDeployedVersion() == null ? Phase.Deploying : Phase.Degraded,
          Reasons.RUNTIME_UNAVAILABLE, "waiting for runtime pool " + RuntimePools.name(runtime) + " to be ready"
          + (ready == null ? "" : ": " + ready.getMessage()), Health.unknown);
    }
    status.setNode(seen.getPod());
    String name = app.getMetadata().getName();
    ResourceID id = ResourceID.fromResource(app);
    Optional<AppState> state = seen.getApps().stream().filter(a -> name.equals(a.getName())).findFirst()
        .map(PoolApps::fromStatus);
    Load load = loads.get(id);
    if (load != null && load.poolVersion().equals(pool.getMetadata().getResourceVersion())) {
      state = Optional.of(load.state());
    } else if (load != null) {
      loads.remove(id);
    }
    try {
      String version = app.getSpec().getVersion();
      String running = state.filter(s -> s.state() != EmbeddedState.Stopped).map(AppState::version).orElse(null);
      if (holdNewVersion && !version.equals(running)) {
        return running == null
            // The pool restarted and lost the deployed version; only this spec's version can be loaded.
            ? AppOutcome.progressing(Phase.WaitingForDependencies, Reasons.WAITING_FOR_DEPENDENCIES, "runtime pool "
                + RuntimePools.name(runtime) + " no longer runs version " + status.getDeployedVersion() + "; version "
                + version + " is loaded once every dependency is Ready", Health.unknown)
            : held(version, state.get(), status);
      }
      RuntimeApi.LoadRequest wanted = loadRequest(app.getSpec(), null);
      if (running == null || !wanted.digest().equals(state.get().requestDigest())) {
        RuntimeClient client = client(namespace, runtime, context);
        Optional<JarInfo> jar = client.jar(name, version, jarRequest(app.getSpec(), artifactCredentials(app, context)));
        if (jar.isEmpty()) {
          return fetchingJar(version, state, status);
        }
        announce(app, running, status);
        state = Optional.of(client.load(name, loadRequest(app.getSpec(), jar.get().path())));
        loads.put(id, new Load(pool.getMetadata().getResourceVersion(), state.get()));
        // The pool's next poll, not in an interval: it tells this app, and every other of the pool, what came of it.
        pollRequests.propagateEvent(ResourceID.fromResource(pool));
      }
      return outcomeOf(app, state.orElseThrow(), status);
    } catch (RuntimeApiException e) {
      if (RuntimeClient.UNAUTHORIZED.equals(e.reason())) {
        tokens.remove(namespace + "/" + runtime);
      }
      return failureOf(e, status, app.getSpec().getVersion());
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

  /**
   * A RuntimePool with every default, marked as the operator's: it deletes it again once no app names it. Another
   * app's reconcile may have created it first.
   */
  private static void createPool(String namespace, String runtime, Context<AppDeployment> context) {
    RuntimePool pool = RuntimePools.withDefaults(namespace, runtime);
    pool.getMetadata().setLabels(Map.of(Api.CREATED_BY_LABEL, Api.CREATED_BY_OPERATOR));
    try {
      context.getClient().resource(pool).create();
      LOG.info("created RuntimePool {}/{} with defaults for the embedded apps that name it", namespace, runtime);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
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
   * The loader fetches the jar in the background; the reconcile returns at once and asks again at the next poll (a
   * download may take minutes: a reconcile thread waiting for it would be one less for every other app).
   */
  private static AppOutcome fetchingJar(String version, Optional<AppState> state, AppDeploymentStatus status) {
    boolean upgrade = status.getDeployedVersion() != null && !version.equals(status.getDeployedVersion());
    boolean healthy = state.filter(s -> "healthy".equals(s.health())).isPresent();
    return AppOutcome.progressing(upgrade ? Phase.Upgrading : Phase.Deploying, Reasons.PROGRESSING,
        "fetching the jar of version " + version, healthy ? Health.healthy : Health.unknown);
  }

  /** An upgrade waiting for the app's dependencies: the version the host runs keeps running. */
  private static AppOutcome held(String version, AppState running, AppDeploymentStatus status) {
    status.setRestarts(running.restarts());
    return AppOutcome.progressing(Phase.WaitingForDependencies, Reasons.WAITING_FOR_DEPENDENCIES, "the upgrade to "
        + version + " waits until every dependency is Ready; version " + running.version() + " keeps running",
        "healthy".equals(running.health()) ? Health.healthy : Health.unknown);
  }

  /**
   * The event, log line and metric of a load: a deploy, an upgrade, a change of the running
   * version's env, args or health, or the deployed version loaded again into a pool that lost it.
   */
  private void announce(AppDeployment app, String running, AppDeploymentStatus status) {
    String version = app.getSpec().getVersion();
    String pool = RuntimePools.name(app.getSpec().getRuntime());
    LOG.info("loading app {}/{} version {} into runtime pool {}", app.getMetadata().getNamespace(),
        app.getMetadata().getName(), version, pool);
    if (running == null && version.equals(status.getDeployedVersion())) {
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

  private static AppOutcome outcomeOf(AppDeployment app, AppState state, AppDeploymentStatus status) {
    String version = app.getSpec().getVersion();
    status.setRestarts(state.restarts());
    status.setLastHealthCheck(state.lastHealthCheck());
    boolean upgradeFailed = version.equals(state.failedVersion()) && !version.equals(state.version());
    if (state.state() == EmbeddedState.Running && version.equals(state.version())) {
      status.setStartedAt(state.startedAt());
      if ("unhealthy".equals(state.health())) {
        return AppOutcome.progressing(Phase.Degraded, Reasons.HEALTH_CHECK_FAILED, "version " + version
            + " fails its health check" + detail(state), Health.unhealthy);
      }
      if (!version.equals(status.getDeployedVersion())) {
        if (status.getDeployedVersion() != null) {
          status.setPreviousVersion(status.getDeployedVersion());
        }
        status.setDeployedVersion(version);
      }
      return AppOutcome.ready("version " + version + " is running in runtime pool "
          + RuntimePools.name(app.getSpec().getRuntime()));
    }
    if (upgradeFailed && state.state() == EmbeddedState.Running) {
      return AppOutcome.stalled(Phase.Degraded, Reasons.UPGRADE_FAILED, "version " + version + " failed to start"
          + detail(state) + "; version " + state.version() + " keeps running", Health.healthy);
    }
    boolean wasRunning = version.equals(status.getDeployedVersion()) || status.getDeployedVersion() != null;
    return switch (state.state()) {
      case Crashed -> AppOutcome.stalled(wasRunning ? Phase.Degraded : Phase.Failed, Reasons.CRASH_LOOP_BACK_OFF,
          "version " + state.version() + " crashed and is restarted with back-off (" + state.restarts() + " restarts)"
              + detail(state), Health.unhealthy);
      case Failed -> AppOutcome.stalled(Phase.Failed, Reasons.START_FAILED, "version " + state.version()
          + " cannot start" + detail(state), Health.unhealthy);
      default -> AppOutcome.progressing(status.getDeployedVersion() != null && !version.equals(status.getDeployedVersion())
          ? Phase.Upgrading : Phase.Deploying, Reasons.PROGRESSING, "version " + version + " is starting",
          Health.unknown);
    };
  }

  private static AppOutcome failureOf(RuntimeApiException e, AppDeploymentStatus status, String version) {
    if (Reasons.RUNTIME_UNAVAILABLE.equals(e.reason())) {
      return AppOutcome.progressing(status.getDeployedVersion() == null ? Phase.Deploying : Phase.Degraded,
          Reasons.RUNTIME_UNAVAILABLE, e.getMessage(), Health.unknown);
    }
    if (status.getDeployedVersion() != null && !version.equals(status.getDeployedVersion())) {
      return AppOutcome.stalled(Phase.Degraded, e.reason(), e.getMessage() + "; version "
          + status.getDeployedVersion() + " keeps running", Health.healthy);
    }
    return AppOutcome.stalled(Phase.Failed, e.reason(), e.getMessage(), Health.unknown);
  }

  private static String detail(AppState state) {
    return state.message() == null || state.message().isBlank() ? "" : ": " + state.message();
  }
}
