package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * No kubelet or Deployment controller runs against the mock server: this writes pods and
 * Deployment status the way they would, for the Deployment's current pod template.
 */
final class FakeKubelet {
  private static final AtomicInteger PODS = new AtomicInteger();
  private final KubernetesClient client;
  private final String namespace;

  FakeKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  Deployment awaitDeployment(String name) {
    await().atMost(OperatorHarness.WAIT).until(() -> deployment(name) != null);
    return deployment(name);
  }

  Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The rollout finished: one ready pod of the current template, older pods gone. */
  Pod rollOut(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    deleteOtherVersions(deployment);
    Pod pod = createPod(deployment, true, running(), List.of(fetchDone()));
    setStatus(deployment, 1, 1, 1, null);
    return pod;
  }

  /** A Deployment with one container per pod and no version (a runtime pool): one ready pod, available. */
  Pod startPool(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    Pod pod = createPod(deployment, true, running(), List.of());
    setStatus(deployment, 1, 1, 1, null);
    return pod;
  }

  /** A new pod of the current template whose app container runs but is not ready yet; older pods stay. */
  Pod startUnready(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    Pod pod = createPod(deployment, false, running(), List.of(fetchDone()));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), null);
    return pod;
  }

  /** The init container (the fetch command) exits 1 with this termination message; older pods stay. */
  Pod failFetch(String deploymentName, String terminationMessage) {
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
  Pod crashLoop(String deploymentName) {
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
  void exceedProgressDeadline(String deploymentName) {
    Deployment deployment = awaitDeployment(deploymentName);
    createPod(deployment, false, running(), List.of(fetchDone()));
    setStatus(deployment, podsOf(deployment).size(), 1, readyOldPods(deployment), "ProgressDeadlineExceeded");
  }

  /** The app container of every pod crashed and was restarted; no pod is ready until it answers again. */
  void crashAndRestart(String deploymentName) {
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
  List<Pod> pods(String deploymentName) {
    return podsOf(awaitDeployment(deploymentName));
  }

  private Pod createPod(Deployment deployment, boolean ready, ContainerStatus app, List<ContainerStatus> init) {
    var template = deployment.getSpec().getTemplate();
    String now = Instant.now().toString();
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(deployment.getMetadata().getName() + "-" + PODS.incrementAndGet())
          .withNamespace(namespace)
          .withLabels(template.getMetadata().getLabels())
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
    String version = versionOf(deployment);
    podsOf(deployment).stream().filter(p -> !version.equals(p.getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)))
        .forEach(p -> client.resource(p).delete());
  }

  private int readyOldPods(Deployment deployment) {
    String version = versionOf(deployment);
    return (int) podsOf(deployment).stream()
        .filter(p -> !version.equals(p.getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)))
        .filter(p -> p.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus()))).count();
  }

  private List<Pod> podsOf(Deployment deployment) {
    return client.pods().inNamespace(namespace)
        .withLabels(deployment.getSpec().getSelector().getMatchLabels()).list().getItems();
  }

  private static String versionOf(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION);
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
