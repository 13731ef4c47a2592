package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.vm.VmObservation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What an app runs, as a JOSDK workflow of its dependents: the vm Deployment when {@code isolation: vm}, ready
 * when the observer says it rolled out; when {@code isolation: embedded}, the app's RuntimePool, ready when it
 * answers, and then the app in it. Each dependent's reconcile precondition is its isolation, so a move from one
 * to the other removes what the app ran before (the Deployment, or the app in its pool).
 *
 * <p>The isolation is a reconcile precondition, not an activation condition: JOSDK registers and de-registers an
 * activation-conditioned dependent's informer for the whole controller (it is meant for a cluster that may lack
 * a resource type), so one embedded app would stop the Deployment informer of every vm app; and an activation
 * condition that stops holding leaves the resource where it is.
 */
final class AppWorkflow {
  /** Where the reconciler tells the dependents that the app's dependencies hold a new version back. */
  private static final String HELD = "bcgitops.held";

  private final VmDeployment vm;
  private final AppRuntimePool pool;
  private final EmbeddedApp embedded;
  private final Workflow<AppDeployment> workflow;

  /** @param observer what the cluster shows of an app's Deployment (VmObserver on the reconciler's caches) */
  AppWorkflow(VmDeployment vm, AppRuntimePool pool, EmbeddedApp embedded,
      BiFunction<AppDeployment, Deployment, VmObservation> observer) {
    this.vm = vm;
    this.pool = pool;
    this.embedded = embedded;
    Condition<Deployment, AppDeployment> vmReady = (DetailedCondition<Deployment, AppDeployment, VmObservation>)
        (dependent, app, context) -> {
          VmObservation observed = observer.apply(app, dependent.getSecondaryResource(app, context).orElse(null));
          return DetailedCondition.Result.withResult(observed.rolledOut(), observed);
        };
    Condition<AppState, AppDeployment> embeddedSeen = (DetailedCondition<AppState, AppDeployment, AppState>)
        (dependent, app, context) -> {
          Optional<AppState> state = dependent.getSecondaryResource(app, context);
          return DetailedCondition.Result.withResult(EmbeddedApp.loadedAsAsked(app.getSpec(), state),
              state.orElse(null));
        };
    Condition<Deployment, AppDeployment> vmWanted = (dependent, app, context) -> VmDeployment.wanted(app);
    Condition<Object, AppDeployment> embeddedWanted = (dependent, app, context) -> EmbeddedApp.wanted(app);
    workflow = new WorkflowBuilder<AppDeployment>()
        .addDependentResourceAndConfigure(vm)
        .withReconcilePrecondition(vmWanted)
        .withReadyPostcondition(vmReady)
        .addDependentResourceAndConfigure(pool)
        .withReconcilePrecondition(embeddedWanted)
        .withReadyPostcondition(new AppRuntimePool.Answers())
        .addDependentResourceAndConfigure(embedded).dependsOn(pool)
        .withReconcilePrecondition(embeddedWanted)
        .withReadyPostcondition(embeddedSeen)
        // A pool refusing a request is the app's status, not an error; the API server's errors are retried.
        .withThrowExceptionFurther(false)
        .build();
  }

  List<EventSource<?, AppDeployment>> eventSources(EventSourceContext<AppDeployment> context) {
    return new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
  }

  VmDeployment vm() {
    return vm;
  }

  EmbeddedApp embedded() {
    return embedded;
  }

  /** Whether the app's dependencies hold a version it does not run yet back, as the reconciler found. */
  static boolean held(Context<AppDeployment> context) {
    return context.managedWorkflowAndDependentResourceContext().get(HELD, Boolean.class).orElse(false);
  }

  /**
   * Runs the app's dependents and says where it stands; what they observed (its pod, restarts, start and last
   * health check) goes into the status.
   */
  AppOutcome reconcile(AppDeployment app, Context<AppDeployment> context, boolean held, AppDeploymentStatus status) {
    context.managedWorkflowAndDependentResourceContext().put(HELD, held);
    WorkflowReconcileResult result = workflow.reconcile(app, context);
    Optional<EmbeddedApp.PoolRefused> refused = result.getErroredDependents().values().stream()
        .filter(EmbeddedApp.PoolRefused.class::isInstance).map(EmbeddedApp.PoolRefused.class::cast).findFirst();
    if (result.getErroredDependents().size() > (refused.isPresent() ? 1 : 0)) {
      result.throwAggregateExceptionIfErrorsPresent();
    }
    if (app.getSpec().getIsolation() == Isolation.vm) {
      VmObservation observed = condition(result, vm, VmObservation.class).orElseThrow();
      observedInto(status, observed);
      return VmDeployment.holdsBack(app, vm.getSecondaryResource(app, context), held)
          ? AppOutcome.vmHeld(app.getSpec().getVersion(), observed, status)
          : AppOutcome.vm(app.getSpec().getVersion(), observed, status);
    }
    Optional<String> waiting = condition(result, pool, String.class);
    if (waiting.isPresent()) {
      return AppOutcome.waitingForPool(waiting.get(), status);
    }
    context.getSecondaryResource(RuntimePool.class).ifPresent(p -> status.setNode(p.getStatus().getPod()));
    if (refused.isPresent()) {
      return AppOutcome.poolFailure(refused.get().refusal(), app.getSpec().getVersion(), status);
    }
    Optional<AppState> state = condition(result, embedded, AppState.class);
    state.ifPresent(s -> observedInto(status, s, app.getSpec().getVersion()));
    return AppOutcome.embedded(app.getSpec(), state, held, status);
  }

  /** What a vm app's pods show, for a Deployment being held back too. */
  static void observedInto(AppDeploymentStatus status, VmObservation observed) {
    status.setNode(observed.node());
    status.setRestarts(observed.restarts());
    status.setStartedAt(observed.startedAt());
  }

  private static void observedInto(AppDeploymentStatus status, AppState state, String version) {
    status.setRestarts(state.restarts());
    status.setLastHealthCheck(state.lastHealthCheck());
    if (state.state() == EmbeddedState.Running && version.equals(state.version())) {
      status.setStartedAt(state.startedAt());
    }
  }

  private static <T> Optional<T> condition(WorkflowReconcileResult result, DependentResource<?, AppDeployment> node,
      Class<T> type) {
    return result.getDependentConditionResult(node, Condition.Type.READY, type);
  }
}
