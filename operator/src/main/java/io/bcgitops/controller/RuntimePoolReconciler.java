package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.embedded.PoolApps;
import io.bcgitops.embedded.RuntimeApiException;
import io.bcgitops.embedded.RuntimeClient;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.DeploymentPods;
import io.bcgitops.kube.ManagedFields;
import io.bcgitops.kube.PodImages;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a RuntimePool: its token Secret ({@link PoolTokens}: read by name, not watched), and its Service,
 * NetworkPolicy and Deployment as JOSDK dependents it owns, and, once its pod
 * is available, one poll of the pool's API per interval whose answer (the apps its JVM runs) goes into the pool's
 * status, written only when it changed. Every embedded AppDeployment of the pool reads its state from there: one
 * call per pool per interval, whatever the number of apps. A pool the operator created for an app ({@link
 * Api#CREATED_BY_LABEL}) is deleted once no AppDeployment names it; one a user wrote is theirs.
 */
@ControllerConfiguration(name = RuntimePoolReconciler.NAME)
public class RuntimePoolReconciler implements Reconciler<RuntimePool>, Cleaner<RuntimePool> {
  public static final String NAME = "runtimepool";
  private static final Logger LOG = LoggerFactory.getLogger(RuntimePoolReconciler.class);
  /** How often a pool's API is asked what its apps do, when they all run; and while one is on its way. */
  static final Duration POLL = Duration.ofSeconds(10);
  static final Duration POLL_BUSY = Duration.ofSeconds(2);
  private static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Set<EmbeddedState> SETTLED = Set.of(EmbeddedState.Running, EmbeddedState.Crashed,
      EmbeddedState.Failed);

  private final PodImages images;
  private final RuntimePoolAddress address;
  private final SimpleInboundEventSource<RuntimePool> pollRequests;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_CONNECT_TIMEOUT).build();
  private final PoolTokens tokens = new PoolTokens();
  private final String operatorNamespace;
  private Workflow<RuntimePool> workflow;
  private PoolDeployment deployments;
  private InformerEventSource<Pod, RuntimePool> pods;
  private InformerEventSource<ReplicaSet, RuntimePool> replicaSets;
  private InformerEventSource<AppDeployment, RuntimePool> apps;

  /**
   * @param pollRequests where an embedded app that just changed something in its pool asks for a poll now
   * @param operatorNamespace where the operator's pods run: what the pools' NetworkPolicies admit to their APIs
   */
  RuntimePoolReconciler(PodImages images, RuntimePoolAddress address,
      SimpleInboundEventSource<RuntimePool> pollRequests, Clock clock, String operatorNamespace) {
    this.images = images;
    this.operatorNamespace = operatorNamespace;
    this.address = address;
    this.pollRequests = pollRequests;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, RuntimePool>> prepareEventSources(EventSourceContext<RuntimePool> context) {
    // The Deployment's pod mounts the token Secret: reconcile() makes sure of it before the workflow runs.
    deployments = new PoolDeployment(images);
    workflow = new WorkflowBuilder<RuntimePool>()
        .addDependentResource(new PoolService())
        .addDependentResource(new PoolNetworkPolicy(operatorNamespace))
        .addDependentResource(deployments)
        .withThrowExceptionFurther(false)
        .build();
    List<EventSource<?, RuntimePool>> sources = new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(context,
        workflow));
    // The pool's pod: its name goes into status; its start or end is a reason to poll at once. Pods and ReplicaSets
    // wake their pool by label; which pod is the pool's is their owner chain's say (currentPod).
    pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, RuntimePool.class)
        .withName("pool-pods")
        .withLabelSelector(Api.RUNTIME_LABEL)
        .withItemStore(new TransformingItemStore<>(ManagedFields::dropped))
        .withSecondaryToPrimaryMapper(RuntimePoolReconciler::poolOf)
        .build(), context);
    replicaSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(ReplicaSet.class, RuntimePool.class)
        .withName("pool-replicasets")
        .withLabelSelector(Api.RUNTIME_LABEL)
        .withItemStore(new TransformingItemStore<>(DeploymentPods::slim))
        .withSecondaryToPrimaryMapper(RuntimePoolReconciler::poolOf)
        .build(), context);
    // Which pools AppDeployments name: each kept as its name, isolation and runtime only.
    apps = new InformerEventSource<>(InformerEventSourceConfiguration.from(AppDeployment.class, RuntimePool.class)
        .withName("pool-apps")
        .withItemStore(new TransformingItemStore<>(RuntimePoolReconciler::poolReference))
        .withSecondaryToPrimaryMapper(app -> Set.of(new ResourceID(AppSpecs.runtime(app),
            app.getMetadata().getNamespace())))
        .build(), context);
    sources.add(pods);
    sources.add(replicaSets);
    sources.add(apps);
    sources.add(pollRequests);
    return sources;
  }

  @Override
  public UpdateControl<RuntimePool> reconcile(RuntimePool pool, Context<RuntimePool> context) {
    if (isUnused(pool, context)) {
      LOG.info("deleting runtime pool {}/{}: the operator created it and no AppDeployment names it any more",
          pool.getMetadata().getNamespace(), pool.getMetadata().getName());
      context.getClient().resource(pool).delete();
      return UpdateControl.noUpdate();
    }
    RuntimePoolStatus status = pool.getStatus() == null ? new RuntimePoolStatus()
        : JsonContent.copy(pool.getStatus());
    ConditionSet conditions = new ConditionSet(status.getConditions(), pool.getMetadata().getGeneration(), clock);
    List<String> problems = RuntimePools.problems(pool.getSpec());
    String failed = null;
    if (problems.isEmpty()) {
      failed = tokenProblem(pool, context);
      if (failed == null) {
        failed = workflow.reconcile(pool, context).getErroredDependents().values().stream().findFirst()
            .map(RuntimePoolReconciler::oneLine).orElse(null);
      }
      status.setMemoryLimit(RuntimePools.hostMemory(pool.getSpec()).toString());
    }
    boolean busy = observe(pool, context, status, conditions, problems);
    if (failed != null) {
      // Said, and tried again soon: an API server refusing a write (a name taken by an object of someone else's).
      conditions.set(Conditions.READY, false, Reasons.RECONCILE_ERROR, failed)
          .set(Conditions.RECONCILING, true, Reasons.RECONCILE_ERROR, failed);
      busy = true;
    }
    status.setConditions(conditions.toList());
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    if (!sameToAReader(status, pool.getStatus())) {
      pool.setStatus(status);
      context.resourceOperations().updatePrimaryStatus(pool);
    }
    return UpdateControl.<RuntimePool>noUpdate().rescheduleAfter(busy ? POLL_BUSY : POLL);
  }

  /**
   * The pool's pod and what its API says into status, and its conditions.
   *
   * @return whether to look again soon: the pool or one of its apps is on its way
   */
  private boolean observe(RuntimePool pool, Context<RuntimePool> context, RuntimePoolStatus status,
      ConditionSet conditions, List<String> problems) {
    String namespace = pool.getMetadata().getNamespace();
    String name = RuntimePools.name(pool.getMetadata().getName());
    // By its name, the one the pool writes: another Deployment labelled as the pool's is not its.
    Deployment deployment = deployments.getSecondaryResource(pool, context).orElse(null);
    status.setPod(deployment == null ? null : currentPod(namespace, deployment));
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      conditions.set(Conditions.READY, false, Reasons.INVALID_SPEC, message)
          .set(Conditions.STALLED, true, Reasons.INVALID_SPEC, message).remove(Conditions.RECONCILING);
      // Its apps go on as they run: the poll below still feeds them.
    } else {
      conditions.remove(Conditions.STALLED);
    }
    if (!isAvailable(deployment) || status.getPod() == null) {
      // Looked up again next time: a pod that cannot start may be missing its Secret, which is then created again.
      tokens.forget(pool);
      status.setApps(null);
      status.setAppCount(null);
      if (problems.isEmpty()) {
        unavailable(pool, deployment, name, conditions);
      }
      return true;
    }
    List<AppState> polled;
    try {
      polled = client(pool, context).apps();
    } catch (RuntimeApiException e) {
      if (RuntimeClient.UNAUTHORIZED.equals(e.reason())) {
        tokens.forget(pool);
      }
      status.setApps(null);
      status.setAppCount(null);
      if (problems.isEmpty()) {
        conditions.set(Conditions.READY, false, Reasons.RUNTIME_UNAVAILABLE, e.getMessage())
            .set(Conditions.RECONCILING, true, Reasons.RUNTIME_UNAVAILABLE, e.getMessage());
      }
      return true;
    }
    List<RuntimePoolStatus.App> running = polled.stream().map(PoolApps::toStatus)
        .sorted(Comparator.comparing(RuntimePoolStatus.App::getName)).toList();
    status.setApps(running);
    status.setAppCount(running.size());
    List<String> starting = running.stream().filter(a -> !SETTLED.contains(a.getState()))
        .map(RuntimePoolStatus.App::getName).toList();
    List<String> notRunning = running.stream().filter(a -> a.getState() != EmbeddedState.Running
        || !"healthy".equals(a.getHealth())).map(a -> a.getName() + " (" + a.getState() + ", " + a.getHealth() + ")")
        .toList();
    if (problems.isEmpty()) {
      if (notRunning.isEmpty()) {
        conditions.set(Conditions.READY, true, Reasons.SUCCEEDED, "pod " + status.getPod() + " runs "
            + (running.isEmpty() ? "no app" : running.size() == 1 ? "1 app" : running.size() + " apps"))
            .remove(Conditions.RECONCILING);
      } else {
        String message = "pod " + status.getPod() + " runs " + running.size() + " apps, not all of them healthy: "
            + String.join(", ", notRunning);
        conditions.set(Conditions.READY, false, starting.isEmpty() ? Reasons.APPS_NOT_RUNNING : Reasons.PROGRESSING,
            message);
        if (starting.isEmpty()) {
          conditions.remove(Conditions.RECONCILING);
        } else {
          conditions.set(Conditions.RECONCILING, true, Reasons.PROGRESSING, "starting " + String.join(", ", starting));
        }
      }
    }
    return !starting.isEmpty();
  }

  /**
   * The pool's pod: one of its Deployment's current template, through its owner chain (pod → ReplicaSet → the
   * Deployment the pool owns). A pod anyone labelled as the pool's is not it, nor is one of an older template.
   */
  private String currentPod(String namespace, Deployment deployment) {
    DeploymentPods chain = DeploymentPods.of(deployment, replicaSets.list(namespace).toList());
    return pods.list(namespace, p -> chain.isCurrent(p) && p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName()).sorted().findFirst().orElse(null);
  }

  private static Set<ResourceID> poolOf(HasMetadata labelled) {
    return Set.of(new ResourceID(labelled.getMetadata().getLabels().get(Api.RUNTIME_LABEL),
        labelled.getMetadata().getNamespace()));
  }

  /** What keeps the pool from having its token Secret, or null when it has it (the pod needs it to start). */
  private String tokenProblem(RuntimePool pool, Context<RuntimePool> context) {
    try {
      tokens.token(pool, context.getClient());
      return null;
    } catch (PoolTokens.Refused e) {
      return e.getMessage();
    } catch (KubernetesClientException e) {
      return oneLine(e);
    }
  }

  private static String oneLine(Exception e) {
    String message = e instanceof KubernetesClientException k && k.getStatus() != null
        && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : String.valueOf(e.getMessage());
    return "cannot write the pool's objects: " + message.lines().findFirst().orElse("");
  }

  private static void unavailable(RuntimePool pool, Deployment deployment, String name, ConditionSet conditions) {
    if (Integer.valueOf(0).equals(pool.getSpec().getReplicas())) {
      conditions.set(Conditions.READY, false, Reasons.SUSPENDED, "spec.replicas is 0: the pool runs no JVM")
          .remove(Conditions.RECONCILING);
      return;
    }
    boolean deadline = deployment != null && deployment.getStatus() != null
        && deployment.getStatus().getConditions() != null && deployment.getStatus().getConditions().stream()
        .anyMatch(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
            && Reasons.PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason()));
    String message = deadline ? "Deployment " + name + " got no available pod before its progress deadline"
        : "waiting for Deployment " + name + " to have an available pod";
    conditions.set(Conditions.READY, false, Reasons.RUNTIME_UNAVAILABLE, message);
    if (deadline) {
      conditions.set(Conditions.STALLED, true, Reasons.PROGRESS_DEADLINE_EXCEEDED, message)
          .remove(Conditions.RECONCILING);
    } else {
      conditions.set(Conditions.RECONCILING, true, Reasons.PROGRESSING, message);
    }
  }

  private static boolean isAvailable(Deployment deployment) {
    return deployment != null && deployment.getStatus() != null && deployment.getStatus().getAvailableReplicas() != null
        && deployment.getStatus().getAvailableReplicas() > 0;
  }

  /** A client with the pool's token as {@link PoolTokens} keeps it: no read of the API per poll. */
  private RuntimeClient client(RuntimePool pool, Context<RuntimePool> context) throws RuntimeApiException {
    String namespace = pool.getMetadata().getNamespace();
    String runtime = pool.getMetadata().getName();
    String token;
    try {
      token = tokens.token(pool, context.getClient());
    } catch (PoolTokens.Refused | KubernetesClientException e) {
      throw new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "no token for the runtime pool: " + e.getMessage());
    }
    return new RuntimeClient(http, address.host(namespace, runtime), address.loader(namespace, runtime), token);
  }

  /**
   * Whether the operator created the pool and no AppDeployment names it now. The cache says so first (no call to
   * the API while an app names the pool); the API is asked again before the pool goes, so that an app created or
   * changed since the cache last heard keeps it.
   */
  private boolean isUnused(RuntimePool pool, Context<RuntimePool> context) {
    if (!Api.CREATED_BY_OPERATOR.equals(pool.getMetadata().getLabels() == null ? null
        : pool.getMetadata().getLabels().get(Api.CREATED_BY_LABEL))) {
      return false;
    }
    String namespace = pool.getMetadata().getNamespace();
    String runtime = pool.getMetadata().getName();
    if (apps.list(namespace, app -> names(app, runtime)).findAny().isPresent()) {
      return false;
    }
    return context.getClient().resources(AppDeployment.class).inNamespace(namespace).list().getItems().stream()
        .noneMatch(app -> names(app, runtime));
  }

  /** Whether the app runs in the pool, or is to: embedded, not being deleted, naming it. */
  private static boolean names(AppDeployment app, String runtime) {
    return app.getMetadata().getDeletionTimestamp() == null && AppSpecs.isEmbedded(app)
        && runtime.equals(AppSpecs.runtime(app));
  }

  /** An AppDeployment reduced to what says which pool it names (TransformingItemStore puts back its name). */
  private static AppDeployment poolReference(AppDeployment app) {
    AppDeployment reference = new AppDeployment();
    reference.setMetadata(new ObjectMetaBuilder().withUid(app.getMetadata().getUid())
        .withDeletionTimestamp(app.getMetadata().getDeletionTimestamp()).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setIsolation(AppSpecs.isEmbedded(app) ? Isolation.embedded : Isolation.vm);
    spec.setRuntime(AppSpecs.runtime(app));
    reference.setSpec(spec);
    return reference;
  }

  /** A health check's time alone is no reason to write: that would be a write per pool per poll. */
  private static boolean sameToAReader(RuntimePoolStatus next, RuntimePoolStatus previous) {
    if (previous == null) {
      return false;
    }
    RuntimePoolStatus comparable = JsonContent.copy(next);
    if (comparable.getApps() != null && previous.getApps() != null) {
      for (RuntimePoolStatus.App app : comparable.getApps()) {
        previous.getApps().stream().filter(p -> Objects.equals(p.getName(), app.getName())).findFirst()
            .ifPresent(p -> app.setLastHealthCheck(p.getLastHealthCheck()));
      }
    }
    return JsonContent.same(comparable, previous);
  }

  @Override
  public DeleteControl cleanup(RuntimePool pool, Context<RuntimePool> context) {
    workflow.cleanup(pool, context);
    tokens.delete(pool, context.getClient());
    LOG.info("removed runtime pool {}/{}", pool.getMetadata().getNamespace(),
        RuntimePools.name(pool.getMetadata().getName()));
    return DeleteControl.defaultDelete();
  }
}
