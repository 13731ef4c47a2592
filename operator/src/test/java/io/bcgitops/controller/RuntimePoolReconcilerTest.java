package io.bcgitops.controller;

import static io.bcgitops.controller.AppDeploymentReconcilerTest.condition;
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
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolSpec;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.http.BearerToken;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RuntimePools: created, sized, owned, polled, reported and deleted, against the mock API server and a scripted pool. */
class RuntimePoolReconcilerTest extends OperatorTestBase {
  private static final String TOKEN = "pool-token-for-tests";
  ScriptedRuntimePool pool;
  FakeKubelet kubelet;

  @BeforeEach
  void start() throws Exception {
    pool = new ScriptedRuntimePool(TOKEN);
    startOperator(false, OperatorHarness.Controllers.ALL, pool);
    kubelet = new FakeKubelet(client, ns);
  }

  @AfterEach
  void stopPool() {
    pool.close();
  }

  @Test
  void anEmbeddedAppNamingAMissingPoolGetsOneWithDefaultsThatOwnsItsObjects() {
    app("greeter", "fresh");

    RuntimePool created = await().atMost(OperatorHarness.WAIT).until(() -> runtimePool("fresh"), p -> p != null);
    assertEquals(Api.CREATED_BY_OPERATOR, created.getMetadata().getLabels().get(Api.CREATED_BY_LABEL));
    assertEquals(1, created.getSpec().getReplicas());
    assertNull(created.getSpec().getMemoryLimit());
    Deployment deployment = kubelet.awaitDeployment(RuntimePools.name("fresh"));
    assertEquals(new Quantity("512Mi"), host(deployment).getResources().getLimits().get("memory"));
    assertEquals(io.bcgitops.kube.PodImages.DEFAULTS.operatorImage(), host(deployment).getImage());
    await().atMost(OperatorHarness.WAIT).until(() -> client.secrets().inNamespace(ns)
        .withName(RuntimePools.tokenSecretName("fresh")).get() != null);
    for (HasMetadata owned : List.of(deployment,
        client.services().inNamespace(ns).withName(RuntimePools.name("fresh")).get(),
        client.secrets().inNamespace(ns).withName(RuntimePools.tokenSecretName("fresh")).get())) {
      OwnerReference owner = owned.getMetadata().getOwnerReferences().get(0);
      assertEquals("RuntimePool", owner.getKind(), owned.getKind());
      assertEquals(created.getMetadata().getUid(), owner.getUid(), owned.getKind());
      assertEquals(true, owner.getController(), owned.getKind());
    }
    RuntimePool waiting = awaitPool("fresh", p -> hasCondition(p, Conditions.READY, "False", "RuntimeUnavailable"));
    assertEquals("512Mi", waiting.getStatus().getMemoryLimit());
    assertTrue(hasCondition(waiting, Conditions.RECONCILING, "True", "Progressing"));
    assertEquals("RuntimeUnavailable", condition(awaitApp("greeter", Phase.Deploying), "Ready").orElseThrow()
        .getReason());
  }

  @Test
  void aPoolAUserWroteIsSizedFromItsSpecAndNeverDeletedByTheOperator() {
    RuntimePool written = RuntimePools.withDefaults(ns, "big");
    RuntimePoolSpec spec = written.getSpec();
    spec.setMemoryLimit(new IntOrString("2Gi"));
    spec.setCpuLimit(new IntOrString("1500m"));
    spec.setExtraArgs(List.of("-XX:+UseZGC", "-Xss512k"));
    spec.setImage("registry.example/bc-gitops-operator:1.2");
    // Its token first, so that the test knows it (else the operator makes one).
    token("big");
    client.resource(written).create();

    Deployment deployment = kubelet.awaitDeployment(RuntimePools.name("big"));
    Container host = host(deployment);
    assertEquals(new Quantity("2Gi"), host.getResources().getLimits().get("memory"));
    assertEquals(new Quantity("1500m"), host.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("1500m"), host.getResources().getRequests().get("cpu"));
    assertEquals(Optional.of("-XX:+UseZGC -Xss512k"), host.getEnv().stream()
        .filter(e -> "JDK_JAVA_OPTIONS".equals(e.getName())).map(e -> e.getValue()).findFirst());
    assertTrue(deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .allMatch(c -> "registry.example/bc-gitops-operator:1.2".equals(c.getImage())));
    kubelet.startPool(RuntimePools.name("big"));

    app("greeter", "big");
    awaitApp("greeter", Phase.Running);
    assertEquals("2Gi", awaitPool("big", p -> p.getStatus() != null && p.getStatus().getAppCount() != null
        && p.getStatus().getAppCount() == 1).getStatus().getMemoryLimit());
    client.resources(AppDeployment.class).inNamespace(ns).withName("greeter").delete();
    await().atMost(OperatorHarness.WAIT).until(() -> app("greeter") == null);

    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> runtimePool("big") != null
        && kubelet.deployment(RuntimePools.name("big")) != null);
    assertEquals("2Gi", runtimePool("big").getSpec().getMemoryLimit().getStrVal(), "its spec is the user's");
    assertEquals(null, runtimePool("big").getMetadata().getLabels().get(Api.CREATED_BY_LABEL));
  }

  /**
   * The pool's NetworkPolicy, judged as a NetworkPolicy implementation would (the mock server enforces nothing): the
   * operator's pods, in the operator's namespace, reach both APIs; a tenant's pod does not, even labelled as the
   * operator, nor does another pod of the operator's namespace; the apps' own ports stay open to all; the probes'
   * ports to the node only. A hand-widened policy is put back.
   */
  @Test
  void aPoolsNetworkPolicyAdmitsOnlyTheOperatorsPodsToItsApis() {
    RuntimePool created = RuntimePools.withDefaults(ns, "guarded");
    client.resource(created).create();
    String name = RuntimePools.name("guarded");
    NetworkPolicy policy = await().atMost(OperatorHarness.WAIT).until(() -> client.network().v1().networkPolicies()
        .inNamespace(ns).withName(name).get(), p -> p != null);
    assertEquals(runtimePool("guarded").getMetadata().getUid(), policy.getMetadata().getOwnerReferences().get(0)
        .getUid());
    String operatorNamespace = OperatorConfig.Service.LOCAL.ownNamespace();
    Map<String, String> operatorLabels = Map.of("app.kubernetes.io/name", "bc-gitops-operator");
    Map<String, String> poolPod = kubelet.awaitDeployment(name).getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(NetworkPolicies.selects(policy, poolPod), "the policy selects the pool's pod");

    for (int api : List.of(9090, 9091)) {
      assertTrue(NetworkPolicies.admits(policy, operatorNamespace, operatorLabels, "TCP", api), "operator to " + api);
      assertFalse(NetworkPolicies.admits(policy, ns, Map.of(), "TCP", api), "a tenant's pod to " + api);
      assertFalse(NetworkPolicies.admits(policy, ns, operatorLabels, "TCP", api),
          "a tenant's pod labelled as the operator to " + api);
      assertFalse(NetworkPolicies.admits(policy, operatorNamespace, Map.of("app", "prometheus"), "TCP", api),
          "another pod of the operator's namespace to " + api);
      assertFalse(NetworkPolicies.admits(policy, ns, Map.of(), "UDP", api), "UDP to " + api);
    }
    for (int probe : List.of(9092, 9093)) {
      assertFalse(NetworkPolicies.admits(policy, ns, Map.of(), "TCP", probe), "a pod to the probes' port " + probe);
    }
    for (int appPort : List.of(1, 8080, 9089, 9094, 65535)) {
      assertTrue(NetworkPolicies.admits(policy, ns, Map.of(), "TCP", appPort), "anyone to an app's port " + appPort);
    }
    assertTrue(NetworkPolicies.admits(policy, "elsewhere", Map.of(), "UDP", 53), "anyone to an app's UDP port");

    // Someone admits everyone: put back.
    client.network().v1().networkPolicies().inNamespace(ns).withName(name).edit(p -> {
      p.getSpec().getIngress().add(new NetworkPolicyIngressRule());
      return p;
    });
    await().atMost(OperatorHarness.WAIT).until(() -> !NetworkPolicies.admits(client.network().v1().networkPolicies()
        .inNamespace(ns).withName(name).get(), ns, Map.of(), "TCP", 9090));
    assertEquals(2, client.network().v1().networkPolicies().inNamespace(ns).withName(name).get().getSpec()
        .getIngress().size());
  }

  /**
   * The pool's token Secret, read by name: created with the pool's token and the digest of the host's only; a
   * Secret of that name someone else wrote (who would know its token) is never used.
   */
  @Test
  void aPoolUsesOnlyItsOwnTokenSecret() {
    client.resource(RuntimePools.withDefaults(ns, "fresh")).create();
    Secret secret = await().atMost(OperatorHarness.WAIT).until(() -> client.secrets().inNamespace(ns)
        .withName(RuntimePools.tokenSecretName("fresh")).get(), s -> s != null);
    assertEquals(Set.of(RuntimePools.TOKEN_KEY, RuntimePools.HOST_TOKEN_SHA256_KEY), secret.getData().keySet());
    String token = RuntimePools.token(secret, RuntimePools.TOKEN_KEY).orElseThrow();
    assertTrue(token.length() >= 43, "32 random bytes");
    assertEquals(BearerToken.sha256Hex(PoolToken.hostToken(token)),
        RuntimePools.token(secret, RuntimePools.HOST_TOKEN_SHA256_KEY).orElseThrow());

    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName("planted"))
        .withNamespace(ns).endMetadata().addToData(RuntimePools.TOKEN_KEY, Base64.getEncoder()
            .encodeToString("known-to-a-tenant".getBytes(StandardCharsets.UTF_8))).build()).create();
    client.resource(RuntimePools.withDefaults(ns, "planted")).create();
    RuntimePool refused = awaitPool("planted", p -> hasCondition(p, Conditions.READY, "False", "ReconcileError"));
    assertEquals("Secret bcgitops-runtime-planted-token exists and is not this pool's (neither owned by it nor labelled"
        + " bcgitops.io/runtime=planted without an owner): delete or rename it, and the pool creates its own",
        Conditions.find(refused.getStatus().getConditions(), Conditions.READY).getMessage());
    assertNull(kubelet.deployment(RuntimePools.name("planted")), "no pod reads a token someone else wrote");
    assertEquals(Set.of(RuntimePools.TOKEN_KEY), client.secrets().inNamespace(ns)
        .withName(RuntimePools.tokenSecretName("planted")).get().getData().keySet(), "the Secret is not touched");
  }

  @Test
  void aPoolWhoseSpecCannotBeMetIsStalledWithWhatIsWrong() {
    RuntimePool written = RuntimePools.withDefaults(ns, "tiny");
    written.getSpec().setMemoryLimit(new IntOrString(8));
    written.getSpec().setExtraArgs(List.of("-Dgreeting=hello world"));
    client.resource(written).create();

    RuntimePool stalled = awaitPool("tiny", p -> hasCondition(p, Conditions.STALLED, "True", "InvalidSpec"));
    String message = Conditions.find(stalled.getStatus().getConditions(), Conditions.READY).getMessage();
    assertTrue(message.contains("spec.memoryLimit: 8 MiB is outside 32Mi..1Ti"), message);
    assertTrue(message.contains("spec.extraArgs[0]: a JVM argument must be 1 to 1024 characters without spaces"),
        message);
    assertTrue(!message.contains("hello world"), "an argument's value is not repeated: " + message);
    assertNull(kubelet.deployment(RuntimePools.name("tiny")), "nothing is run from a spec that cannot be");
  }

  @Test
  void thePoolsStatusSaysWhatItsJvmRuns() {
    token("default");
    app("greeter", "default");
    app("clock", "default");
    Pod pod = kubelet.startPool(RuntimePools.name("default"));
    awaitApp("greeter", Phase.Running);
    awaitApp("clock", Phase.Running);

    RuntimePool ready = awaitPool("default", p -> hasCondition(p, Conditions.READY, "True", "Succeeded"));
    RuntimePoolStatus status = ready.getStatus();
    assertEquals(pod.getMetadata().getName(), status.getPod());
    assertEquals(2, status.getAppCount());
    assertEquals(List.of("clock 1.0 Running healthy", "greeter 1.0 Running healthy"), status.getApps().stream()
        .map(a -> a.getName() + " " + a.getVersion() + " " + a.getState() + " " + a.getHealth()).toList());
    assertEquals(ready.getMetadata().getGeneration(), status.getObservedGeneration());
    assertNull(Conditions.find(status.getConditions(), Conditions.RECONCILING));

    // The host's back-off restarts it; the next poll sees it.
    pool.apps.put("clock", new io.bcgitops.runtime.RuntimeApi.AppState("clock", "1.0",
        io.bcgitops.api.EmbeddedState.Crashed, "unhealthy", 4, null, null, null, "start() threw",
        pool.loads.get("clock").digest()));

    RuntimePool crashed = awaitPool("default", p -> hasCondition(p, Conditions.READY, "False", "AppsNotRunning"));
    assertTrue(Conditions.find(crashed.getStatus().getConditions(), Conditions.READY).getMessage()
        .contains("clock (Crashed, unhealthy)"));
    awaitApp("clock", Phase.Degraded);
  }

  @Test
  void anOperatorCreatedPoolGoesOnceNoAppNamesItEvenWhenTwoLeaveAtOnce() {
    token("default");
    app("a", "default");
    app("b", "default");
    app("c", "default");
    kubelet.startPool(RuntimePools.name("default"));
    awaitApp("a", Phase.Running);
    awaitApp("b", Phase.Running);
    awaitApp("c", Phase.Running);

    client.resources(AppDeployment.class).inNamespace(ns).withName("a").delete();
    await().atMost(OperatorHarness.WAIT).until(() -> app("a") == null);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> runtimePool("default") != null);

    client.resources(AppDeployment.class).inNamespace(ns).withName("b").delete();
    client.resources(AppDeployment.class).inNamespace(ns).withName("c").delete();

    await().atMost(OperatorHarness.WAIT).until(() -> runtimePool("default") == null
        && kubelet.deployment(RuntimePools.name("default")) == null
        && client.services().inNamespace(ns).withName(RuntimePools.name("default")).get() == null
        && client.secrets().inNamespace(ns).withName(RuntimePools.tokenSecretName("default")).get() == null);
  }

  @Test
  void anAppMovedToVmLetsItsOperatorCreatedPoolGo() {
    token("default");
    app("greeter", "default");
    kubelet.startPool(RuntimePools.name("default"));
    awaitApp("greeter", Phase.Running);

    client.resources(AppDeployment.class).inNamespace(ns).withName("greeter").edit(a -> {
      a.getSpec().setIsolation(Isolation.vm);
      return a;
    });

    await().atMost(OperatorHarness.WAIT).until(() -> runtimePool("default") == null
        && kubelet.deployment(RuntimePools.name("default")) == null);
    assertNotNull(kubelet.awaitDeployment("greeter"));
  }

  /**
   * The pool's pod is the one its Deployment's ReplicaSet owns, never one only labelled as the pool's: not a tenant's
   * pod without an owner, nor one of a ReplicaSet named and labelled as the pool's whose owner is another object, nor
   * one of a tenant's Deployment labelled as the pool's. Once its pod is gone, they do not make the pool look up.
   */
  @Test
  void onlyAPodOwnedThroughThePoolsDeploymentIsThePoolsPod() {
    token("default");
    client.resource(RuntimePools.withDefaults(ns, "default")).create();
    String name = RuntimePools.name("default");
    Deployment deployment = kubelet.awaitDeployment(name);
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    // Named to come before the pool's own pod.
    plantedPod("a-planted", null);
    ReplicaSet lookalike = client.resource(new ReplicaSetBuilder(kubelet.replicaSetOf(deployment)).editMetadata()
        .withName(name + "-planted").withUid(null).withResourceVersion(null).editFirstOwnerReference()
        .withUid("not-the-pools-deployment").endOwnerReference().endMetadata().build()).create();
    plantedPod("a-planted-owned", new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName(lookalike.getMetadata().getName()).withUid(lookalike.getMetadata().getUid()).withController(true)
        .build());
    client.resource(new DeploymentBuilder().withNewMetadata().withName("a-tenants").withNamespace(ns)
        .withLabels(labels).endMetadata().withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
        .withTemplate(deployment.getSpec().getTemplate()).endSpec().build()).create();
    kubelet.startPool("a-tenants");

    Pod real = kubelet.startPool(name);
    awaitPool("default", p -> hasCondition(p, Conditions.READY, "True", "Succeeded"));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> real.getMetadata().getName().equals(runtimePool("default").getStatus().getPod()));

    // Its pod is gone; the Deployment's status says it is available until its controller notices.
    client.resource(real).delete();
    RuntimePool down = awaitPool("default", p -> hasCondition(p, Conditions.READY, "False", "RuntimeUnavailable"));
    assertNull(down.getStatus().getPod());
    assertEquals("waiting for Deployment " + name + " to have an available pod",
        Conditions.find(down.getStatus().getConditions(), Conditions.READY).getMessage());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> runtimePool("default"),
        p -> p.getStatus().getPod() == null && hasCondition(p, Conditions.READY, "False", "RuntimeUnavailable"));
  }

  /**
   * Once the pool's pod template changes (here its memory), its pod is one of the new template's ReplicaSet: the old
   * one, still there and ready until the Deployment controller stops it, is not the pool's pod any more.
   */
  @Test
  void afterATemplateChangeOnlyThePodOfTheCurrentReplicaSetIsThePoolsPod() {
    token("default");
    client.resource(RuntimePools.withDefaults(ns, "default")).create();
    String name = RuntimePools.name("default");
    Pod first = kubelet.startPool(name);
    assertEquals(first.getMetadata().getName(), awaitPool("default", p -> hasCondition(p, Conditions.READY, "True",
        "Succeeded")).getStatus().getPod());

    client.resources(RuntimePool.class).inNamespace(ns).withName("default").edit(p -> {
      p.getSpec().setMemoryLimit(new IntOrString("1Gi"));
      return p;
    });
    await().atMost(OperatorHarness.WAIT).until(() -> new Quantity("1Gi").equals(host(kubelet.deployment(name))
        .getResources().getLimits().get("memory")));
    // The Deployment controller has not acted on the new template yet: its status still counts the old pod.
    client.apps().deployments().inNamespace(ns).withName(name).editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration() - 1)
          .withReplicas(1).withAvailableReplicas(1).withReadyReplicas(1).withUpdatedReplicas(0).build());
      return d;
    });
    RuntimePool rolling = awaitPool("default", p -> hasCondition(p, Conditions.READY, "False", "RuntimeUnavailable"));
    assertNull(rolling.getStatus().getPod());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> runtimePool("default"),
        p -> p.getStatus().getPod() == null);

    Pod second = kubelet.startPool(name);
    RuntimePool ready = awaitPool("default", p -> hasCondition(p, Conditions.READY, "True", "Succeeded"));
    assertEquals(second.getMetadata().getName(), ready.getStatus().getPod());
    assertNotNull(client.pods().inNamespace(ns).withName(first.getMetadata().getName()).get(), "the old pod is there");
  }

  /**
   * One call to the pool's API per interval feeds every app of the pool; the API server hears nothing (no pod list
   * per app, no status write) while nothing changes.
   */
  @Test
  void onePollPerPoolPerIntervalFeedsEveryAppAndNothingIsWritten() throws Exception {
    token("default");
    List<String> names = List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8");
    names.forEach(name -> app(name, "default"));
    kubelet.startPool(RuntimePools.name("default"));
    names.forEach(name -> awaitApp(name, Phase.Running));
    awaitPool("default", p -> hasCondition(p, Conditions.READY, "True", "Succeeded"));
    Thread.sleep(3000); // the last loads' polls
    operator.drainRequests();
    int before = pool.appLists.get();

    Thread.sleep(Duration.ofSeconds(21).toMillis()); // two intervals of 10 s

    int polls = pool.appLists.get() - before;
    assertTrue(polls >= 2 && polls <= 3, "one poll per interval for " + names.size() + " apps, got " + polls);
    List<RecordedRequest> requests = operator.drainRequests();
    assertEquals(List.of(), OperatorHarness.writes(requests));
    assertEquals(List.of(), requests.stream().filter(r -> !r.getPath().contains("watch=true"))
        .map(r -> r.getMethod() + " " + r.getPath()).toList(), "nothing is read from the API server either");
  }

  /** A ready pod labelled as the default pool's, owned by {@code owner} (or nothing), as a tenant may create one. */
  private void plantedPod(String name, OwnerReference owner) {
    Deployment deployment = kubelet.deployment(RuntimePools.name("default"));
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .withOwnerReferences(owner == null ? List.of() : List.of(owner)).endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus().build()).create();
  }

  private void token(String runtime) {
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName(runtime))
        .withNamespace(ns).withLabels(RuntimePools.labels(runtime)).endMetadata()
        .addToData(RuntimePools.TOKEN_KEY, Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
  }

  private void app(String name, String runtime) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion("1.0");
    spec.setIsolation(Isolation.embedded);
    spec.setRuntime(runtime);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.maven);
    source.setCoordinates("io.example:" + name);
    spec.setSource(source);
    app.setSpec(spec);
    client.resource(app).create();
  }

  private AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
  }

  private AppDeployment awaitApp(String name, Phase phase) {
    return await().atMost(OperatorHarness.WAIT).until(() -> app(name),
        a -> a != null && a.getStatus() != null && a.getStatus().getPhase() == phase);
  }

  private RuntimePool runtimePool(String name) {
    return client.resources(RuntimePool.class).inNamespace(ns).withName(name).get();
  }

  private RuntimePool awaitPool(String name, java.util.function.Predicate<RuntimePool> until) {
    return await().atMost(OperatorHarness.WAIT).until(() -> runtimePool(name), p -> p != null && until.test(p));
  }

  private static boolean hasCondition(RuntimePool pool, String type, String status, String reason) {
    Condition condition = pool.getStatus() == null ? null : Conditions.find(pool.getStatus().getConditions(), type);
    return condition != null && status.equals(condition.getStatus()) && reason.equals(condition.getReason());
  }

  private static Container host(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> "host".equals(c.getName())).findFirst().orElseThrow();
  }
}
