package io.bcgitops.vm;

/**
 * What the cluster reports about a vm app.
 *
 * @param exists whether its Deployment exists
 * @param rolledOut every pod runs the current pod template and is ready, as the Deployment controller counts them
 * @param servingVersion the version of a ready pod, of the current template first, then newest; null when no pod is ready
 * @param olderTemplateServing the version of a ready pod of an older pod template (an upgrade's old pods,
 *     or the same version before a change of env or artifact); null when none is ready
 * @param failure why the current pod template cannot run, or null
 * @param node the name of the pod serving (or, before one is ready, of the current template's newest pod)
 * @param restarts restarts of the app container in the pods of the current template
 * @param startedAt when the serving pod's app container started
 */
public record VmObservation(boolean exists, boolean rolledOut, String servingVersion, String olderTemplateServing,
    Failure failure, String node, int restarts, String startedAt) {

  /** A reason (CamelCase, for a condition) and a message a user can act on. */
  public record Failure(String reason, String message) {
  }

  public static VmObservation absent() {
    return new VmObservation(false, false, null, null, null, null, 0, null);
  }
}
