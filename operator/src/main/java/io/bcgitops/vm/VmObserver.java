package io.bcgitops.vm;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.kube.DeploymentPods;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a vm app's state from its Deployment, ReplicaSets and pods, as the kubelet and the
 * Deployment controller report it. A pod counts only through its owner chain (pod → ReplicaSet →
 * the app's Deployment), never by its labels alone, and the pods of the Deployment's current pod
 * template are told from older ones by their ReplicaSet ({@link DeploymentPods}). So a template
 * change that keeps the version (new env, another checksum) is a rollout like any other.
 */
public final class VmObserver {
  private static final Set<String> START_FAILURES = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
      "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  private VmObserver() {
  }

  public static VmObservation observe(AppDeployment app, Deployment deployment, List<ReplicaSet> replicaSets,
      List<Pod> pods) {
    if (deployment == null) {
      return VmObservation.absent();
    }
    String version = app.getSpec().getVersion();
    DeploymentPods templates = DeploymentPods.of(deployment, replicaSets);
    List<Pod> owned = pods.stream().filter(templates::owns).toList();
    List<Pod> current = owned.stream().filter(templates::isCurrent).toList();
    List<Pod> older = owned.stream().filter(p -> !templates.isCurrent(p)).toList();
    Comparator<Pod> newest = Comparator.comparing(p -> Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""));
    Optional<Pod> serving = owned.stream().filter(VmObserver::isReady)
        .max(Comparator.comparing(templates::isCurrent).thenComparing(newest));
    Optional<Pod> olderServing = older.stream().filter(VmObserver::isReady).max(newest);
    Pod shown = serving.orElseGet(() -> current.stream().max(newest).orElse(null));
    int restarts = current.stream().flatMap(p -> appStatus(p).stream()).mapToInt(ContainerStatus::getRestartCount).sum();
    String startedAt = serving.flatMap(VmObserver::appStatus)
        .map(s -> s.getState() == null || s.getState().getRunning() == null ? null : s.getState().getRunning().getStartedAt())
        .orElse(null);
    return new VmObservation(true, rolledOut(deployment, current), serving.map(VmObserver::versionOf).orElse(null),
        olderServing.map(p -> Objects.requireNonNullElse(versionOf(p), "unknown")).orElse(null),
        failure(version, deployment, current), shown == null ? null : shown.getMetadata().getName(), restarts,
        startedAt);
  }

  private static boolean rolledOut(Deployment deployment, List<Pod> current) {
    DeploymentStatus status = deployment.getStatus();
    if (!statusIsCurrent(deployment)) {
      return false;
    }
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    return Objects.requireNonNullElse(status.getUpdatedReplicas(), 0) == replicas
        && Objects.requireNonNullElse(status.getAvailableReplicas(), 0) == replicas
        && Objects.requireNonNullElse(status.getReplicas(), 0) == replicas
        && current.stream().filter(VmObserver::isReady).count() >= replicas;
  }

  private static VmObservation.Failure failure(String version, Deployment deployment, List<Pod> current) {
    for (Pod pod : current) {
      Optional<VmObservation.Failure> fetch = statuses(pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses())
          .filter(s -> VmDeployments.FETCH_CONTAINER.equals(s.getName()))
          .map(VmObserver::failedTermination).flatMap(Optional::stream)
          .map(VmObserver::fetchFailure).findFirst();
      if (fetch.isPresent()) {
        return fetch.get();
      }
      Optional<String> fetchStuck = statuses(pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses())
          .filter(s -> VmDeployments.FETCH_CONTAINER.equals(s.getName()))
          .map(VmObserver::waitingReason).filter(r -> r != null && START_FAILURES.contains(r)).findFirst();
      if (fetchStuck.isPresent()) {
        return new VmObservation.Failure(fetchStuck.get(), "the fetch init container (the operator's image) does not"
            + " start: " + fetchStuck.get() + "; check BCGITOPS_OPERATOR_IMAGE");
      }
      Optional<String> unschedulable = unschedulable(pod);
      if (unschedulable.isPresent()) {
        return new VmObservation.Failure("Unschedulable", "no node can run version " + version + ": "
            + unschedulable.get());
      }
      Optional<ContainerStatus> app = appStatus(pod);
      String waiting = app.map(s -> s.getState() == null || s.getState().getWaiting() == null ? null
          : s.getState().getWaiting().getReason()).orElse(null);
      if (waiting != null && START_FAILURES.contains(waiting)) {
        String detail = app.flatMap(VmObserver::failedTermination)
            .map(t -> "exit code " + t.getExitCode() + (t.getMessage() == null ? "" : ": " + t.getMessage().strip()))
            .orElseGet(() -> Objects.requireNonNullElse(app.get().getState().getWaiting().getMessage(), waiting));
        return new VmObservation.Failure(waiting, "version " + version + " does not start (" + waiting + ", "
            + detail + ")");
      }
    }
    Optional<String> replicaFailure = !statusIsCurrent(deployment) || deployment.getStatus().getConditions() == null
        ? Optional.empty() : deployment.getStatus().getConditions().stream()
            .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
            .map(c -> Objects.requireNonNullElse(c.getMessage(), c.getReason())).findFirst();
    if (replicaFailure.isPresent()) {
      return new VmObservation.Failure("ReplicaFailure", "the cluster refuses the pods of version " + version + ": "
          + replicaFailure.get());
    }
    // Until the controller has seen the current template, its Progressing condition is about the previous one.
    boolean deadlineExceeded = statusIsCurrent(deployment) && deployment.getStatus().getConditions() != null
        && deployment.getStatus().getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
            && "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason()));
    if (deadlineExceeded) {
      return new VmObservation.Failure(Reasons.HEALTH_CHECK_FAILED, "version " + version + " did not become ready within "
          + VmDeployments.PROGRESS_DEADLINE_SECONDS + "s: its health check never passed");
    }
    return null;
  }

  private static String waitingReason(ContainerStatus status) {
    return status.getState() == null || status.getState().getWaiting() == null ? null
        : status.getState().getWaiting().getReason();
  }

  private static Optional<String> unschedulable(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null ? Optional.empty()
        : pod.getStatus().getConditions().stream()
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                && "Unschedulable".equals(c.getReason()))
            .map(c -> Objects.requireNonNullElse(c.getMessage(), "Unschedulable")).findFirst();
  }

  private static VmObservation.Failure fetchFailure(ContainerStateTerminated terminated) {
    String message = Objects.requireNonNullElse(terminated.getMessage(), "").strip();
    int colon = message.indexOf(": ");
    if (colon > 0 && Reasons.ARTIFACT_REASONS.contains(message.substring(0, colon))) {
      return new VmObservation.Failure(message.substring(0, colon), message.substring(colon + 2));
    }
    return new VmObservation.Failure(Reasons.ARTIFACT_FETCH_FAILED, "fetching the jar failed with exit code "
        + terminated.getExitCode() + (message.isEmpty() ? "" : ": " + message));
  }

  /**
   * The container's failed run: the current one if it ended badly, else the last one (during a restart back-off).
   * A current run that ended well wins over the last one: a failure before a successful retry is history.
   */
  private static Optional<ContainerStateTerminated> failedTermination(ContainerStatus status) {
    ContainerStateTerminated ended = status.getState() != null && status.getState().getTerminated() != null
        ? status.getState().getTerminated()
        : status.getLastState() == null ? null : status.getLastState().getTerminated();
    return Optional.ofNullable(ended).filter(t -> t.getExitCode() != null && t.getExitCode() != 0);
  }

  /** Whether the Deployment controller's status describes the Deployment's current generation. */
  private static boolean statusIsCurrent(Deployment deployment) {
    DeploymentStatus status = deployment.getStatus();
    Long generation = deployment.getMetadata().getGeneration();
    return status != null && status.getObservedGeneration() != null
        && (generation == null || status.getObservedGeneration() >= generation);
  }

  private static Optional<ContainerStatus> appStatus(Pod pod) {
    return statuses(pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses())
        .filter(s -> VmDeployments.APP_CONTAINER.equals(s.getName())).findFirst();
  }

  private static Stream<ContainerStatus> statuses(List<ContainerStatus> statuses) {
    return statuses == null ? Stream.empty() : statuses.stream();
  }

  static String versionOf(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.VERSION_ANNOTATION);
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
