package io.bcgitops.controller;

import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.AppDeploymentStatus.Health;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Conditions.Reasons;

/**
 * Where an app stands after a reconcile, and the conditions that tell it: Ready, Healthy, and
 * Reconciling (still moving) or Stalled (needs the user), as kstatus reads them.
 */
record AppOutcome(Phase phase, boolean ready, String reason, String message, Health health, boolean stalled,
    boolean reconciling, boolean keepHealth) {

  static AppOutcome ready(String message) {
    return new AppOutcome(Phase.Running, true, Reasons.SUCCEEDED, message, Health.healthy, false, false, false);
  }

  static AppOutcome progressing(Phase phase, String reason, String message, Health health) {
    return new AppOutcome(phase, false, reason, message, health, false, true, false);
  }

  static AppOutcome stalled(Phase phase, String reason, String message, Health health) {
    return new AppOutcome(phase, false, reason, message, health, true, false, false);
  }

  /** Suspended: nothing is changed, so phase and health stay what they were. */
  static AppOutcome suspended(Phase phase, Health health) {
    return new AppOutcome(phase, false, Reasons.SUSPENDED, "changes are suspended (spec.suspend: true)", health,
        false, false, true);
  }

  void writeTo(AppDeploymentStatus status, ConditionSet conditions) {
    status.setPhase(phase);
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
