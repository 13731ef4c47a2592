package io.bcgitops.testing;

import static org.awaitility.Awaitility.await;

import io.bcgitops.kube.ReplicaSets;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * No kubelet or Deployment controller runs against the mock server: this writes ReplicaSets, pods
 * and Deployment status the way they would, for the Deployment's current pod template: one
 * ReplicaSet per template (its pod-template-hash label, the Deployment as its controller), its
 * pods owned by it.
 */
public final class FakeKubelet {
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);
  private static final AtomicInteger PODS = new AtomicInteger();
  private final KubernetesClient client;
  private final String namespace;

  public FakeKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public Deployment awaitDeployment(String name) {
    await().atMost(WAIT).until(() -> deployment(name) != null);
    return deployment(name);
  }

  public Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The rollout finished: one ready pod of the current template, older pods gone. */
  public Pod rollOut(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    deleteOtherVersions(deployment);
    Pod pod = createPod(deployment, true, running(), List.of(fetchDone()));
    setStatus(deployment, 1, 1, 1, null);
    return pod;
  }

  /** A Deployment with one container per pod and no version (a runtime pool): one ready pod, available. */
  public Pod startPool(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    Pod pod = createPod(deployment, true, running(), List.of());
    setStatus(deployment, 1, 1, 1, null);
    return pod;
  }

  /** A new pod of the current template whose app container runs but is not ready yet; older pods stay. */
  public Pod startUnready(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    Pod pod = createPod(deployment, false, running(), List.of(fetchDone()));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), null);
    return pod;
  }

  /** The init container (the fetch command) exits 1 with this termination message; older pods stay. */
  public Pod failFetch(String deploymentName, String terminationMessage) {
    Deployment deployment = awaitDeployment(deploymentName);
    ContainerStatus fetch = new ContainerStatusBuilder().withName("fetch").withReady(false).withRestartCount(2)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().build())
        .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(1).withReason("Error")
            .withMessage(terminationMessage).endTerminated().build())
        .build();
    ContainerStatus app = new ContainerStatusBuilder().withName("app").withReady(false).withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("PodInitializing").endWaiting().build())
        .build();
    Pod pod = createPod(deployment, false, app, List.of(fetch));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), null);
    return pod;
  }

  /** The app container keeps exiting with code 1; the kubelet backs off. Older pods stay. */
  public Pod crashLoop(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    ContainerStatus app = new ContainerStatusBuilder().withName("app").withReady(false).withRestartCount(4)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().build())
        .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(1)
            .withMessage("Exception in thread \"main\" java.lang.IllegalStateException: no database").endTerminated()
            .build())
        .build();
    Pod pod = createPod(deployment, false, app, List.of(fetchDone()));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), null);
    return pod;
  }

  /** Pods of the current template ran but never became ready before progressDeadlineSeconds. */
  public void exceedProgressDeadline(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    createPod(deployment, false, running(), List.of(fetchDone()));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), "ProgressDeadlineExceeded");
  }

  /** The app container of every pod crashed and was restarted; no pod is ready until it answers again. */
  public void crashAndRestart(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    for (Pod pod : podsOf(deployment)) {
      client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(p -> {
        p.getStatus().getConditions().forEach(c -> c.setStatus("False"));
        p.getStatus().getContainerStatuses().forEach(c -> {
          c.setReady(false);
          c.setRestartCount(c.getRestartCount() + 1);
        });
        return p;
      });
    }
    setStatus(deployment, 1, 1, 0, null);
  }

  /** The pods of the Deployment, as a ReplicaSet would have made them. */
  public List<Pod> pods(String deploymentName) {
    return podsOf(awaitDeployment(deploymentName));
  }

  private Pod createPod(Deployment deployment, boolean ready, ContainerStatus app, List<ContainerStatus> init) {
    ReplicaSet replicaSet = replicaSetOf(deployment);
    var template = replicaSet.getSpec().getTemplate();
    String now = Instant.now().toString();
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(replicaSet.getMetadata().getName() + "-" + PODS.incrementAndGet())
          .withNamespace(namespace)
          .withLabels(template.getMetadata().getLabels())
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
            .withName(replicaSet.getMetadata().getName()).withUid(replicaSet.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
          .withAnnotations(template.getMetadata().getAnnotations())
          // Later pods are later by a second, as a real API server's second-precision timestamps would order them.
          .withCreationTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(PODS.get()).toString())
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus()
          .withPhase(ready ? "Running" : "Pending")
          .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").withLastTransitionTime(now)
          .endCondition()
          .withContainerStatuses(new ContainerStatusBuilder(app).withReady(ready).build())
          .withInitContainerStatuses(init)
        .endStatus()
        .build();
    return client.resource(pod).create();
  }

  private static ContainerStatus running() {
    return new ContainerStatusBuilder().withName("app").withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString()).endRunning()
            .build())
        .build();
  }

  private static ContainerStatus fetchDone() {
    return new ContainerStatusBuilder().withName("fetch").withReady(false).withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(0).withReason("Completed")
            .endTerminated().build())
        .build();
  }

  private void deleteOtherVersions(Deployment deployment) {
    String current = replicaSetOf(deployment).getMetadata().getUid();
    podsOf(deployment).stream().filter(p -> !current.equals(owner(p))).forEach(p -> client.resource(p).delete());
  }

  private int readyOldPods(Deployment deployment) {
    String current = replicaSetOf(deployment).getMetadata().getUid();
    return (int) podsOf(deployment).stream()
        .filter(p -> !current.equals(owner(p)))
        .filter(p -> p.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus()))).count();
  }

  private static String owner(Pod pod) {
    return pod.getMetadata().getOwnerReferences().isEmpty() ? null
        : pod.getMetadata().getOwnerReferences().get(0).getUid();
  }

  /**
   * The ReplicaSet of the Deployment's current template, made as the Deployment controller makes
   * it: named after a hash of the template, labelled with it, owned by the Deployment.
   */
  public ReplicaSet replicaSetOf(Deployment deployment) {
    String hash = Integer.toHexString(client.getKubernetesSerialization().asJson(deployment.getSpec().getTemplate())
        .hashCode());
    ReplicaSet wanted = ReplicaSets.forTemplate(deployment, hash);
    ReplicaSet existing = client.apps().replicaSets().inNamespace(namespace).withName(wanted.getMetadata().getName())
        .get();
    return existing != null ? existing : client.resource(wanted).create();
  }


  private List<Pod> podsOf(Deployment deployment) {
    return client.pods().inNamespace(namespace)
        .withLabels(deployment.getSpec().getSelector().getMatchLabels()).list().getItems();
  }

  private void setStatus(Deployment deployment, int replicas, int updated, int available, String deadlineReason) {
    Deployment latest = deployment(deployment.getMetadata().getName());
    var status = new DeploymentStatusBuilder()
        .withObservedGeneration(latest.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(updated).withAvailableReplicas(available)
        .withReadyReplicas(available);
    if (deadlineReason != null) {
      status.addToConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
          .withReason(deadlineReason).build());
    }
    latest.setStatus(status.build());
    client.resource(latest).updateStatus();
  }
}
