package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.DeploymentPods;
import io.bcgitops.kube.ManagedFields;
import io.bcgitops.kube.PodImages;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.spec.DependencyOrder;
import io.bcgitops.vm.VmObservation;
import io.bcgitops.vm.VmObserver;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one app: checks its spec, waits for its dependencies, runs its dependents ({@link AppWorkflow}: the vm
 * Deployment, or the embedded app in its RuntimePool) and reports what the cluster shows into status
 * ({@link AppOutcome}). Driven by informers on its Deployment, its pods, its RuntimePool and the AppDeployments it
 * depends on, so a dying pod, a hand-edited Deployment or a dependency becoming Ready is seen at once.
 */
@ControllerConfiguration(name = AppDeploymentReconciler.NAME)
public class AppDeploymentReconciler implements Reconciler<AppDeployment>, Cleaner<AppDeployment> {
  public static final String NAME = "appdeployment";
  private static final String DEPENDENTS_INDEX = "dependents";
  private static final Logger LOG = LoggerFactory.getLogger(AppDeploymentReconciler.class);

  /**
   * How soon an embedded app on its way (its jar being fetched, its pool starting) is looked at again. One that
   * runs is not: its pool's status says when anything changes.
   */
  private static final Duration EMBEDDED_BUSY = RuntimePoolReconciler.POLL_BUSY;
  /** Secrets are not watched: a credentials Secret created or labelled later is seen at the next look. */
  private static final Duration CREDENTIALS_RECHECK = Duration.ofMinutes(1);

  private final PodImages images;
  private final RuntimePoolAddress poolAddress;
  private final SimpleInboundEventSource<RuntimePool> pollRequests;
  private final Clock clock;
  private InformerEventSource<Pod, AppDeployment> pods;
  private InformerEventSource<ReplicaSet, AppDeployment> replicaSets;
  private InformerEventSource<AppDeployment, AppDeployment> dependencies;
  private AppWorkflow workflow;

  private final EventRecorder events;
  private final OperatorMetrics metrics;

  /** @param pollRequests where an embedded app asks its pool's controller for a poll now, after a load */
  AppDeploymentReconciler(PodImages images, RuntimePoolAddress poolAddress,
      SimpleInboundEventSource<RuntimePool> pollRequests, EventRecorder events, OperatorMetrics metrics, Clock clock) {
    this.images = images;
    this.poolAddress = poolAddress;
    this.pollRequests = pollRequests;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, AppDeployment>> prepareEventSources(EventSourceContext<AppDeployment> context) {
    Map<String, Function<AppDeployment, List<String>>> indexers = new HashMap<>(AppRuntimePool.index());
    indexers.put(DEPENDENTS_INDEX, app -> app.getSpec().getDependsOn() == null ? List.of()
        : app.getSpec().getDependsOn().stream().map(d -> app.getMetadata().getNamespace() + "/" + d).toList());
    context.getPrimaryCache().addIndexers(indexers);
    workflow = new AppWorkflow(new VmDeployment(images, events, metrics), new AppRuntimePool(),
        new EmbeddedApp(poolAddress, pollRequests, events, metrics), this::observe);
    List<EventSource<?, AppDeployment>> sources = workflow.eventSources(context);
    metrics.trackAppPhases(() -> context.getPrimaryCache().list()
        .filter(app -> app.getStatus() != null && app.getStatus().getPhase() != null)
        .collect(Collectors.groupingBy(app -> app.getStatus().getPhase().name(), Collectors.counting())));
    // Pods and ReplicaSets wake their app by label; what counts for its status is their owner chain (VmObserver).
    pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, AppDeployment.class)
        .withLabelSelector(Api.APP_LABEL)
        .withItemStore(new TransformingItemStore<>(ManagedFields::dropped))
        .withSecondaryToPrimaryMapper(AppDeploymentReconciler::appOf)
        .build(), context);
    replicaSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(ReplicaSet.class, AppDeployment.class)
        .withLabelSelector(Api.APP_LABEL)
        .withItemStore(new TransformingItemStore<>(DeploymentPods::slim))
        .withSecondaryToPrimaryMapper(AppDeploymentReconciler::appOf)
        .build(), context);
    // A change of any AppDeployment (its Ready condition, say) wakes the apps that depend on it, and they read
    // their dependencies from this informer's cache: the one that delivered the change, so always as new as it.
    // The primary cache may not have seen it yet, and no later event would wake the dependents again. Each
    // AppDeployment is kept as what checkDependencies reads, not as a second full copy.
    dependencies = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(AppDeployment.class, AppDeployment.class)
            .withName("dependencies")
            .withItemStore(new TransformingItemStore<>(AppDeploymentReconciler::asDependency))
            .withSecondaryToPrimaryMapper(changed -> context.getPrimaryCache()
                .byIndex(DEPENDENTS_INDEX, changed.getMetadata().getNamespace() + "/" + changed.getMetadata().getName())
                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(), context);
    sources.addAll(List.of(pods, replicaSets, dependencies));
    return sources;
  }

  @Override
  public UpdateControl<AppDeployment> reconcile(AppDeployment app, Context<AppDeployment> context) {
    long started = System.nanoTime();
    AppDeploymentStatus status = app.getStatus() == null ? new AppDeploymentStatus()
        : context.getClient().getKubernetesSerialization().clone(app.getStatus());
    ConditionSet conditions = new ConditionSet(status.getConditions(), app.getMetadata().getGeneration(), clock);
    if (app.getSpec().getIsolation() != null) { // null: a spec this version cannot read keeps the last one known
      status.setIsolation(app.getSpec().getIsolation());
    }
    AppOutcome outcome = decide(app, context, status, conditions);
    metrics.reconciled(OperatorMetrics.KIND_APP_DEPLOYMENT, Duration.ofNanos(System.nanoTime() - started),
        !outcome.stalled());
    outcome.writeTo(status, conditions);
    status.setConditions(conditions.toList());
    status.setObservedGeneration(app.getMetadata().getGeneration());
    if (!sameToAReader(status, app.getStatus())) {
      events.readyChanged(app, app.getStatus() == null ? null : app.getStatus().getConditions(), status.getConditions());
      app.setStatus(status);
      context.resourceOperations().updatePrimaryStatus(app);
    }
    // A jar being fetched is asked for again; what the host does comes with its pool's status.
    if (app.getSpec().getIsolation() == Isolation.embedded && !app.getSpec().isSuspend() && !outcome.ready()
        && !outcome.stalled()) {
      return UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(EMBEDDED_BUSY);
    }
    return Reasons.AUTHENTICATION_FAILED.equals(outcome.reason())
        ? UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(CREDENTIALS_RECHECK) : UpdateControl.noUpdate();
  }

  /**
   * Whether a status write would tell a reader nothing new. The time of an embedded app's last
   * health check changes at every check: alone it is no reason to write (that would be a write per
   * app per interval, with nothing changing), so it is written along with the next real change.
   */
  private static boolean sameToAReader(AppDeploymentStatus next, AppDeploymentStatus previous) {
    if (previous == null) {
      return false;
    }
    AppDeploymentStatus comparable = JsonContent.copy(next);
    comparable.setLastHealthCheck(previous.getLastHealthCheck());
    return JsonContent.same(comparable, previous);
  }

  @Override
  public DeleteControl cleanup(AppDeployment app, Context<AppDeployment> context) {
    if (AppSpecs.isEmbedded(app)) {
      workflow.embedded().remove(app, context);
    }
    workflow.vm().delete(app, context);
    LOG.info("removed app {}/{}", app.getMetadata().getNamespace(), app.getMetadata().getName());
    events.normal(app, "Removed", app.getSpec().getVersion() == null ? "removed everything the app ran"
        : "removed version " + app.getSpec().getVersion() + " and everything it ran");
    metrics.appAction(OperatorMetrics.ACTION_REMOVE, true);
    events.forget(app);
    return DeleteControl.defaultDelete();
  }

  /** The steps, in order; the first that cannot go on says what the user sees. */
  private AppOutcome decide(AppDeployment app, Context<AppDeployment> context, AppDeploymentStatus status,
      ConditionSet conditions) {
    List<String> problems = AppSpecs.problems(app);
    if (!problems.isEmpty()) {
      return AppOutcome.needsUser(Reasons.INVALID_SPEC, String.join("; ", problems), isServing(app, status), status);
    }
    Optional<Deployment> deployment = workflow.vm().current(app, context);
    boolean dependenciesReady = checkDependencies(app, context, conditions);
    if (app.getSpec().isSuspend()) {
      return AppOutcome.suspended(status.getPhase() == null ? Phase.Pending : status.getPhase(), status.getHealth());
    }
    // Dependencies gate the first deploy and an upgrade, never a running app: a dependency being
    // upgraded leaves its dependents as they run.
    boolean held = !dependenciesReady && !app.getSpec().getVersion().equals(status.getDeployedVersion());
    boolean embedded = app.getSpec().getIsolation() == Isolation.embedded;
    if (held && (embedded ? status.getDeployedVersion() == null : deployment.isEmpty())) {
      // What an app moved to the other isolation ran goes, as the workflow's preconditions would have it.
      if (embedded) {
        workflow.vm().delete(app, context);
      } else {
        workflow.embedded().delete(app, context);
      }
      return AppOutcome.WAITING_FOR_FIRST_DEPLOY;
    }
    if (!embedded && !VmDeployment.holdsBack(app, deployment, held)) {
      try {
        // The pod reads the Secret itself (secretKeyRef): checked here, before a pod template may name it.
        CredentialsSecrets.artifactCredentials(app, context.getClient());
      } catch (CredentialsSecrets.Unusable e) {
        return AppOutcome.needsUser(Reasons.AUTHENTICATION_FAILED, e.getMessage(), isServing(app, status), status);
      }
    }
    return workflow.reconcile(app, context, held, status);
  }

  /** Whether an older spec of the app still serves: its Deployment has an available pod, or its pool runs it. */
  private boolean isServing(AppDeployment app, AppDeploymentStatus status) {
    // An embedded app stays loaded in its pool until its spec is valid again or it is removed.
    return status.getIsolation() == Isolation.embedded && status.getDeployedVersion() != null
        || workflow.vm().owned(app).stream().anyMatch(d -> d.getStatus() != null
            && d.getStatus().getAvailableReplicas() != null && d.getStatus().getAvailableReplicas() > 0);
  }

  /**
   * An AppDeployment reduced to what its dependents read: its dependencies, phase and Ready condition, and the
   * generation Ready is judged against (TransformingItemStore puts back name, namespace and version).
   */
  private static AppDeployment asDependency(AppDeployment app) {
    AppDeployment dependency = new AppDeployment();
    dependency.setMetadata(new ObjectMetaBuilder().withUid(app.getMetadata().getUid())
        .withGeneration(app.getMetadata().getGeneration()).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setDependsOn(app.getSpec() == null ? null : app.getSpec().getDependsOn());
    dependency.setSpec(spec);
    if (app.getStatus() != null) {
      AppDeploymentStatus status = new AppDeploymentStatus();
      status.setPhase(app.getStatus().getPhase());
      status.setConditions(app.getStatus().getConditions().stream()
          .filter(c -> Conditions.READY.equals(c.getType())).toList());
      dependency.setStatus(status);
    }
    return dependency;
  }

  private boolean checkDependencies(AppDeployment app, Context<AppDeployment> context, ConditionSet conditions) {
    List<String> dependsOn = Objects.requireNonNullElse(app.getSpec().getDependsOn(), List.of());
    String namespace = app.getMetadata().getNamespace();
    // AppDeployments written by hand (or by two sources) can wait for each other in a circle, which
    // no waiting ends: said as such, as a source's apps on a cycle are.
    List<String> cycle = cycleThrough(app, dependencies::get);
    if (!cycle.isEmpty()) {
      conditions.set(Conditions.DEPENDENCIES_READY, false, Reasons.DEPENDENCY_CYCLE,
          "dependsOn goes round in a cycle: " + String.join(" -> ", cycle));
      return false;
    }
    List<String> missing = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    for (String name : dependsOn) {
      Optional<AppDeployment> dependency = dependencies.get(new ResourceID(name, namespace));
      if (dependency.isEmpty()) {
        missing.add(name);
      } else if (!isReady(dependency.get())) {
        Phase phase = dependency.get().getStatus() == null ? null : dependency.get().getStatus().getPhase();
        waiting.add(name + " (" + (phase == null ? Phase.Pending : phase) + ")");
      }
    }
    if (!missing.isEmpty()) {
      conditions.set(Conditions.DEPENDENCIES_READY, false, Reasons.DEPENDENCY_NOT_FOUND,
          "no AppDeployment named " + String.join(", ", missing) + " in namespace " + namespace);
    } else if (!waiting.isEmpty()) {
      conditions.set(Conditions.DEPENDENCIES_READY, false, Reasons.WAITING_FOR_DEPENDENCIES,
          "waiting for " + String.join(", ", waiting) + " to be Ready");
    } else {
      conditions.set(Conditions.DEPENDENCIES_READY, true, Reasons.SUCCEEDED,
          dependsOn.isEmpty() ? "no dependencies" : "every dependency is Ready");
    }
    return missing.isEmpty() && waiting.isEmpty();
  }

  /**
   * The cycle of dependsOn through the app, if there is one, the others' dependsOn as cached. The app's own is
   * read from the app: the cache may not have its latest edit yet (the one that breaks a cycle, say), and the
   * cache's event about that edit wakes only the apps that depend on it, never the app itself.
   */
  static List<String> cycleThrough(AppDeployment app, Function<ResourceID, Optional<AppDeployment>> cached) {
    String self = app.getMetadata().getName();
    return DependencyOrder.cycleThrough(self, name -> dependsOn(name.equals(self) ? Optional.of(app)
        : cached.apply(new ResourceID(name, app.getMetadata().getNamespace()))));
  }

  private static List<String> dependsOn(Optional<AppDeployment> app) {
    return app.map(a -> Objects.requireNonNullElse(a.getSpec().getDependsOn(), List.<String>of())).orElse(List.of());
  }

  private static Set<ResourceID> appOf(HasMetadata labelled) {
    return Set.of(new ResourceID(labelled.getMetadata().getLabels().get(Api.APP_LABEL),
        labelled.getMetadata().getNamespace()));
  }

  private <T extends HasMetadata> List<T> labelledFor(AppDeployment app, InformerEventSource<T, AppDeployment> source) {
    return source.list(app.getMetadata().getNamespace(),
        o -> app.getMetadata().getName().equals(o.getMetadata().getLabels().get(Api.APP_LABEL))).toList();
  }

  /** What the cluster shows of the app's Deployment, from the pods and ReplicaSets labelled as the app's. */
  private VmObservation observe(AppDeployment app, Deployment deployment) {
    return VmObserver.observe(app, deployment, labelledFor(app, replicaSets), labelledFor(app, pods));
  }

  static boolean isReady(AppDeployment app) {
    return app.getStatus() != null && app.getStatus().getConditions().stream()
        .anyMatch(c -> Conditions.READY.equals(c.getType()) && "True".equals(c.getStatus())
            && Objects.equals(c.getObservedGeneration(), app.getMetadata().getGeneration()));
  }
}
