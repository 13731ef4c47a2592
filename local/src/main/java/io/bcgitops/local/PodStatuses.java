package io.bcgitops.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The pieces of a Pod's status, as a kubelet writes them: container states, conditions, phase. */
final class PodStatuses {
  /** Kubernetes keeps at most 4096 bytes of a termination message: 1300 characters fit even in 3-byte UTF-8. */
  static final int MESSAGE_CHARS = 1300;

  private PodStatuses() {
  }

  /** A pod with its init container (null when none) and its one app container. */
  static PodStatus of(ContainerStatus init, ContainerStatus app, boolean ready) {
    boolean initialized = init == null || succeeded(init);
    return new PodStatusBuilder()
        .withPhase(app.getState().getRunning() != null ? "Running" : "Pending")
        .withHostIP("127.0.0.1")
        .withPodIP("127.0.0.1")
        .withConditions(condition("PodScheduled", true), condition("Initialized", initialized),
            condition("ContainersReady", ready), condition("Ready", ready))
        .withInitContainerStatuses(init == null ? List.of() : List.of(init))
        .withContainerStatuses(new ContainerStatusBuilder(app).withReady(ready).build())
        .build();
  }

  static ContainerStatus running(Container container, int restarts, Instant since) {
    return new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
        .withRestartCount(restarts).withReady(false)
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(since.toString()).endRunning().build())
        .build();
  }

  static ContainerStatus waiting(Container container, String reason, String message, ContainerState last) {
    return new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
        .withRestartCount(0).withReady(false)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting()
            .build())
        .withLastState(last)
        .build();
  }

  /** A run that ended: exit code, the end of its message, when it ran. */
  static ContainerState terminated(int exit, String message, Instant started, Instant finished) {
    String text = Objects.requireNonNullElse(message, "").strip();
    String tail = text.length() <= MESSAGE_CHARS ? text : text.substring(text.length() - MESSAGE_CHARS);
    return new ContainerStateBuilder().withNewTerminated().withExitCode(exit)
        .withReason(exit == 0 ? "Completed" : "Error").withMessage(exit == 0 || tail.isEmpty() ? null : tail)
        .withStartedAt(started.toString()).withFinishedAt(finished.toString()).endTerminated().build();
  }

  private static boolean succeeded(ContainerStatus status) {
    return status.getState().getTerminated() != null
        && Objects.equals(status.getState().getTerminated().getExitCode(), 0);
  }

  private static PodCondition condition(String type, boolean value) {
    return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False").build();
  }
}
