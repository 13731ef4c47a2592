package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Isolation;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AppDeployment controller for vm apps against the mock API server, with a fake kubelet. */
class AppDeploymentReconcilerTest extends OperatorTestBase {
  FakeKubelet kubelet;

  @BeforeEach
  void start() {
    startOperator(false, OperatorHarness.Controllers.ALL);
    kubelet = new FakeKubelet(client, ns);
  }

  AppDeployment create(String name, String version, Consumer<AppDeploymentSpec> customize) {
    return client.resource(TestApps.vm(ns, name, version, customize)).create();
  }

  AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
  }

  void editApp(String name, Consumer<AppDeploymentSpec> edit) {
    client.resources(AppDeployment.class).inNamespace(ns).withName(name).edit(a -> {
      edit.accept(a.getSpec());
      return a;
    });
  }

  /** Sets the app's version (and whatever else {@code alsoEdit} changes), then waits for the template to carry it. */
  private void editVersionAndAwaitTemplate(String name, String version, Consumer<AppDeploymentSpec> alsoEdit) {
    editApp(name, spec -> {
      spec.setVersion(version);
      alsoEdit.accept(spec);
    });
    await().atMost(OperatorHarness.WAIT).until(() -> version.equals(kubelet.deployment(name).getSpec().getTemplate()
        .getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)));
  }

  AppDeployment awaitPhase(String name, Phase phase, String readyReason) {
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      AppDeployment app = app(name);
      return app != null && app.getStatus() != null && phase == app.getStatus().getPhase()
          && condition(app, "Ready").filter(c -> readyReason.equals(c.getReason()))
              .filter(c -> c.getObservedGeneration().equals(app.getMetadata().getGeneration())).isPresent();
    });
    return app(name);
  }

  static Optional<Condition> condition(AppDeployment app, String type) {
    return app.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @Test
  void aVmAppRunsInItsOwnDeploymentAndReportsWhatTheClusterShows() {
    create("web", "1.0", spec -> { });

    Deployment deployment = kubelet.awaitDeployment("web");
    assertEquals("web", deployment.getMetadata().getOwnerReferences().get(0).getName());
    assertEquals("IfNotPresent",
        deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImagePullPolicy());
    assertEquals("web", deployment.getSpec().getTemplate().getMetadata().getLabels().get(Api.APP_LABEL));
    AppDeployment deploying = awaitPhase("web", Phase.Deploying, "Progressing");
    assertEquals("True", condition(deploying, "Reconciling").orElseThrow().getStatus());

    Pod pod = kubelet.rollOut("web");

    AppDeployment running = awaitPhase("web", Phase.Running, "Succeeded");
    assertEquals("1.0", running.getStatus().getDeployedVersion());
    assertNull(running.getStatus().getPreviousVersion());
    assertEquals(pod.getMetadata().getName(), running.getStatus().getNode());
    assertNotNull(running.getStatus().getStartedAt());
    assertEquals(0, running.getStatus().getRestarts());
    assertEquals("healthy", running.getStatus().getHealth().name());
    assertEquals("True", condition(running, "Healthy").orElseThrow().getStatus());
    assertEquals("True", condition(running, "DependenciesReady").orElseThrow().getStatus());
    assertTrue(condition(running, "Reconciling").isEmpty());
    assertEquals(Isolation.vm, running.getStatus().getIsolation());
  }

  @Test
  void aPodThatDiesIsNoticedAndItsRecoveryToo() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    kubelet.crashAndRestart("web");

    AppDeployment degraded = awaitPhase("web", Phase.Degraded, "HealthCheckFailed");
    assertEquals(1, degraded.getStatus().getRestarts());
    assertEquals("False", condition(degraded, "Healthy").orElseThrow().getStatus());
    assertTrue(condition(degraded, "Stalled").isEmpty(), "the kubelet is still trying");

    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");
  }

  @Test
  void anUpgradeRollsWithoutStoppingTheRunningVersion() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editVersionAndAwaitTemplate("web", "2.0",
        spec -> spec.getSource().setUrl("https://artifacts.example.com/web-2.0.jar"));
    Deployment deployment = kubelet.deployment("web");
    assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    assertTrue(deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs()
        .contains("https://artifacts.example.com/web-2.0.jar"));
    kubelet.startUnready("web");
    AppDeployment upgrading = awaitPhase("web", Phase.Upgrading, "Progressing");
    assertEquals("1.0", upgrading.getStatus().getDeployedVersion());

    kubelet.rollOut("web");

    AppDeployment upgraded = awaitPhase("web", Phase.Running, "Succeeded");
    assertEquals("2.0", upgraded.getStatus().getDeployedVersion());
    assertEquals("1.0", upgraded.getStatus().getPreviousVersion());
  }

  @Test
  void aChecksumMismatchOnUpgradeKeepsTheOldVersionRunning() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editVersionAndAwaitTemplate("web", "2.0", spec -> { });
    kubelet.failFetch("web", "ChecksumMismatch: https://artifacts.example.com/web-2.0.jar has sha256 bbbb, expected aaaa");

    AppDeployment degraded = awaitPhase("web", Phase.Degraded, "ChecksumMismatch");
    String message = condition(degraded, "Ready").orElseThrow().getMessage();
    assertTrue(message.contains("expected aaaa") && message.contains("1.0 keeps running"), message);
    assertEquals("True", condition(degraded, "Stalled").orElseThrow().getStatus());
    assertEquals("1.0", degraded.getStatus().getDeployedVersion());
    assertEquals(2, kubelet.pods("web").size(), "the old pod is still there");
  }

  @Test
  void aChecksumMismatchOnFirstDeployFailsTheApp() {
    create("web", "1.0", spec -> { });
    kubelet.failFetch("web", "ChecksumMismatch: https://artifacts.example.com/web-1.0.jar has sha256 bbbb, expected aaaa");

    AppDeployment failed = awaitPhase("web", Phase.Failed, "ChecksumMismatch");

    assertEquals("unhealthy", failed.getStatus().getHealth().name());
    assertNull(failed.getStatus().getDeployedVersion());
  }

  @Test
  void anUnreachableArtifactIsArtifactFetchFailed() {
    create("web", "1.0", spec -> { });
    kubelet.failFetch("web", "ArtifactFetchFailed: GET https://artifacts.example.com/web-1.0.jar failed after 3 tries:"
        + " connection refused");

    AppDeployment failed = awaitPhase("web", Phase.Failed, "ArtifactFetchFailed");

    assertTrue(condition(failed, "Ready").orElseThrow().getMessage().contains("connection refused"));
  }

  @Test
  void aMissingMainClassIsInvalidArtifact() {
    create("web", "1.0", spec -> { });
    kubelet.failFetch("web", "InvalidArtifact: the jar has no Main-Class in its manifest; set source.mainClass");

    AppDeployment failed = awaitPhase("web", Phase.Failed, "InvalidArtifact");

    assertTrue(condition(failed, "Ready").orElseThrow().getMessage().contains("set source.mainClass"));
  }

  @Test
  void aNewTemplateOfTheSameVersionThatCannotStartIsDegradedWhileTheOldPodsServe() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    // A wrong sha256 (or new env) keeps the version: the old pod keeps serving, the new one cannot start.
    editApp("web", spec -> spec.getSource().setSha256("b".repeat(64)));
    await().atMost(OperatorHarness.WAIT).until(() -> kubelet.deployment("web").getSpec().getTemplate().getSpec()
        .getInitContainers().get(0).getArgs().contains("b".repeat(64)));
    kubelet.startUnready("web");
    AppDeployment rolling = awaitPhase("web", Phase.Upgrading, "Progressing");
    assertTrue(message(rolling).contains("rolling out a change of version 1.0"), message(rolling));
    assertEquals("healthy", rolling.getStatus().getHealth().name());
    kubelet.failFetch("web", "ChecksumMismatch: https://artifacts.example.com/web-1.0.jar has sha256 aaaa, expected bbbb");

    AppDeployment degraded = awaitPhase("web", Phase.Degraded, "ChecksumMismatch");
    assertTrue(message(degraded).contains("expected bbbb") && message(degraded)
        .contains("the pods of the previous template (version 1.0) keep running"), message(degraded));
    assertEquals("True", condition(degraded, "Stalled").orElseThrow().getStatus());
    assertEquals("healthy", degraded.getStatus().getHealth().name());
    assertEquals("1.0", degraded.getStatus().getDeployedVersion());
  }

  @Test
  void kubectlRolloutRestartIsNotUndone() throws InterruptedException {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    operator.drainRequests();
    client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().getTemplate().getMetadata().getAnnotations().put("kubectl.kubernetes.io/restartedAt", "2026-12-04T19:10:24Z");
      return d;
    });

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> "2026-12-04T19:10:24Z".equals(
        kubelet.deployment("web").getSpec().getTemplate().getMetadata().getAnnotations()
            .get("kubectl.kubernetes.io/restartedAt")));
    // The restart rolls out a new pod template (the app shows Upgrading meanwhile), which the operator leaves alone.
    assertEquals(List.of("PATCH /apis/apps/v1/namespaces/" + ns + "/deployments/web"),
        OperatorHarness.writes(operator.drainRequests()).stream().filter(w -> w.contains("/deployments/")).toList(),
        "the restart's own edit, and no write of the Deployment from the operator");
  }

  @Test
  void aRunningAppKeepsRunningWhileItsDependencyUpgradesAndItsOwnUpgradeWaitsForIt() {
    create("db", "1.0", spec -> { });
    kubelet.rollOut("db");
    awaitPhase("db", Phase.Running, "Succeeded");
    create("web", "1.0", spec -> spec.setDependsOn(List.of("db")));
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editVersionAndAwaitTemplate("db", "2.0", spec -> { });
    kubelet.startUnready("db");
    awaitPhase("db", Phase.Upgrading, "Progressing");
    await().atMost(OperatorHarness.WAIT).until(() -> "False".equals(
        condition(app("web"), "DependenciesReady").orElseThrow().getStatus()));
    AppDeployment web = app("web");
    assertEquals(Phase.Running, web.getStatus().getPhase(), "a running app is never stopped for a dependency");
    assertEquals("True", condition(web, "Ready").orElseThrow().getStatus());

    editApp("web", spec -> spec.setVersion("2.0"));
    AppDeployment held = awaitPhase("web", Phase.WaitingForDependencies, "WaitingForDependencies");
    assertTrue(message(held).contains("the upgrade to 2.0 waits") && message(held).contains("1.0 keeps running"),
        message(held));
    assertEquals("1.0", kubelet.deployment("web").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(Api.VERSION_ANNOTATION));

    kubelet.rollOut("db");
    await().atMost(OperatorHarness.WAIT).until(() -> "2.0".equals(kubelet.deployment("web").getSpec().getTemplate()
        .getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)));
  }

  @Test
  void aCrashingNewVersionIsAnUpgradeFailure() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editVersionAndAwaitTemplate("web", "2.0", spec -> { });
    kubelet.crashLoop("web");

    AppDeployment degraded = awaitPhase("web", Phase.Degraded, "UpgradeFailed");
    assertTrue(condition(degraded, "Ready").orElseThrow().getMessage().contains("no database"));
  }

  @Test
  void aVersionThatNeverBecomesReadyFailsItsHealthCheck() {
    create("web", "1.0", spec -> { });
    kubelet.exceedProgressDeadline("web");

    awaitPhase("web", Phase.Failed, "HealthCheckFailed");
  }

  @Test
  void appsThatDependOnEachOtherInACircleSaySo() {
    create("web", "1.0", spec -> spec.setDependsOn(List.of("api")));
    create("api", "1.0", spec -> spec.setDependsOn(List.of("db")));
    create("db", "1.0", spec -> spec.setDependsOn(List.of("web")));

    AppDeployment web = awaitPhase("web", Phase.WaitingForDependencies, "WaitingForDependencies");
    await().atMost(OperatorHarness.WAIT).until(() -> "DependencyCycle".equals(
        condition(app("web"), "DependenciesReady").orElseThrow().getReason()));
    assertEquals("dependsOn goes round in a cycle: web -> api -> db -> web",
        condition(app("web"), "DependenciesReady").orElseThrow().getMessage());
    assertEquals("dependsOn goes round in a cycle: db -> web -> api -> db",
        condition(app("db"), "DependenciesReady").orElseThrow().getMessage());
    assertNull(kubelet.deployment("web"), web.toString());

    // Breaking the circle lets them start, the one without dependencies first.
    editApp("db", spec -> spec.setDependsOn(List.of()));
    kubelet.awaitDeployment("db");
  }

  @Test
  void theEditThatBreaksACircleCountsBeforeTheCacheOfDependenciesHasIt() {
    // The app's own informer can deliver the edit before the "dependencies" informer does, and that
    // informer's later event about it wakes only the apps that depend on it: the app must not read its own
    // old dependsOn there, or it says DependencyCycle until something else changes.
    Map<String, AppDeployment> cached = Map.of(
        "web", TestApps.vm(ns, "web", "1.0", spec -> spec.setDependsOn(List.of("api"))),
        "api", TestApps.vm(ns, "api", "1.0", spec -> spec.setDependsOn(List.of("db"))),
        "db", TestApps.vm(ns, "db", "1.0", spec -> spec.setDependsOn(List.of("web"))));
    AppDeployment edited = TestApps.vm(ns, "db", "1.0", spec -> spec.setDependsOn(List.of()));

    assertEquals(List.of("db", "web", "api", "db"), AppDeploymentReconciler.cycleThrough(cached.get("db"),
        id -> Optional.ofNullable(cached.get(id.getName()))));
    assertEquals(List.of(), AppDeploymentReconciler.cycleThrough(edited,
        id -> Optional.ofNullable(cached.get(id.getName()))));
  }

  @Test
  void anAppWaitsForItsDependenciesAndStartsAsSoonAsTheyAreReady() {
    create("web", "1.0", spec -> spec.setDependsOn(List.of("db")));

    AppDeployment waiting = awaitPhase("web", Phase.WaitingForDependencies, "WaitingForDependencies");
    assertEquals("DependencyNotFound", condition(waiting, "DependenciesReady").orElseThrow().getReason());
    assertNull(kubelet.deployment("web"));

    create("db", "5.0", spec -> { });
    await().atMost(OperatorHarness.WAIT).until(() -> "WaitingForDependencies".equals(
        condition(app("web"), "DependenciesReady").orElseThrow().getReason()));
    assertNull(kubelet.deployment("web"), "db is not Ready yet");

    kubelet.rollOut("db");
    awaitPhase("db", Phase.Running, "Succeeded");

    kubelet.awaitDeployment("web");
    assertEquals("True", condition(app("web"), "DependenciesReady").orElseThrow().getStatus());
  }

  @Test
  void deletingTheAppRemovesItsDeployment() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    client.resource(app("web")).delete();

    await().atMost(OperatorHarness.WAIT).until(() -> app("web") == null && kubelet.deployment("web") == null);
  }

  @Test
  void aHandEditedDeploymentIsPutBack() {
    create("web", "1.0", spec -> { });
    kubelet.awaitDeployment("web");

    client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
      return d;
    });

    await().atMost(OperatorHarness.WAIT).until(() -> "eclipse-temurin:17-jre".equals(
        kubelet.deployment("web").getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
  }

  @Test
  void aNodePrefixRenamesTheDeployment() {
    create("web", "1.0", spec -> spec.getVmConfig().setNodePrefix("shop-"));

    kubelet.awaitDeployment("shop-web");
    editApp("web", spec -> spec.getVmConfig().setNodePrefix("store-"));

    kubelet.awaitDeployment("store-web");
    await().atMost(OperatorHarness.WAIT).until(() -> kubelet.deployment("shop-web") == null);
  }

  @Test
  void aSuspendedAppIsNotChanged() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editApp("web", spec -> {
      spec.setSuspend(true);
      spec.setVersion("2.0");
    });

    awaitPhase("web", Phase.Running, "Suspended");
    assertEquals("1.0", kubelet.deployment("web").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(Api.VERSION_ANNOTATION));
  }

  @Test
  void invalidSpecsFailWithoutCreatingAnything() {
    create("selfish", "1.0", spec -> spec.setDependsOn(List.of("selfish")));
    create("tiny", "1.0", spec -> spec.getVmConfig().setMemoryLimit(new IntOrString("1Ki")));
    create("greedy", "1.0", spec -> spec.getVmConfig().setSchedulerLimit(100000));
    create("boxed", "1.0", spec -> {
      spec.setIsolation(Isolation.embedded);
      spec.getSource().setType(AppSource.Type.image);
      spec.getSource().setImage("nginx");
      spec.getSource().setUrl(null);
      spec.getSource().setSha256(null);
    });

    assertTrue(message(awaitPhase("selfish", Phase.Failed, "InvalidSpec")).contains("depends on itself"));
    assertTrue(message(awaitPhase("tiny", Phase.Failed, "InvalidSpec")).contains("memoryLimit"));
    assertTrue(message(awaitPhase("greedy", Phase.Failed, "InvalidSpec")).contains("schedulerLimit"));
    assertTrue(message(awaitPhase("boxed", Phase.Failed, "InvalidSpec")).contains("isolation: vm"));
    assertTrue(client.apps().deployments().inNamespace(ns).list().getItems().isEmpty());
  }

  @Test
  void anInvalidEditKeepsTheRunningVersion() {
    create("web", "1.0", spec -> { });
    kubelet.rollOut("web");
    awaitPhase("web", Phase.Running, "Succeeded");

    editApp("web", spec -> {
      spec.setVersion("2.0");
      spec.getVmConfig().setMemoryLimit(new IntOrString("-5Mi"));
    });

    AppDeployment degraded = awaitPhase("web", Phase.Degraded, "InvalidSpec");
    assertTrue(message(degraded).contains("memoryLimit") && message(degraded).contains("1.0 keeps running"));
    assertEquals("1.0", kubelet.deployment("web").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(Api.VERSION_ANNOTATION));
  }

  static String message(AppDeployment app) {
    return condition(app, "Ready").orElseThrow().getMessage();
  }
}
