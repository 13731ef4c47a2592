package io.bcgitops.controller;

import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.AppDeploymentStatus.Health;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.embedded.RuntimeApiException;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.vm.VmObservation;
import java.util.Optional;

/**
 * Where an app stands after a reconcile, and the conditions that tell it: Ready, Healthy, and Reconciling (still
 * moving) or Stalled (needs the user), as kstatus reads them. The one place that turns what a vm app's Deployment
 * or an embedded app's pool shows into a phase, conditions and the deployed and previous versions, for both.
 *
 * @param running the version now running as the spec asks, recorded as deployed; null when none is yet
 */
record AppOutcome(Phase phase, boolean ready, String reason, String message, Health health, boolean stalled,
    boolean reconciling, boolean keepHealth, String running) {

  static final AppOutcome WAITING_FOR_FIRST_DEPLOY = progressing(Phase.WaitingForDependencies,
      Reasons.WAITING_FOR_DEPENDENCIES, "not deployed until every dependency is Ready", Health.unknown);

  /** The spec's version runs and is healthy. */
  static AppOutcome ready(String version, String message) {
    return new AppOutcome(Phase.Running, true, Reasons.SUCCEEDED, message, Health.healthy, false, false, false,
        version);
  }

  static AppOutcome progressing(Phase phase, String reason, String message, Health health) {
    return new AppOutcome(phase, false, reason, message, health, false, true, false, null);
  }

  static AppOutcome stalled(Phase phase, String reason, String message, Health health) {
    return new AppOutcome(phase, false, reason, message, health, true, false, false, null);
  }

  /** Suspended: nothing is changed, so phase and health stay what they were. */
  static AppOutcome suspended(Phase phase, Health health) {
    return new AppOutcome(phase, false, Reasons.SUSPENDED, "changes are suspended (spec.suspend: true)", health,
        false, false, true, null);
  }

  /**
   * Something only the user can fix, for either isolation: Degraded while an older spec still serves (the deployed
   * version keeps running), Failed otherwise.
   */
  static AppOutcome needsUser(String reason, String message, boolean serving, AppDeploymentStatus status) {
    return serving ? stalled(Phase.Degraded, reason, message + "; version " + status.getDeployedVersion()
        + " keeps running", Health.healthy) : stalled(Phase.Failed, reason, message, Health.unknown);
  }

  // vm isolation: what the app's Deployment, its ReplicaSets and pods show (VmObserver).

  /** A vm app's upgrade waiting for its dependencies: its Deployment keeps the version it runs. */
  static AppOutcome vmHeld(String version, VmObservation observed, AppDeploymentStatus status) {
    return progressing(Phase.WaitingForDependencies, Reasons.WAITING_FOR_DEPENDENCIES, "the upgrade to "
        + version + " waits until every dependency is Ready; version " + status.getDeployedVersion()
        + " keeps running", observed.rolledOut() ? Health.healthy : Health.unknown);
  }

  static AppOutcome vm(String version, VmObservation observed, AppDeploymentStatus status) {
    if (observed.rolledOut()) {
      return ready(version, "version " + version + " is running and healthy");
    }
    // Pods of an older pod template still serving: an upgrade's old version, or the same version
    // before a change of its env, artifact or settings.
    String older = observed.olderTemplateServing();
    if (observed.failure() != null) {
      VmObservation.Failure failure = observed.failure();
      if (older != null) {
        String reason = Reasons.ARTIFACT_REASONS.contains(failure.reason()) ? failure.reason() : Reasons.UPGRADE_FAILED;
        return stalled(Phase.Degraded, reason, failure.message() + "; " + (older.equals(version)
            ? "the pods of the previous template (version " + older + ") keep running"
            : "version " + older + " keeps running"), Health.healthy);
      }
      return stalled(Phase.Failed, failure.reason(), failure.message(), Health.unhealthy);
    }
    if (observed.servingVersion() == null && version.equals(status.getDeployedVersion())) {
      return progressing(Phase.Degraded, Reasons.HEALTH_CHECK_FAILED, "no pod of version " + version
          + " is ready (" + observed.restarts() + " restarts); the kubelet is restarting it", Health.unhealthy);
    }
    if (older != null) {
      return progressing(Phase.Upgrading, Reasons.PROGRESSING, older.equals(version)
          ? "rolling out a change of version " + version + "'s pods (its env, artifact or settings)"
          : "upgrading from " + older + " to " + version, Health.healthy);
    }
    return progressing(Phase.Deploying, Reasons.PROGRESSING, "waiting for version " + version
        + " to become ready", Health.unknown);
  }

  // embedded isolation: what the app's runtime pool reports of it (RuntimePoolReconciler's poll, or a load's answer).

  /** The app's RuntimePool has no pod answering yet. */
  static AppOutcome waitingForPool(String waiting, AppDeploymentStatus status) {
    return progressing(status.getDeployedVersion() == null ? Phase.Deploying : Phase.Degraded,
        Reasons.RUNTIME_UNAVAILABLE, waiting, Health.unknown);
  }

  /**
   * @param state what the pool runs of the app, if anything
   * @param held the app's dependencies are not Ready: a version the pool does not run yet waits
   */
  static AppOutcome embedded(AppDeploymentSpec spec, Optional<AppState> state, boolean held,
      AppDeploymentStatus status) {
    String version = spec.getVersion();
    String running = state.filter(EmbeddedApp::isLoaded).map(AppState::version).orElse(null);
    if (held && !version.equals(running)) {
      return running == null
          // The pool restarted and lost the deployed version; only this spec's version can be loaded.
          ? progressing(Phase.WaitingForDependencies, Reasons.WAITING_FOR_DEPENDENCIES, "runtime pool "
              + RuntimePools.name(spec.getRuntime()) + " no longer runs version " + status.getDeployedVersion()
              + "; version " + version + " is loaded once every dependency is Ready", Health.unknown)
          : progressing(Phase.WaitingForDependencies, Reasons.WAITING_FOR_DEPENDENCIES, "the upgrade to "
              + version + " waits until every dependency is Ready; version " + running + " keeps running",
              healthy(state.get()) ? Health.healthy : Health.unknown);
    }
    if (!EmbeddedApp.loadedAsAsked(spec, state)) {
      // EmbeddedApp loads as soon as the jar is there: until then, the loader fetches it in the background.
      return fetchingJar(version, state, status);
    }
    return embedded(version, spec.getRuntime(), state.get(), status);
  }

  private static AppOutcome fetchingJar(String version, Optional<AppState> state, AppDeploymentStatus status) {
    boolean upgrade = status.getDeployedVersion() != null && !version.equals(status.getDeployedVersion());
    return progressing(upgrade ? Phase.Upgrading : Phase.Deploying, Reasons.PROGRESSING,
        "fetching the jar of version " + version, state.filter(AppOutcome::healthy).isPresent()
            ? Health.healthy : Health.unknown);
  }

  private static AppOutcome embedded(String version, String runtime, AppState state, AppDeploymentStatus status) {
    boolean upgradeFailed = version.equals(state.failedVersion()) && !version.equals(state.version());
    if (state.state() == EmbeddedState.Running && version.equals(state.version())) {
      if ("unhealthy".equals(state.health())) {
        return progressing(Phase.Degraded, Reasons.HEALTH_CHECK_FAILED, "version " + version
            + " fails its health check" + detail(state), Health.unhealthy);
      }
      return ready(version, "version " + version + " is running in runtime pool " + RuntimePools.name(runtime));
    }
    if (upgradeFailed && state.state() == EmbeddedState.Running) {
      return stalled(Phase.Degraded, Reasons.UPGRADE_FAILED, "version " + version + " failed to start"
          + detail(state) + "; version " + state.version() + " keeps running", Health.healthy);
    }
    boolean wasRunning = status.getDeployedVersion() != null;
    return switch (state.state()) {
      case Crashed -> stalled(wasRunning ? Phase.Degraded : Phase.Failed, Reasons.CRASH_LOOP_BACK_OFF,
          "version " + state.version() + " crashed and is restarted with back-off (" + state.restarts() + " restarts)"
              + detail(state), Health.unhealthy);
      case Failed -> stalled(Phase.Failed, Reasons.START_FAILED, "version " + state.version()
          + " cannot start" + detail(state), Health.unhealthy);
      default -> progressing(status.getDeployedVersion() != null && !version.equals(status.getDeployedVersion())
          ? Phase.Upgrading : Phase.Deploying, Reasons.PROGRESSING, "version " + version + " is starting",
          Health.unknown);
    };
  }

  /** The pool refused or could not be reached. */
  static AppOutcome poolFailure(RuntimeApiException e, String version, AppDeploymentStatus status) {
    if (Reasons.RUNTIME_UNAVAILABLE.equals(e.reason())) {
      return waitingForPool(e.getMessage(), status);
    }
    return needsUser(e.reason(), e.getMessage(), status.getDeployedVersion() != null
        && !version.equals(status.getDeployedVersion()), status);
  }

  private static boolean healthy(AppState state) {
    return "healthy".equals(state.health());
  }

  private static String detail(AppState state) {
    return state.message() == null || state.message().isBlank() ? "" : ": " + state.message();
  }

  void writeTo(AppDeploymentStatus status, ConditionSet conditions) {
    status.setPhase(phase);
    if (running != null && !running.equals(status.getDeployedVersion())) {
      if (status.getDeployedVersion() != null) {
        status.setPreviousVersion(status.getDeployedVersion());
      }
      status.setDeployedVersion(running);
    }
    conditions.set(Conditions.READY, ready, reason, message);
    if (!keepHealth) {
      status.setHealth(health);
      switch (health) {
        case healthy -> conditions.set(Conditions.HEALTHY, true, Reasons.SUCCEEDED, "the app's health check passes");
        case unhealthy -> conditions.set(Conditions.HEALTHY, false, Reasons.HEALTH_CHECK_FAILED, message);
        case unknown -> conditions.remove(Conditions.HEALTHY);
      }
    }
    if (stalled) {
      conditions.set(Conditions.STALLED, true, reason, message);
    } else {
      conditions.remove(Conditions.STALLED);
    }
    if (reconciling) {
      conditions.set(Conditions.RECONCILING, true, reason, message);
    } else {
      conditions.remove(Conditions.RECONCILING);
    }
  }
}
