package io.bcgitops.controller;

import io.bcgitops.api.Conditions;

/**
 * A reconcile step that could not go on, and how to report it: Ready=False with this reason and
 * message; Stalled when only a change by the user (in git or in the source) can fix it;
 * FetchFailed when the repository could not be fetched.
 */
final class StepFailure extends Exception {
  private final String reason;
  private final boolean stalled;
  private final boolean fetchFailed;

  private StepFailure(String reason, String message, boolean stalled, boolean fetchFailed) {
    super(message, null, false, false);
    this.reason = reason;
    this.stalled = stalled;
    this.fetchFailed = fetchFailed;
  }

  /** The repository could not be fetched (network, timeout, a ref that is gone); retried at the interval. */
  static StepFailure fetchFailed(String message) {
    return new StepFailure(Conditions.Reasons.FETCH_FAILED, message, false, true);
  }

  /** The remote refused the credentials, or there are none to give: the user must fix the Secret. */
  static StepFailure authentication(String message) {
    return new StepFailure(Conditions.Reasons.AUTHENTICATION_FAILED, message, true, true);
  }

  /**
   * The repository is over a limit of what a fetch may bring (an object, the pack): a fetch
   * failure only a change in git (or of the limit) fixes.
   */
  static StepFailure tooLarge(String message) {
    return new StepFailure(Conditions.Reasons.REPOSITORY_TOO_LARGE, message, true, true);
  }

  /** The fetched content or the source's spec needs a fix from the user. */
  static StepFailure stalled(String reason, String message) {
    return new StepFailure(reason, message, true, false);
  }

  void report(ConditionSet conditions) {
    conditions.set(Conditions.READY, false, reason, getMessage());
    if (stalled) {
      conditions.set(Conditions.STALLED, true, reason, getMessage()).remove(Conditions.RECONCILING);
    } else {
      // Retried at the interval: still in progress, as kstatus reads it (Flux's ProgressingWithRetry).
      conditions.set(Conditions.RECONCILING, true, Conditions.Reasons.PROGRESSING, "retrying: " + getMessage())
          .remove(Conditions.STALLED);
    }
    if (fetchFailed) {
      conditions.set(Conditions.FETCH_FAILED, true, reason, getMessage());
    } else {
      conditions.remove(Conditions.FETCH_FAILED);
    }
  }
}
