package io.bcgitops.controller;

import static io.bcgitops.controller.AppDeploymentReconcilerTest.condition;
import static io.bcgitops.controller.AppDeploymentReconcilerTest.message;
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
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Embedded apps: the operator's side, against the mock API server and a runtime pool's APIs on loopback. */
class EmbeddedAppsTest extends OperatorTestBase {
  private static final String TOKEN = "pool-token-for-tests";
  private static final String POOL = RuntimePools.name("default");
  ScriptedRuntimePool pool;
  FakeKubelet kubelet;

  @BeforeEach
  void start() throws Exception {
    pool = new ScriptedRuntimePool(TOKEN);
    // The operator creates the token Secret with the pool; a test creates it first, to know the token (labelled
    // as the pool's objects are: the pool finds it, and creates none).
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName("default"))
        .withNamespace(ns).withLabels(RuntimePools.labels("default")).endMetadata()
        .addToData(RuntimePools.TOKEN_KEY, Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
    startOperator(false, OperatorHarness.Controllers.ALL, pool);
    kubelet = new FakeKubelet(client, ns);
  }

  @AfterEach
  void stopPool() {
    pool.close();
  }

  AppDeployment create(String name, String version, Consumer<AppDeploymentSpec> customize) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    spec.setIsolation(Isolation.embedded);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.maven);
    source.setCoordinates("io.example:" + name);
    spec.setSource(source);
    HealthCheck health = new HealthCheck();
    health.setType(HealthCheck.Type.http);
    health.setPath("/health");
    spec.setHealth(health);
    spec.setEnv(Map.of("GREETING", "hi"));
    customize.accept(spec);
    app.setSpec(spec);
    return client.resource(app).create();
  }

  AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
  }

  AppDeployment awaitPhase(String name, Phase phase, String readyReason) {
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      AppDeployment app = app(name);
      return app != null && app.getStatus() != null && phase == app.getStatus().getPhase()
          && condition(app, "Ready").filter(c -> readyReason.equals(c.getReason())).isPresent();
    });
    return app(name);
  }

  private Pod runningPool() {
    return kubelet.startPool(POOL);
  }

  @Test
  void theFirstEmbeddedAppCreatesItsRuntimePoolAndRunsInIt() {
    create("greeter", "1.0", spec -> { });

    Deployment deployment = kubelet.awaitDeployment(POOL);
    assertEquals("Recreate", deployment.getSpec().getStrategy().getType());
    Map<String, Container> containers = new java.util.TreeMap<>();
    deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> containers.put(c.getName(), c));
    assertEquals("runtime-host", containers.get("host").getArgs().get(0));
    assertEquals("loader", containers.get("loader").getArgs().get(0));
    assertEquals("IfNotPresent", containers.get("host").getImagePullPolicy());
    // The token reaches the containers as files, never their environment: the loader gets the pool's token, the
    // host (whose apps read what it reads) only the digest of its own.
    assertTrue(containers.values().stream().allMatch(c -> c.getEnv() == null || c.getEnv().isEmpty()),
        "no container has an environment: " + containers);
    Map<String, io.fabric8.kubernetes.api.model.Volume> volumes = new java.util.TreeMap<>();
    deployment.getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    for (Map.Entry<String, String> mounted : Map.of("host", RuntimePools.HOST_TOKEN_SHA256_KEY, "loader",
        RuntimePools.TOKEN_KEY).entrySet()) {
      io.fabric8.kubernetes.api.model.VolumeMount mount = containers.get(mounted.getKey()).getVolumeMounts().stream()
          .filter(m -> RuntimeApi.TOKEN_DIR.equals(m.getMountPath())).findFirst().orElseThrow();
      assertEquals(true, mount.getReadOnly());
      var secret = volumes.get(mount.getName()).getSecret();
      assertEquals(RuntimePools.tokenSecretName("default"), secret.getSecretName());
      assertEquals(0400, secret.getDefaultMode());
      assertEquals(List.of(mounted.getValue()), secret.getItems().stream().map(i -> i.getKey()).toList(),
          mounted.getKey() + " mounts exactly its key of the token Secret");
    }
    assertTrue(!tmpVolume(containers.get("host")).equals(tmpVolume(containers.get("loader"))),
        "host and loader each have a /tmp of their own: two JVMs in one would fight over hsperfdata");
    assertNotNull(client.services().inNamespace(ns).withName(POOL).get());
    awaitPhase("greeter", Phase.Deploying, "RuntimeUnavailable");

    Pod pod = runningPool();

    AppDeployment running = awaitPhase("greeter", Phase.Running, "Succeeded");
    assertEquals("1.0", running.getStatus().getDeployedVersion());
    assertEquals(pod.getMetadata().getName(), running.getStatus().getNode());
    assertEquals(Isolation.embedded, running.getStatus().getIsolation());
    assertEquals("healthy", running.getStatus().getHealth().name());
    assertNotNull(running.getStatus().getLastHealthCheck());
    RuntimeApi.LoadRequest load = pool.loads.get("greeter");
    assertEquals("/apps/greeter/1.0/app.jar", load.jar());
    assertEquals(Map.of("GREETING", "hi"), load.env());
    assertEquals("http", load.health().type());
    assertTrue(pool.calls.contains("fetch greeter/1.0"));
  }

  @Test
  void anUpgradeLoadsTheNewVersionAndAFailedOneKeepsTheOld() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");

    edit("greeter", spec -> spec.setVersion("1.1"));
    AppDeployment upgraded = awaitPhase("greeter", Phase.Running, "Succeeded");
    await().atMost(OperatorHarness.WAIT).until(() -> "1.1".equals(app("greeter").getStatus().getDeployedVersion()));
    assertEquals("1.0", app("greeter").getStatus().getPreviousVersion());
    assertNotNull(upgraded);

    pool.failingVersions.add("2.0");
    edit("greeter", spec -> spec.setVersion("2.0"));

    AppDeployment degraded = awaitPhase("greeter", Phase.Degraded, "UpgradeFailed");
    assertTrue(message(degraded).contains("1.1 keeps running"), message(degraded));
    assertEquals("1.1", pool.apps.get("greeter").version());
  }

  @Test
  void aRunningAppKeepsRunningWhileItsDependencyFailsAnUpgrade() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");
    create("clock", "1.0", spec -> spec.setDependsOn(java.util.List.of("greeter")));
    awaitPhase("clock", Phase.Running, "Succeeded");

    pool.failingVersions.add("2.0");
    edit("greeter", spec -> spec.setVersion("2.0"));
    awaitPhase("greeter", Phase.Degraded, "UpgradeFailed");

    await().atMost(OperatorHarness.WAIT).until(() -> "False".equals(
        condition(app("clock"), "DependenciesReady").orElseThrow().getStatus()));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
        app("clock").getStatus().getPhase() == Phase.Running
            && "True".equals(condition(app("clock"), "Ready").orElseThrow().getStatus()));
    assertEquals("1.0", pool.apps.get("clock").version());
  }

  @Test
  void aHealthCheckTimeAloneIsNoReasonToWriteTheStatus() throws Exception {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");
    String checked = app("greeter").getStatus().getLastHealthCheck();
    operator.drainRequests();

    Thread.sleep(11_000); // longer than the 10 s poll: the host has checked every app again

    assertEquals(java.util.List.of(), OperatorHarness.writes(operator.drainRequests()));
    assertEquals(checked, app("greeter").getStatus().getLastHealthCheck());
  }

  @Test
  void anUpgradeWaitingForItsDependenciesIsNotLoadedByAPoolThatRestarted() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");
    create("clock", "1.0", spec -> spec.setDependsOn(java.util.List.of("greeter")));
    awaitPhase("clock", Phase.Running, "Succeeded");
    pool.failingVersions.add("2.0");
    edit("greeter", spec -> spec.setVersion("2.0"));
    awaitPhase("greeter", Phase.Degraded, "UpgradeFailed");

    edit("clock", spec -> spec.setVersion("1.1"));
    AppDeployment held = awaitPhase("clock", Phase.WaitingForDependencies, "WaitingForDependencies");
    assertTrue(message(held).contains("the upgrade to 1.1 waits") && message(held).contains("1.0 keeps running"),
        message(held));

    pool.restart();

    await().atMost(OperatorHarness.WAIT).until(() -> message(app("clock")).contains("no longer runs version 1.0"));
    assertFalse(pool.apps.containsKey("clock"), "1.1 waits for greeter, even in a pool that lost 1.0");
  }

  @Test
  void anInvalidEditKeepsTheLoadedVersionRunning() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");

    edit("greeter", spec -> {
      spec.setVersion("2.0");
      spec.setDependsOn(java.util.List.of("greeter"));
    });

    AppDeployment degraded = awaitPhase("greeter", Phase.Degraded, "InvalidSpec");
    assertTrue(message(degraded).contains("depends on itself") && message(degraded).contains("1.0 keeps running"),
        message(degraded));
    assertEquals("1.0", pool.apps.get("greeter").version());
  }

  @Test
  @SuppressWarnings("unchecked")
  void anAppWhoseSpecCannotBeReadKeepsRunningInItsPoolAndLeavesItWhenDeleted() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> spec.setRuntime("default"));
    awaitPhase("greeter", Phase.Running, "Succeeded");

    // A value this version does not know (a newer CRD allowed it): nothing of the spec can be used.
    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, "AppDeployment").inNamespace(ns)
        .withName("greeter").edit(r -> {
          ((Map<String, Object>) r.getAdditionalProperties().get("spec")).put("isolation", "wasm");
          return r;
        });
    AppDeployment unreadable = awaitPhase("greeter", Phase.Degraded, "InvalidSpec");
    assertTrue(message(unreadable).contains("1.0 keeps running"), message(unreadable));
    assertEquals("1.0", pool.apps.get("greeter").version());

    client.resource(app("warmup")).delete();
    await().atMost(OperatorHarness.WAIT).until(() -> app("warmup") == null);
    assertNotNull(kubelet.deployment(POOL), "greeter still runs in the pool");

    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, "AppDeployment").inNamespace(ns)
        .withName("greeter").delete();
    await().atMost(OperatorHarness.WAIT).until(() -> app("greeter") == null && !pool.apps.containsKey("greeter")
        && kubelet.deployment(POOL) == null);
  }

  @Test
  void aJarThatFailsItsChecksumIsReportedAndNotLoaded() {
    runningPoolFirst();
    pool.failingJars.put("greeter/1.0", new RuntimeApi.Problem("ChecksumMismatch",
        "io.example:greeter:1.0 has sha256 bbbb, expected aaaa"));
    create("greeter", "1.0", spec -> { });

    AppDeployment failed = awaitPhase("greeter", Phase.Failed, "ChecksumMismatch");

    assertTrue(message(failed).contains("expected aaaa"));
    assertFalse(pool.apps.containsKey("greeter"));
  }

  /**
   * The loader fetches a jar in the background and answers at once: the app shows that it waits for its jar, the
   * reconcile asks again at the next poll instead of waiting for the download, and other apps go on meanwhile. Before,
   * a reconcile waited up to 3 minutes for each download, and about 50 apps whose servers trickled held every thread
   * both controllers share.
   */
  @Test
  void aJarStillBeingFetchedHoldsNoReconcile() {
    runningPoolFirst();
    pool.fetchingJars.add("greeter/1.0");
    create("greeter", "1.0", spec -> { });

    AppDeployment fetching = awaitPhase("greeter", Phase.Deploying, "Progressing");
    assertEquals("fetching the jar of version 1.0", message(fetching));
    await().atMost(OperatorHarness.WAIT).until(() -> pool.calls.stream().filter("fetch greeter/1.0"::equals).count()
        >= 2);
    assertFalse(pool.calls.contains("load greeter 1.0"), "not loaded before its jar is there");
    create("clock", "3.0", spec -> { });
    awaitPhase("clock", Phase.Running, "Succeeded");

    pool.fetchingJars.remove("greeter/1.0");

    AppDeployment running = awaitPhase("greeter", Phase.Running, "Succeeded");
    assertEquals("1.0", running.getStatus().getDeployedVersion());
    assertEquals("/apps/greeter/1.0/app.jar", pool.loads.get("greeter").jar());
  }

  @Test
  void anAppThatKeepsCrashingIsReported() {
    runningPoolFirst();
    pool.failingVersions.add("1.0");
    create("greeter", "1.0", spec -> { });

    AppDeployment failed = awaitPhase("greeter", Phase.Failed, "CrashLoopBackOff");
    assertTrue(message(failed).contains("start() threw"));
  }

  @Test
  void aRestartedRuntimePodGetsItsAppsBack() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    create("clock", "3.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");
    awaitPhase("clock", Phase.Running, "Succeeded");

    pool.restart();

    await().atMost(OperatorHarness.WAIT).until(() -> pool.apps.keySet()
        .equals(java.util.Set.of("warmup", "greeter", "clock")));
    assertEquals(1, client.apps().deployments().inNamespace(ns).list().getItems().size(), "both apps share one pool");
  }

  @Test
  void theLastAppRemovedRemovesThePool() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    create("clock", "3.0", spec -> { });
    awaitPhase("clock", Phase.Running, "Succeeded");
    awaitPhase("greeter", Phase.Running, "Succeeded");

    client.resource(app("greeter")).delete();
    await().atMost(OperatorHarness.WAIT).until(() -> app("greeter") == null);
    assertFalse(pool.apps.containsKey("greeter"));
    assertNotNull(kubelet.deployment(POOL), "clock still uses the pool");

    client.resource(app("warmup")).delete();
    client.resource(app("clock")).delete();
    await().atMost(OperatorHarness.WAIT).until(() -> kubelet.deployment(POOL) == null);
    assertNull(client.services().inNamespace(ns).withName(POOL).get());
    assertNull(client.secrets().inNamespace(ns).withName(RuntimePools.tokenSecretName("default")).get());
  }

  @Test
  void anAppMovedToVmLeavesItsPoolAndOneMovedBackLeavesItsDeployment() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> { });
    awaitPhase("greeter", Phase.Running, "Succeeded");

    edit("greeter", spec -> spec.setIsolation(Isolation.vm));

    kubelet.awaitDeployment("greeter");
    await().atMost(OperatorHarness.WAIT).until(() -> !pool.apps.containsKey("greeter"));
    assertNotNull(kubelet.deployment(POOL), "warmup still uses the pool");

    edit("greeter", spec -> spec.setIsolation(Isolation.embedded));

    await().atMost(OperatorHarness.WAIT).until(() -> kubelet.deployment("greeter") == null
        && pool.apps.containsKey("greeter"));
  }

  /**
   * Embedded apps reconciling leave the vm apps' Deployment informer as it was: a hand edit of a vm app's
   * Deployment made after an embedded app was reconciled is still seen and put back (the isolation is a reconcile
   * precondition; an activation condition would have JOSDK stop that informer for every app).
   */
  @Test
  void aVmAppsDeploymentIsStillWatchedAfterAnEmbeddedAppReconciles() {
    runningPoolFirst();
    create("greeter", "1.0", spec -> spec.setIsolation(Isolation.vm));
    Deployment deployment = kubelet.awaitDeployment("greeter");
    String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

    edit("warmup", spec -> spec.setEnv(Map.of("GREETING", "hello")));
    await().atMost(OperatorHarness.WAIT).until(() -> Map.of("GREETING", "hello").equals(pool.loads.get("warmup").env()));
    client.apps().deployments().inNamespace(ns).withName("greeter").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
      return d;
    });

    await().atMost(OperatorHarness.WAIT).until(() -> image.equals(
        kubelet.deployment("greeter").getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
  }

  @Test
  void thePoolsTokenIsReadOnceNotOnEveryPoll() throws Exception {
    runningPoolFirst();
    operator.drainRequests();

    Thread.sleep(5000);

    String tokenPath = "/api/v1/namespaces/" + ns + "/secrets/" + RuntimePools.tokenSecretName("default");
    assertTrue(operator.drainRequests().stream().noneMatch(r -> r.getPath().startsWith(tokenPath)),
        "the token Secret is read again on a poll");
    assertTrue(pool.apps.containsKey("warmup"));
  }

  @Test
  void anImageSourceCannotBeEmbedded() {
    create("boxed", "1.0", spec -> {
      spec.getSource().setType(AppSource.Type.image);
      spec.getSource().setCoordinates(null);
      spec.getSource().setImage("nginx");
    });

    assertTrue(message(awaitPhase("boxed", Phase.Failed, "InvalidSpec")).contains("isolation: vm"));
    assertNull(kubelet.deployment(POOL), "no pool for an app that cannot run in one");
  }

  private static String tmpVolume(Container container) {
    return container.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath())).findFirst()
        .orElseThrow().getName();
  }

  private void runningPoolFirst() {
    create("warmup", "0.1", spec -> { });
    runningPool();
    awaitPhase("warmup", Phase.Running, "Succeeded");
  }

  private void edit(String name, Consumer<AppDeploymentSpec> change) {
    // The operator writes the object too (its status, its finalizer): an edit that raced one of
    // those writes (409 Conflict) is made again on the object as it is now, as kubectl edit would.
    await().atMost(OperatorHarness.WAIT).pollDelay(Duration.ZERO)
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException conflict && conflict.getCode() == 409)
        .until(() -> {
          client.resources(AppDeployment.class).inNamespace(ns).withName(name).edit(a -> {
            change.accept(a.getSpec());
            return a;
          });
          return true;
        });
  }
}
