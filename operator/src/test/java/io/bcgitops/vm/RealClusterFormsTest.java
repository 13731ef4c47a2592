package io.bcgitops.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.VmConfig;
import io.bcgitops.kube.DeploymentPods;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a real API server and kubelet do that the mock server does not: canonical quantities,
 * dropped empty values, pods that never start or are never scheduled.
 */
class RealClusterFormsTest {

  @ParameterizedTest
  @CsvSource({"1024Mi,1Gi", "2048Mi,2Gi", "1536Mi,1536Mi", "1.5Gi,1536Mi", "512Mi,512Mi", "1000M,1G",
      "1500M,1500M", "1Gi,1Gi", "268435456,268435456", "0.5Gi,512Mi"})
  void memoryLimitsAreWrittenInTheFormTheApiServerStores(String written, String stored) {
    assertEquals(stored, Quantities.canonicalMemory(new Quantity(written)));
  }

  /** memoryLimit: 1024 (MiB, an integer) is the container limit 1Gi, as the API server would store 1024Mi. */
  @ParameterizedTest
  @CsvSource({"256,256Mi", "1024,1Gi", "1536,1536Mi", "2048,2Gi"})
  void anIntegerMemoryLimitIsMebibytesInCanonicalForm(int mebibytes, String stored) {
    Deployment deployment = VmDeployments.desired(app(Map.of(), new IntOrString(mebibytes)), PodImages.DEFAULTS);
    var limits = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();

    assertEquals(stored, limits.get("memory").toString());
  }

  private static AppDeployment app(Map<String, String> env, IntOrString memory) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").withUid("u").build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion("1.0");
    spec.setIsolation(Isolation.vm);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl("https://example.com/web.jar");
    spec.setSource(source);
    spec.setEnv(env);
    VmConfig vm = new VmConfig();
    vm.setMemoryLimit(memory);
    spec.setVmConfig(vm);
    app.setSpec(spec);
    return app;
  }

  @Test
  void theDeploymentCarriesCanonicalLimitsAndNoEmptyEnvValues() {
    Deployment deployment = VmDeployments.desired(app(Map.of("EMPTY", "", "SET", "x"), new IntOrString("1024Mi")), PodImages.DEFAULTS);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertEquals("1Gi", container.getResources().getLimits().get("memory").toString());
    assertEquals("1Gi", container.getResources().getRequests().get("memory").toString());
    assertNull(container.getEnv().get(0).getValue(), "EMPTY has no value, as the API server stores it");
    assertEquals("x", container.getEnv().get(1).getValue());
  }

  private static Pod pod(String version) {
    return new PodBuilder().withNewMetadata().withName("web-1").withAnnotations(Map.of("bcgitops.io/version", version))
        .addNewOwnerReference().withKind("ReplicaSet").withUid("uid-rs").withController(true).endOwnerReference()
        .withCreationTimestamp("2026-11-24T10:00:00Z").endMetadata().withNewStatus().endStatus().build();
  }

  private static Deployment deployment(AppDeployment app) {
    Deployment deployment = new DeploymentBuilder(VmDeployments.desired(app, PodImages.DEFAULTS)).build();
    deployment.getMetadata().setGeneration(1L);
    deployment.getMetadata().setUid("uid-deployment");
    return deployment;
  }

  private static VmObservation observe(AppDeployment app, Deployment deployment, List<Pod> pods) {
    return VmObserver.observe(app, deployment, List.of(VmObserverTest.replicaSet(deployment, "uid-rs",
        deployment.getSpec().getTemplate())), pods);
  }

  @Test
  void theRecordedVmAppIsRolledOutOnItsCurrentReplicaSetAndNotOnTheRestartedOne() {
    AppDeployment web = RealCluster.item("appdeployments.json", AppDeployment.class, "web");
    Deployment deployment = RealCluster.object("deployment-vm-app.json", Deployment.class);

    VmObservation observed = VmObserver.observe(web, deployment,
        RealCluster.items("replicasets.json", ReplicaSet.class).stream().map(DeploymentPods::slim).toList(),
        RealCluster.items("pods-vm-app.json", Pod.class));

    assertTrue(observed.rolledOut());
    assertEquals("web-69bf6d4b85-wnf2d", observed.node());
    assertEquals("1.1.0", observed.servingVersion());
    assertNull(observed.olderTemplateServing());
    assertEquals("2026-12-04T19:04:25Z", observed.startedAt());
    assertNull(observed.failure());
  }

  @Test
  void aRuntimePoolsPodIsNoVmAppsPod() {
    AppDeployment web = RealCluster.item("appdeployments.json", AppDeployment.class, "web");
    Deployment deployment = RealCluster.object("deployment-vm-app.json", Deployment.class);

    VmObservation observed = VmObserver.observe(web, deployment, RealCluster.items("replicasets.json", ReplicaSet.class),
        RealCluster.items("pods-runtime-pool.json", Pod.class));

    assertNull(observed.node());
    assertFalse(observed.rolledOut());
  }

  @Test
  void aFetchContainerThatCannotBePulledIsReported() {
    AppDeployment app = app(Map.of(), new IntOrString("256Mi"));
    Pod pod = pod("1.0");
    pod.getStatus().setInitContainerStatuses(List.of(new ContainerStatusBuilder().withName("fetch")
        .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState().build()));

    VmObservation observed = observe(app, deployment(app), List.of(pod));

    assertEquals("ImagePullBackOff", observed.failure().reason());
  }

  @Test
  void aPodNoNodeCanRunIsReported() {
    AppDeployment app = app(Map.of(), new IntOrString("256Mi"));
    Pod pod = pod("1.0");
    pod.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
        .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient memory.").build()));

    VmObservation observed = observe(app, deployment(app), List.of(pod));

    assertEquals("Unschedulable", observed.failure().reason());
    assertEquals("no node can run version 1.0: 0/3 nodes are available: 3 Insufficient memory.",
        observed.failure().message());
  }

  @Test
  void podsTheClusterRefusesToCreateAreReported() {
    AppDeployment app = app(Map.of(), new IntOrString("256Mi"));
    Deployment deployment = deployment(app);
    deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(1L)
        .addNewCondition().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
        .withMessage("pods \"web-1\" is forbidden: exceeded quota").endCondition().build());

    VmObservation observed = observe(app, deployment, List.of());

    assertEquals("ReplicaFailure", observed.failure().reason());
  }
}
