package io.bcgitops.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.RealCluster;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Desired objects against the objects a real API server returned for them (src/test/resources/real-cluster):
 * server defaults and canonical forms are no difference; a field the operator sets and someone changed is.
 */
class DriftTest {
  /** The settings the recorded cluster ran the operator with. */
  static final PodImages RECORDED = new PodImages("bc-gitops-operator:latest", "eclipse-temurin:17-jre",
      "http://10.88.0.1:8000");

  static AppDeployment web() {
    return RealCluster.item("appdeployments.json", AppDeployment.class, "web");
  }

  static Deployment liveWeb() {
    return RealCluster.vmAppDeployment();
  }

  static Deployment livePool() {
    return RealCluster.runtimePoolDeployment();
  }

  @Test
  void aVmAppsDeploymentAsTheServerReturnedItHoldsWhatTheOperatorWants() {
    assertEquals(Optional.empty(), Drift.of(VmDeployments.desired(web(), RECORDED), liveWeb()));
  }

  @Test
  void aRuntimePoolsDeploymentAsTheServerReturnedItHoldsWhatTheOperatorWants() {
    assertEquals(Optional.empty(), Drift.of(RuntimePools.deployment(RealCluster.runtimePool(), RECORDED), livePool()));
  }

  @Test
  void kubectlRolloutRestartIsLeftAlone() {
    Deployment live = liveWeb();
    live.getSpec().getTemplate().getMetadata().getAnnotations()
        .put("kubectl.kubernetes.io/restartedAt", "2026-12-04T19:10:24Z");

    assertEquals(Optional.empty(), Drift.of(VmDeployments.desired(web(), RECORDED), live));
  }

  @Test
  void aFieldTheOperatorSetsAndSomeoneChangedIsADifference() {
    Deployment live = liveWeb();
    live.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("eclipse-temurin:21-jre");

    assertEquals(Optional.of("spec.template.spec.containers[0].image"),
        Drift.of(VmDeployments.desired(web(), RECORDED), live));
  }

  @Test
  void hardeningTakenAwayByHandIsADifference() {
    Deployment desired = VmDeployments.desired(web(), RECORDED);

    Deployment tokenMounted = liveWeb();
    tokenMounted.getSpec().getTemplate().getSpec().setAutomountServiceAccountToken(null);
    assertEquals(Optional.of("spec.template.spec.automountServiceAccountToken"), Drift.of(desired, tokenMounted));

    Deployment escalating = liveWeb();
    escalating.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
        .setAllowPrivilegeEscalation(null);
    assertEquals(Optional.of("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"),
        Drift.of(desired, escalating));

    Deployment hostPath = liveWeb();
    var tmp = hostPath.getSpec().getTemplate().getSpec().getVolumes().get(1);
    tmp.setEmptyDir(null);
    tmp.setHostPath(new io.fabric8.kubernetes.api.model.HostPathVolumeSource("/", null));
    assertEquals(Optional.of("spec.template.spec.volumes[1].emptyDir"), Drift.of(desired, hostPath));
  }

  @Test
  void aLimitInAnotherFormIsTheSameLimitButAnotherAmountIsNot() {
    Deployment desired = VmDeployments.desired(web(), RECORDED);
    Deployment live = liveWeb();
    live.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
        .put("memory", new Quantity("268435456"));
    assertEquals(Optional.empty(), Drift.of(desired, live));

    live.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
        .put("memory", new Quantity("512Mi"));
    assertEquals(Optional.of("spec.template.spec.containers[0].resources.limits.memory"), Drift.of(desired, live));
  }

  @Test
  void aContainerAddedByHandIsADifference() {
    Deployment live = liveWeb();
    live.getSpec().getTemplate().getSpec().getContainers().add(live.getSpec().getTemplate().getSpec().getContainers().get(0));

    assertEquals(Optional.of("spec.template.spec.containers"), Drift.of(VmDeployments.desired(web(), RECORDED), live));
  }

  @Test
  void aFieldTheOperatorStoppedSettingIsFoundByTheRecordedHash() {
    AppDeployment app = web();
    Deployment live = OwnedDeployments.onto(VmDeployments.desired(app, RECORDED), liveWeb());
    assertEquals(Optional.empty(), Drift.of(VmDeployments.desired(app, RECORDED), live));

    app.getSpec().setVmConfig(null); // no memory limit any more: the desired container sets fewer fields
    Deployment desired = VmDeployments.desired(app, RECORDED);

    assertEquals(Optional.of("the desired state changed"), Drift.of(desired, live));
    Deployment written = OwnedDeployments.onto(desired, live);
    assertEquals(null, written.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
        .get("memory"));
    assertEquals(Optional.empty(), Drift.of(desired, written));
  }

  @Test
  void theHashIsTheSameForTheSameObjectWhateverItsMapsOrder() {
    Deployment one = VmDeployments.desired(web(), RECORDED);
    Deployment two = VmDeployments.desired(web(), RECORDED);
    Map<String, String> reversed = new java.util.LinkedHashMap<>();
    new java.util.TreeMap<>(two.getMetadata().getLabels()).descendingMap().forEach(reversed::put);
    two.getMetadata().setLabels(reversed);

    assertEquals(Drift.hash(one), Drift.hash(two));
    two.getSpec().setReplicas(2);
    assertNotEquals(Drift.hash(one), Drift.hash(two));
  }

  @Test
  void aWriteKeepsWhatOthersPutOnTheDeploymentAndItsTemplate() {
    Deployment live = liveWeb();
    live.getSpec().getTemplate().getMetadata().setAnnotations(new HashMap<>(Map.of(
        Api.VERSION_ANNOTATION, "1.0.0", "kubectl.kubernetes.io/restartedAt", "2026-12-04T19:10:24Z")));

    Deployment written = OwnedDeployments.onto(VmDeployments.desired(web(), RECORDED), live);

    assertEquals("1.1.0", written.getSpec().getTemplate().getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION));
    assertEquals("2026-12-04T19:10:24Z",
        written.getSpec().getTemplate().getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"));
    assertEquals("5", written.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
    assertEquals(live.getMetadata().getResourceVersion(), written.getMetadata().getResourceVersion());
    assertTrue(written.getMetadata().getAnnotations().containsKey(Api.DESIRED_HASH_ANNOTATION));
  }
}
