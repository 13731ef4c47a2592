package io.bcgitops.local;

import io.bcgitops.kube.ReplicaSets;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vm app's Deployment on this machine, kept as the Deployment controller keeps it: one pod of its
 * current pod template, and the Deployment's status counted from its pods (replicas, updated,
 * available, and Progressing with its deadline).
 *
 * <p>A new template replaces the pod by stopping every older one first (as the "Recreate" strategy
 * does): on one machine both versions would want the app's one port, where in a cluster each pod
 * has an address of its own. So an upgrade here has a moment with no pod serving.
 */
final class VmRollout {
  private static final Logger LOG = LoggerFactory.getLogger(VmRollout.class);
  private static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
  private static final int DEFAULT_GRACE_SECONDS = 30;

  private final KubernetesClient client;
  private final ScheduledExecutorService timers;
  private final Function<Pod, VmPod> runner;
  private final List<VmPod> pods = new ArrayList<>();
  private Deployment deployment;
  private String template;
  private VmPod current;
  private Instant rolloutStarted;
  private DeploymentStatus published;

  /** @param runner makes the runner of a new pod (the Pod object it will create) */
  VmRollout(KubernetesClient client, ScheduledExecutorService timers, Function<Pod, VmPod> runner) {
    this.client = client;
    this.timers = timers;
    this.runner = runner;
  }

  /** Follows the Deployment as it is now: a new pod for a new template, and the status. */
  synchronized void apply(Deployment latest) {
    deployment = latest;
    String next = client.getKubernetesSerialization().asJson(latest.getSpec().getTemplate());
    if (!next.equals(template)) {
      template = next;
      rolloutStarted = Instant.now();
      // Every older pod, also one still stopping from an earlier change, is gone before the new one starts.
      CompletableFuture<?>[] older = pods.stream().map(old -> old.stop(grace()).thenRun(this::changed))
          .toArray(CompletableFuture[]::new);
      VmPod pod = runner.apply(newPod(ReplicaSets.ofTemplate(client, latest, next)));
      current = pod;
      pods.add(pod);
      LOG.info("deployment {}/{}: new pod {}", latest.getMetadata().getNamespace(), latest.getMetadata().getName(),
          pod.name());
      CompletableFuture.allOf(older).thenRun(pod::start);
      timers.schedule(this::changed, deadline().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    }
    changed();
  }

  /** Recounts the pods into the Deployment's status; called whenever a pod changed. */
  synchronized void changed() {
    pods.removeIf(pod -> !pod.exists());
    if (deployment == null) {
      return;
    }
    DeploymentStatus status = status();
    if (status.equals(published)) {
      return;
    }
    try {
      client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName()).editStatus(d -> {
            d.setStatus(status);
            return d;
          });
      published = status;
    } catch (KubernetesClientException e) {
      LOG.debug("cannot write the status of deployment {}: {}", deployment.getMetadata().getName(), e.getMessage());
    }
  }

  /** Stops every pod of the Deployment. */
  CompletableFuture<Void> stop() {
    List<CompletableFuture<Void>> stopped;
    synchronized (this) {
      deployment = null;
      stopped = pods.stream().map(pod -> pod.stop(grace())).toList();
    }
    return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new));
  }

  private DeploymentStatus status() {
    int replicas = pods.size();
    int ready = (int) pods.stream().filter(VmPod::isReady).count();
    boolean complete = current != null && current.exists() && current.isReady();
    boolean late = !complete && Duration.between(rolloutStarted, Instant.now()).compareTo(deadline()) > 0;
    DeploymentCondition available = new DeploymentConditionBuilder().withType("Available")
        .withStatus(ready > 0 ? "True" : "False")
        .withReason(ready > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").build();
    DeploymentCondition progressing = new DeploymentConditionBuilder().withType("Progressing")
        .withStatus(late ? "False" : "True")
        .withReason(complete ? "NewReplicaSetAvailable" : late ? "ProgressDeadlineExceeded" : "ReplicaSetUpdated")
        .build();
    return new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withUpdatedReplicas(current != null && current.exists() ? 1 : 0)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(replicas - ready)
        .withConditions(available, progressing)
        .build();
  }

  private Duration deadline() {
    return Duration.ofSeconds(Objects.requireNonNullElse(deployment == null ? null
        : deployment.getSpec().getProgressDeadlineSeconds(), DEFAULT_PROGRESS_DEADLINE_SECONDS));
  }

  private Duration grace() {
    Long seconds = deployment == null ? null : deployment.getSpec().getTemplate().getSpec()
        .getTerminationGracePeriodSeconds();
    return Duration.ofSeconds(Objects.requireNonNullElse(seconds, (long) DEFAULT_GRACE_SECONDS));
  }

  /** A pod of the ReplicaSet, named as a ReplicaSet names them: its name, a random suffix. */
  private static Pod newPod(ReplicaSet replicaSet) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    var template = replicaSet.getSpec().getTemplate();
    return new PodBuilder()
        .withNewMetadata()
          .withName(replicaSet.getMetadata().getName() + "-" + suffix)
          .withNamespace(replicaSet.getMetadata().getNamespace())
          .withLabels(template.getMetadata().getLabels())
          .withAnnotations(template.getMetadata().getAnnotations())
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
            .withName(replicaSet.getMetadata().getName()).withUid(replicaSet.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
          .withCreationTimestamp(Instant.now().toString())
        .endMetadata()
        .withSpec(template.getSpec())
        .editSpec().withNodeName(LocalNode.NODE_NAME).endSpec()
        .build();
  }
}
