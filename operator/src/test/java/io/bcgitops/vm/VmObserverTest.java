package io.bcgitops.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Isolation;
import io.bcgitops.kube.DeploymentPods;
import io.bcgitops.kube.PodImages;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmObserverTest {
  static final String T0 = "2025-01-01T10:00:00Z";
  static final String T1 = "2025-01-01T11:00:00Z";
  static final String T2 = "2025-01-01T12:00:00Z";

  // ---- fixtures: what the API server, the Deployment controller and the kubelet write ---------

  static AppDeployment app(String version) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName("hello").withNamespace("apps").withUid("uid-hello")
        .withGeneration(1L).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl("https://example.com/hello.jar");
    spec.setSource(source);
    spec.setIsolation(Isolation.vm);
    app.setSpec(spec);
    return app;
  }

  /** The Deployment the operator created, as the API server returns it: generation set, no status yet. */
  static Deployment deployment(AppDeployment app, long generation) {
    Deployment deployment = VmDeployments.desired(app, PodImages.DEFAULTS);
    deployment.getMetadata().setGeneration(generation);
    deployment.getMetadata().setUid("uid-deployment");
    deployment.getMetadata().setResourceVersion("100");
    return deployment;
  }

  /** The Deployment controller's status. */
  static Deployment withStatus(Deployment deployment, long observedGeneration, int replicas, int updated, int ready,
      int available, DeploymentCondition... conditions) {
    deployment.setStatus(new DeploymentStatusBuilder().withObservedGeneration(observedGeneration)
        .withReplicas(replicas).withUpdatedReplicas(updated).withReadyReplicas(ready).withAvailableReplicas(available)
        .withUnavailableReplicas(Math.max(0, replicas - available)).withConditions(conditions).build());
    return deployment;
  }

  static DeploymentCondition available(boolean available) {
    return new DeploymentConditionBuilder().withType("Available").withStatus(available ? "True" : "False")
        .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
        .withMessage(available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")
        .withLastTransitionTime(T0).withLastUpdateTime(T0).build();
  }

  static DeploymentCondition progressing(String status, String reason) {
    return new DeploymentConditionBuilder().withType("Progressing").withStatus(status).withReason(reason)
        .withMessage("ReplicaSet \"hello-5d4f\" " + ("ProgressDeadlineExceeded".equals(reason)
            ? "has timed out progressing." : "has successfully progressed."))
        .withLastTransitionTime(T1).withLastUpdateTime(T1).build();
  }

  static ContainerState running(String startedAt) {
    return new ContainerStateBuilder().withNewRunning().withStartedAt(startedAt).endRunning().build();
  }

  static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
  }

  static ContainerState terminated(int exitCode, String reason, String message) {
    return new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
        .withMessage(message).withStartedAt(T0).withFinishedAt(T1).withContainerID("containerd://abc").endTerminated()
        .build();
  }

  static ContainerStatus fetchCompleted() {
    return new ContainerStatusBuilder().withName("fetch").withImage("bc-gitops-operator:latest").withReady(true)
        .withRestartCount(0).withState(terminated(0, "Completed", null)).withLastState(new ContainerState()).build();
  }

  static ContainerStatus fetch(ContainerState state, ContainerState lastState, int restarts) {
    return new ContainerStatusBuilder().withName("fetch").withImage("bc-gitops-operator:latest").withReady(false)
        .withRestartCount(restarts).withState(state)
        .withLastState(lastState == null ? new ContainerState() : lastState).build();
  }

  static ContainerStatus appRunning(boolean ready, String startedAt, int restarts) {
    return new ContainerStatusBuilder().withName("app").withImage("eclipse-temurin:17-jre").withReady(ready)
        .withStarted(true).withRestartCount(restarts).withState(running(startedAt))
        .withLastState(new ContainerState()).build();
  }

  static ContainerStatus app(ContainerState state, ContainerState lastState, int restarts) {
    return new ContainerStatusBuilder().withName("app").withImage("eclipse-temurin:17-jre").withReady(false)
        .withStarted(false).withRestartCount(restarts).withState(state)
        .withLastState(lastState == null ? new ContainerState() : lastState).build();
  }

  static ContainerStatus appInitializing() {
    return app(waiting("PodInitializing", null), null, 0);
  }

  static PodCondition condition(String type, boolean status, String reason) {
    return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
        .withLastTransitionTime(T0).build();
  }

  /** A pod of the Deployment's ReplicaSet for this version, with its kubelet-reported status. */
  static Pod pod(String name, String version, String created, ContainerStatus fetch, ContainerStatus app) {
    boolean initialized = fetch == null || fetch.getState().getTerminated() != null
        && Integer.valueOf(0).equals(fetch.getState().getTerminated().getExitCode());
    boolean ready = Boolean.TRUE.equals(app.getReady());
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("PodReadyToStartContainers", true, null));
    conditions.add(condition("Initialized", initialized, initialized ? null : "ContainersNotInitialized"));
    conditions.add(condition("Ready", ready, ready ? null : "ContainersNotReady"));
    conditions.add(condition("ContainersReady", ready, ready ? null : "ContainersNotReady"));
    conditions.add(condition("PodScheduled", true, null));
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace("apps").withCreationTimestamp(created)
          .withUid("uid-" + name)
          .withLabels(Map.of("bcgitops.io/app", "hello", "pod-template-hash", "hash-" + version))
          .withAnnotations(Map.of("bcgitops.io/version", version))
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("hello-hash-" + version)
            .withUid("uid-rs-" + version).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withNodeName("node-1").endSpec()
        .withNewStatus().withPhase(initialized && app.getState().getRunning() != null ? "Running" : "Pending")
          .withHostIP("10.0.0.1").withPodIP("10.1.0.5").withStartTime(created).withQosClass("BestEffort")
          .withConditions(conditions)
          .withInitContainerStatuses(fetch == null ? List.of() : List.of(fetch))
          .withContainerStatuses(app)
        .endStatus()
        .build();
  }

  static Pod readyPod(String name, String version, String created, String startedAt, int restarts) {
    return pod(name, version, created, fetchCompleted(), appRunning(true, startedAt, restarts));
  }

  static Pod deleting(Pod pod) {
    pod.getMetadata().setDeletionTimestamp(T2);
    pod.getMetadata().setDeletionGracePeriodSeconds(30L);
    return pod;
  }

  /**
   * Observes with the ReplicaSets the Deployment controller would have made for these pods: one
   * per version, with that version's pod template, owned by the Deployment.
   */
  static VmObservation observe(AppDeployment app, Deployment deployment, List<Pod> pods) {
    List<ReplicaSet> replicaSets = deployment == null ? List.of() : pods.stream()
        .map(p -> p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get("bcgitops.io/version"))
        .filter(java.util.Objects::nonNull).distinct()
        .map(version -> replicaSet(deployment, "uid-rs-" + version,
            VmDeployments.desired(app(version), PodImages.DEFAULTS).getSpec().getTemplate()))
        .toList();
    return VmObserver.observe(app, deployment, replicaSets, pods);
  }

  /** A ReplicaSet of the Deployment running this template, as the API server returns it. */
  static ReplicaSet replicaSet(Deployment deployment, String uid, PodTemplateSpec template) {
    Map<String, String> labels = new java.util.TreeMap<>(template.getMetadata().getLabels());
    labels.put("pod-template-hash", uid.substring(uid.length() - 3));
    return new ReplicaSetBuilder()
        .withNewMetadata().withName("hello-" + uid).withNamespace("apps").withUid(uid).withLabels(labels)
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
            .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withReplicas(1)
          .withTemplate(new PodTemplateSpecBuilder(template).editMetadata().withLabels(labels).endMetadata().build())
        .endSpec()
        .build();
  }

  /** A rolled-out Deployment of generation 1 with this one pod. */
  static Deployment rolledOutDeployment(AppDeployment app) {
    return withStatus(deployment(app, 1), 1, 1, 1, 1, 1, available(true),
        progressing("True", "NewReplicaSetAvailable"));
  }

  /** A new pod whose fetch init container failed and is in back-off. */
  static Pod fetchFailedPod(String name, String version, String terminationMessage) {
    return pod(name, version, T1, fetch(waiting("CrashLoopBackOff",
        "back-off 20s restarting failed container=fetch pod=" + name + "_apps(uid-" + name + ")"),
        terminated(1, "Error", terminationMessage), 2), appInitializing());
  }

  // ---- existence and rollout ------------------------------------------------------------------

  @Test
  void noDeploymentIsAbsent() {
    VmObservation observed = observe(app("1.0"), null, List.of());
    assertFalse(observed.exists());
    assertFalse(observed.rolledOut());
    assertNull(observed.servingVersion());
    assertNull(observed.failure());
    assertNull(observed.node());
    assertEquals(0, observed.restarts());
    assertNull(observed.startedAt());
    assertEquals(VmObservation.absent(), observed);
  }

  @Test
  void freshDeploymentWithoutPodsExistsButIsNotRolledOut() {
    AppDeployment app = app("1.0");
    VmObservation observed = observe(app, deployment(app, 1), List.of());
    assertTrue(observed.exists());
    assertFalse(observed.rolledOut());
    assertNull(observed.failure());
    assertNull(observed.servingVersion());
    assertNull(observed.node());
    assertEquals(0, observed.restarts());
    assertNull(observed.startedAt());

    // The controller saw it but has no pod yet.
    Deployment seen = withStatus(deployment(app, 1), 1, 0, 0, 0, 0, progressing("True", "NewReplicaSetCreated"));
    observed = observe(app, seen, List.of());
    assertTrue(observed.exists());
    assertFalse(observed.rolledOut());
    assertNull(observed.failure());
  }

  @Test
  void onePodReadyOfTheSpecVersionIsRolledOut() {
    AppDeployment app = app("1.0");
    Pod pod = readyPod("hello-7c9d-abcde", "1.0", T0, T1, 2);
    VmObservation observed = observe(app, rolledOutDeployment(app), List.of(pod));
    assertTrue(observed.exists());
    assertTrue(observed.rolledOut());
    assertEquals("1.0", observed.servingVersion());
    assertEquals("hello-7c9d-abcde", observed.node());
    assertEquals(T1, observed.startedAt(), "the app container's running.startedAt, not the pod's startTime");
    assertEquals(2, observed.restarts());
    assertNull(observed.failure());
  }

  @Test
  void restartsAreSummedOverThePodsOfTheSpecVersion() {
    AppDeployment app = app("2.0");
    List<Pod> pods = List.of(
        readyPod("hello-new-1", "2.0", T1, T1, 2),
        pod("hello-new-2", "2.0", T2, fetchCompleted(), appRunning(false, T2, 3)),
        readyPod("hello-old", "1.0", T0, T0, 7));
    VmObservation observed = observe(app, withStatus(deployment(app, 2), 2, 3, 2, 2, 2, available(true),
        progressing("True", "ReplicaSetUpdated")), pods);
    assertEquals(5, observed.restarts(), "restarts of version 2.0's pods only: 2 + 3");
  }

  @Test
  void observedGenerationBehindIsNotRolledOut() {
    AppDeployment app = app("1.0");
    // The spec was just updated (generation 2); the controller still reports generation 1's status.
    Deployment deployment = withStatus(deployment(app, 2), 1, 1, 1, 1, 1, available(true),
        progressing("True", "NewReplicaSetAvailable"));
    VmObservation observed = observe(app, deployment, List.of(readyPod("hello-a", "1.0", T0, T0, 0)));
    assertFalse(observed.rolledOut());
    assertEquals("1.0", observed.servingVersion());
    assertNull(observed.failure());
  }

  @Test
  void deploymentWithoutStatusIsNotRolledOutEvenWithAReadyPod() {
    AppDeployment app = app("1.0");
    VmObservation observed = observe(app, deployment(app, 1), List.of(readyPod("hello-a", "1.0", T0, T0, 0)));
    assertFalse(observed.rolledOut());
    assertEquals("1.0", observed.servingVersion());
  }

  @Test
  void deploymentCountsNotYetAvailableIsNotRolledOut() {
    AppDeployment app = app("1.0");
    // minReadySeconds or a lagging controller: the pod is Ready but the controller does not count it available yet.
    Deployment deployment = withStatus(deployment(app, 1), 1, 1, 1, 1, 0, available(false),
        progressing("True", "ReplicaSetUpdated"));
    assertFalse(observe(app, deployment, List.of(readyPod("hello-a", "1.0", T0, T0, 0))).rolledOut());
  }

  @Test
  void podNotReadyIsNotRolledOutEvenIfTheControllerSaysSo() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetchCompleted(), appRunning(false, T0, 0));
    VmObservation observed = observe(app, rolledOutDeployment(app), List.of(pod));
    assertFalse(observed.rolledOut());
    assertNull(observed.servingVersion());
    assertEquals("hello-a", observed.node(), "before a pod is ready, the newest pod of the version");
    assertNull(observed.startedAt(), "only a serving pod has a startedAt");
  }

  @Test
  void upgradeInProgressKeepsServingTheOldVersion() {
    AppDeployment app = app("2.0");
    Pod old = readyPod("hello-old", "1.0", T0, T0, 1);
    Pod fresh = pod("hello-new", "2.0", T1, fetchCompleted(), appRunning(false, T1, 0));
    // maxSurge 1, maxUnavailable 0: two pods, one updated, the old one still available.
    Deployment deployment = withStatus(deployment(app, 2), 2, 2, 1, 1, 1, available(true),
        progressing("True", "ReplicaSetUpdated"));
    VmObservation observed = observe(app, deployment, List.of(fresh, old));
    assertTrue(observed.exists());
    assertFalse(observed.rolledOut());
    assertEquals("1.0", observed.servingVersion());
    assertEquals("hello-old", observed.node());
    assertEquals(T0, observed.startedAt());
    assertEquals(0, observed.restarts(), "the old pod's restarts are not the new version's");
    assertNull(observed.failure());
  }

  @Test
  void newVersionReadyIsServedBeforeTheOldPodIsGone() {
    AppDeployment app = app("2.0");
    Pod old = readyPod("hello-old", "1.0", T0, T0, 0);
    Pod fresh = readyPod("hello-new", "2.0", T1, T2, 0);
    Deployment deployment = withStatus(deployment(app, 2), 2, 2, 1, 2, 2, available(true),
        progressing("True", "ReplicaSetUpdated"));
    VmObservation observed = observe(app, deployment, List.of(old, fresh));
    assertEquals("2.0", observed.servingVersion());
    assertEquals("hello-new", observed.node());
    assertEquals(T2, observed.startedAt());
    assertFalse(observed.rolledOut(), "the controller still counts two replicas");
  }

  @Test
  void rollbackToAnOlderVersionPrefersTheSpecVersionOverANewerPod() {
    // Spec went back to 1.0; the pod of 2.0 was created later but is no longer the wanted version.
    AppDeployment app = app("1.0");
    Pod wanted = readyPod("hello-v1", "1.0", T2, T2, 0);
    Pod newer = readyPod("hello-v2", "2.0", T1, T1, 0);
    VmObservation observed = observe(app, withStatus(deployment(app, 3), 3, 2, 1, 2, 2, available(true)),
        List.of(newer, wanted));
    assertEquals("1.0", observed.servingVersion());
    assertEquals("hello-v1", observed.node());
  }

  @Test
  void podBeingDeletedIsNotCountedAsReady() {
    AppDeployment app = app("1.0");
    Pod terminating = deleting(readyPod("hello-a", "1.0", T0, T0, 0));
    VmObservation observed = observe(app, rolledOutDeployment(app), List.of(terminating));
    assertFalse(observed.rolledOut(), "a pod on its way out does not make the rollout done");
    assertNull(observed.servingVersion());
    assertNull(observed.startedAt());
  }

  @Test
  void oldPodBeingDeletedDoesNotServe() {
    AppDeployment app = app("2.0");
    Pod old = deleting(readyPod("hello-old", "1.0", T0, T0, 0));
    Pod fresh = pod("hello-new", "2.0", T1, fetchCompleted(), appRunning(false, T1, 0));
    VmObservation observed = observe(app, withStatus(deployment(app, 2), 2, 1, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated")), List.of(old, fresh));
    assertNull(observed.servingVersion());
    assertEquals("hello-new", observed.node());
    assertFalse(observed.rolledOut());
  }

  @Test
  void terminatingPodDoesNotHideTheReadyReplacement() {
    AppDeployment app = app("1.0");
    Pod terminating = deleting(readyPod("hello-a", "1.0", T0, T0, 0));
    Pod replacement = readyPod("hello-b", "1.0", T1, T1, 0);
    VmObservation observed = observe(app, rolledOutDeployment(app), List.of(terminating, replacement));
    assertTrue(observed.rolledOut());
    assertEquals("hello-b", observed.node());
    assertEquals(T1, observed.startedAt());
  }

  // ---- fetch failures -------------------------------------------------------------------------

  @Test
  void fetchTerminatedWithChecksumMismatch() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetch(terminated(1, "Error", "ChecksumMismatch: expected abc, got def"), null, 0),
        appInitializing());
    VmObservation observed = observe(app, deployment(app, 1), List.of(pod));
    assertNotNull(observed.failure());
    assertEquals("ChecksumMismatch", observed.failure().reason());
    assertEquals("expected abc, got def", observed.failure().message());
    assertFalse(observed.rolledOut());
    assertEquals("hello-a", observed.node());
  }

  @Test
  void fetchInBackOffReportsTheLastTermination() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "ChecksumMismatch: expected abc, got def");
    VmObservation observed = observe(app, withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated")), List.of(pod));
    assertEquals(new VmObservation.Failure("ChecksumMismatch", "expected abc, got def"), observed.failure());
  }

  @Test
  void fetchWhileRetryingAfterAFailureStillReportsIt() {
    // The back-off ended and the next attempt runs: the last attempt's failure is still the news.
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetch(running(T1), terminated(1, "Error", "ChecksumMismatch: expected abc, got def"), 3),
        appInitializing());
    assertEquals("ChecksumMismatch", observe(app, deployment(app, 1), List.of(pod)).failure().reason());
  }

  @Test
  void fetchMessageWithTrailingNewline() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "ChecksumMismatch: expected abc, got def\n");
    assertEquals(new VmObservation.Failure("ChecksumMismatch", "expected abc, got def"),
        observe(app, deployment(app, 1), List.of(pod)).failure());
  }

  @Test
  void unprefixedFetchMessageIsArtifactFetchFailedWithTheExitCode() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetch(terminated(137, "OOMKilled", "killed"), null, 0), appInitializing());
    VmObservation.Failure failure = observe(app, deployment(app, 1), List.of(pod)).failure();
    assertEquals("ArtifactFetchFailed", failure.reason());
    assertTrue(failure.message().contains("137"), failure.message());
    assertTrue(failure.message().contains("killed"), failure.message());
  }

  @Test
  void fetchMessageWithAnUnknownPrefixIsArtifactFetchFailed() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "Exception in thread \"main\": java.lang.NoClassDefFoundError: Foo");
    VmObservation.Failure failure = observe(app, deployment(app, 1), List.of(pod)).failure();
    assertEquals("ArtifactFetchFailed", failure.reason());
    assertTrue(failure.message().contains("exit code 1"), failure.message());
    assertTrue(failure.message().contains("NoClassDefFoundError"), failure.message());
  }

  @Test
  void fetchWithoutMessageIsArtifactFetchFailedWithTheExitCode() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", null);
    VmObservation.Failure failure = observe(app, deployment(app, 1), List.of(pod)).failure();
    assertEquals("ArtifactFetchFailed", failure.reason());
    assertTrue(failure.message().contains("exit code 1"), failure.message());
  }

  @Test
  void prefixedArtifactFetchFailed() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "ArtifactFetchFailed: GET https://example.com/hello.jar: HTTP 404");
    assertEquals(new VmObservation.Failure("ArtifactFetchFailed", "GET https://example.com/hello.jar: HTTP 404"),
        observe(app, deployment(app, 1), List.of(pod)).failure());
  }

  @Test
  void invalidArtifact() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "InvalidArtifact: the file is not a jar");
    assertEquals(new VmObservation.Failure("InvalidArtifact", "the file is not a jar"),
        observe(app, deployment(app, 1), List.of(pod)).failure());
  }

  @Test
  void fetchThatFailedOnceAndThenSucceededIsNoFailure() {
    // A transient error: the kubelet restarted the init container, which then completed. Its lastState
    // keeps the failed attempt, but the jar is in place and the app is starting.
    AppDeployment app = app("1.0");
    ContainerStatus fetch = fetch(terminated(0, "Completed", null),
        terminated(1, "Error", "ArtifactFetchFailed: GET https://example.com/hello.jar: connection reset"), 1);
    Pod pod = pod("hello-a", "1.0", T0, fetch, appRunning(false, T1, 0));
    VmObservation observed = observe(app, withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated")), List.of(pod));
    assertNull(observed.failure());
  }

  @Test
  void appCrashAfterAFetchRetryIsReportedAsTheCrash() {
    AppDeployment app = app("1.0");
    ContainerStatus fetch = fetch(terminated(0, "Completed", null),
        terminated(1, "Error", "ArtifactFetchFailed: connection reset"), 1);
    Pod pod = pod("hello-a", "1.0", T0, fetch, app(waiting("CrashLoopBackOff", "back-off 40s restarting failed"),
        terminated(1, "Error", null), 3));
    assertEquals("CrashLoopBackOff", observe(app, deployment(app, 1), List.of(pod)).failure().reason());
  }

  // ---- app container failures -----------------------------------------------------------------

  @Test
  void appCrashLoopMentionsTheExitCode() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetchCompleted(), app(waiting("CrashLoopBackOff",
        "back-off 1m20s restarting failed container=app pod=hello-a_apps(uid-hello-a)"),
        terminated(1, "Error", "Exception in thread \"main\" java.lang.IllegalStateException: no config\n"), 4));
    VmObservation observed = observe(app, withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated")), List.of(pod));
    VmObservation.Failure failure = observed.failure();
    assertNotNull(failure);
    assertEquals("CrashLoopBackOff", failure.reason());
    assertTrue(failure.message().contains("exit code 1"), failure.message());
    assertTrue(failure.message().contains("1.0"), failure.message());
    assertTrue(failure.message().contains("no config"), failure.message());
    assertEquals(4, observed.restarts());
    assertFalse(observed.rolledOut());
  }

  @Test
  void appCrashLoopWithoutTerminationMessage() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetchCompleted(), app(waiting("CrashLoopBackOff", "back-off 10s"),
        terminated(143, "Error", null), 1));
    VmObservation.Failure failure = observe(app, deployment(app, 1), List.of(pod)).failure();
    assertEquals("CrashLoopBackOff", failure.reason());
    assertTrue(failure.message().contains("exit code 143"), failure.message());
  }

  @Test
  void imagePullBackOff() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, null, app(waiting("ImagePullBackOff",
        "Back-off pulling image \"ghcr.io/example/web:1.0\""), null, 0));
    VmObservation.Failure failure = observe(app, deployment(app, 1), List.of(pod)).failure();
    assertEquals("ImagePullBackOff", failure.reason());
    assertTrue(failure.message().contains("ghcr.io/example/web:1.0"), failure.message());
  }

  @Test
  void errImagePull() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, null, app(waiting("ErrImagePull",
        "rpc error: code = NotFound desc = failed to pull and unpack image"), null, 0));
    assertEquals("ErrImagePull", observe(app, deployment(app, 1), List.of(pod)).failure().reason());
  }

  @Test
  void startingContainersAreNoFailure() {
    AppDeployment app = app("1.0");
    for (Pod pod : List.of(
        pod("hello-a", "1.0", T0, fetch(running(T0), null, 0), appInitializing()),
        pod("hello-a", "1.0", T0, null, app(waiting("ContainerCreating", null), null, 0)),
        pod("hello-a", "1.0", T0, fetchCompleted(), appRunning(false, T0, 0)))) {
      assertNull(observe(app, deployment(app, 1), List.of(pod)).failure());
    }
  }

  @Test
  void podWithoutStatusYet() {
    AppDeployment app = app("1.0");
    Pod pending = new PodBuilder().withNewMetadata().withName("hello-a").withCreationTimestamp(T0)
        .withAnnotations(Map.of("bcgitops.io/version", "1.0"))
        .addNewOwnerReference().withKind("ReplicaSet").withUid("uid-rs-1.0").withController(true).endOwnerReference()
        .endMetadata().build();
    VmObservation observed = observe(app, deployment(app, 1), List.of(pending));
    assertNull(observed.failure());
    assertFalse(observed.rolledOut());
    assertEquals("hello-a", observed.node());
    assertEquals(0, observed.restarts());
  }

  // ---- Deployment conditions ------------------------------------------------------------------

  @Test
  void progressDeadlineExceededIsHealthCheckFailed() {
    AppDeployment app = app("1.0");
    Pod pod = pod("hello-a", "1.0", T0, fetchCompleted(), appRunning(false, T0, 0));
    Deployment deployment = withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("False", "ProgressDeadlineExceeded"));
    VmObservation.Failure failure = observe(app, deployment, List.of(pod)).failure();
    assertNotNull(failure);
    assertEquals("HealthCheckFailed", failure.reason());
    assertTrue(failure.message().contains("1.0"), failure.message());
  }

  @Test
  void podFailureWinsOverTheDeadline() {
    AppDeployment app = app("1.0");
    Pod pod = fetchFailedPod("hello-a", "1.0", "ChecksumMismatch: expected abc, got def");
    Deployment deployment = withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("False", "ProgressDeadlineExceeded"));
    assertEquals("ChecksumMismatch", observe(app, deployment, List.of(pod)).failure().reason());
  }

  @Test
  void progressingIsNoFailure() {
    AppDeployment app = app("1.0");
    Deployment deployment = withStatus(deployment(app, 1), 1, 1, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated"));
    assertNull(observe(app, deployment, List.of(
        pod("hello-a", "1.0", T0, fetchCompleted(), appRunning(false, T0, 0)))).failure());
  }

  @Test
  void staleDeadlineOfThePreviousVersionIsNoFailureOfTheNewOne() {
    // 2.0 never became ready; the spec now asks for 2.1 and the Deployment was just updated (generation 3).
    // Until the controller observes generation 3, its Progressing condition is about 2.0's ReplicaSet.
    AppDeployment app = app("2.1");
    Pod old = readyPod("hello-v1", "1.0", T0, T0, 0);
    Pod failed = pod("hello-v2", "2.0", T1, fetchCompleted(), appRunning(false, T1, 0));
    Deployment deployment = withStatus(deployment(app, 3), 2, 2, 1, 1, 1, available(true),
        progressing("False", "ProgressDeadlineExceeded"));
    VmObservation observed = observe(app, deployment, List.of(old, failed));
    assertNull(observed.failure(), () -> "2.1 has not been tried yet: " + observed.failure());
    assertEquals("1.0", observed.servingVersion());
  }

  // ---- only the spec's version can fail ---------------------------------------------------------

  @Test
  void oldPodThatCrashedDoesNotFailTheNewVersion() {
    AppDeployment app = app("2.0");
    Pod old = pod("hello-old", "1.0", T0, fetchCompleted(), app(waiting("CrashLoopBackOff", "back-off 5m0s"),
        terminated(1, "Error", "boom"), 12));
    Pod oldFetch = fetchFailedPod("hello-old-2", "1.0", "ChecksumMismatch: expected abc, got def");
    Pod fresh = pod("hello-new", "2.0", T2, fetchCompleted(), appRunning(false, T2, 0));
    Deployment deployment = withStatus(deployment(app, 2), 2, 3, 1, 0, 0, available(false),
        progressing("True", "ReplicaSetUpdated"));
    VmObservation observed = observe(app, deployment, List.of(old, oldFetch, fresh));
    assertNull(observed.failure());
    assertEquals(0, observed.restarts());
    assertEquals("hello-new", observed.node());
  }

  @Test
  void newVersionFailingWhileTheOldOneServes() {
    AppDeployment app = app("2.0");
    Pod old = readyPod("hello-old", "1.0", T0, T0, 0);
    Pod fresh = fetchFailedPod("hello-new", "2.0", "ChecksumMismatch: expected abc, got def");
    Deployment deployment = withStatus(deployment(app, 2), 2, 2, 1, 1, 1, available(true),
        progressing("True", "ReplicaSetUpdated"));
    VmObservation observed = observe(app, deployment, List.of(old, fresh));
    assertEquals("ChecksumMismatch", observed.failure().reason());
    assertEquals("1.0", observed.servingVersion());
    assertEquals("hello-old", observed.node());
    assertFalse(observed.rolledOut());
  }

  @Test
  void aPodNotOwnedThroughTheDeploymentIsNotTheApps() {
    // Anyone may label a pod bcgitops.io/app=hello: only the owner chain says it is the app's.
    AppDeployment app = app("1.0");
    Pod stray = fetchFailedPod("hello-stray", "1.0", "ChecksumMismatch: x");
    stray.getMetadata().getOwnerReferences().get(0).setUid("uid-someone-elses-replicaset");
    Deployment deployment = rolledOutDeployment(app);
    VmObservation observed = VmObserver.observe(app, deployment,
        List.of(replicaSet(deployment, "uid-rs-1.0", deployment.getSpec().getTemplate())), List.of(stray));
    assertNull(observed.failure());
    assertNull(observed.node());
    assertFalse(observed.rolledOut());
  }

  @Test
  void aReplicaSetOfAnotherDeploymentIsNotTheApps() {
    AppDeployment app = app("1.0");
    Deployment deployment = rolledOutDeployment(app);
    Deployment other = deployment(app, 1);
    other.getMetadata().setUid("uid-other-deployment");
    VmObservation observed = VmObserver.observe(app, deployment,
        List.of(replicaSet(other, "uid-rs-1.0", deployment.getSpec().getTemplate())),
        List.of(readyPod("hello-a", "1.0", T0, T0, 0)));
    assertNull(observed.servingVersion());
    assertFalse(observed.rolledOut());
  }

  @Test
  void aChangedTemplateOfTheSameVersionFailingWhileTheOldPodsServeIsTheNewTemplatesFailure() {
    // The same version with new env (or another sha256): a new ReplicaSet, whose pod cannot fetch its jar.
    AppDeployment before = app("1.0");
    AppDeployment app = app("1.0");
    app.getSpec().setEnv(Map.of("GREETING", "hi"));
    Deployment deployment = withStatus(deployment(app, 2), 2, 2, 1, 1, 1, available(true),
        progressing("True", "ReplicaSetUpdated"));
    ReplicaSet old = replicaSet(deployment, "uid-rs-old", VmDeployments.desired(before, PodImages.DEFAULTS).getSpec()
        .getTemplate());
    ReplicaSet current = replicaSet(deployment, "uid-rs-new", deployment.getSpec().getTemplate());
    Pod serving = readyPod("hello-old", "1.0", T0, T0, 0);
    serving.getMetadata().getOwnerReferences().get(0).setUid("uid-rs-old");
    Pod failing = fetchFailedPod("hello-new", "1.0", "ChecksumMismatch: expected abc, got def");
    failing.getMetadata().getOwnerReferences().get(0).setUid("uid-rs-new");

    VmObservation observed = VmObserver.observe(app, deployment, List.of(old, current), List.of(serving, failing));

    assertEquals(new VmObservation.Failure("ChecksumMismatch", "expected abc, got def"), observed.failure());
    assertEquals("1.0", observed.olderTemplateServing(), "the old template's pod keeps serving");
    assertEquals("hello-old", observed.node());
    assertFalse(observed.rolledOut());
  }

  @Test
  void theCachedReplicaSetIsMatchedToTheTemplateAsTheFullOne() {
    AppDeployment app = app("1.0");
    Deployment deployment = rolledOutDeployment(app);
    ReplicaSet slim = DeploymentPods.slim(replicaSet(deployment, "uid-rs-1.0", deployment.getSpec().getTemplate()));
    assertNull(slim.getSpec(), "the cache keeps no template");
    assertTrue(VmObserver.observe(app, deployment, List.of(slim), List.of(readyPod("hello-a", "1.0", T0, T0, 0)))
        .rolledOut());
  }
}
