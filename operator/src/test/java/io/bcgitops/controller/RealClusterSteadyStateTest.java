package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.embedded.PoolApps;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.testing.RealCluster;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator started against the objects a real API server returned for the example repository
 * (src/test/resources/real-cluster: server defaults, canonical forms, controller-written status),
 * with git, the runtime pool and the cluster all as they were: it writes nothing, now or later.
 */
@EnableKubernetesMockClient(crud = true)
class RealClusterSteadyStateTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final String NS = "gitops-demo";
  private static final String TOKEN = "recorded-pool-token";
  /** Longer than the runtime pool's poll (10 s), so the pool is asked again in it. */
  private static final Duration STEADY = Duration.ofSeconds(12);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @TempDir
  Path tmp;
  /** The recorded objects' uids to the ones the mock server gave them. */
  private final Map<String, String> uids = new HashMap<>();

  @Test
  void theRecordedClusterNeedsNoWrite() throws Exception {
    OperatorHarness.registerCrds(client);
    List<AppDeployment> apps = RealCluster.items("appdeployments.json", AppDeployment.class);
    GitOpsSource source = RealCluster.item("gitopssources.json", GitOpsSource.class, "examples");
    try (TestRepo repo = TestRepo.create(tmp.resolve("repo")); ScriptedRuntimePool pool = new ScriptedRuntimePool(TOKEN)) {
      // The repository as it was: each app's spec file holds its AppDeployment's spec.
      for (AppDeployment app : apps) {
        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("name", app.getMetadata().getName());
        spec.putAll(JSON.convertValue(app.getSpec(), Map.class));
        repo.write(app.getMetadata().getAnnotations().get("bcgitops.io/spec-file"), JSON.asYaml(spec));
      }
      repo.commit("the example apps as recorded");
      source.getSpec().setUrl(repo.fileUrl());
      // A new leader fetches a source when its interval is due after the recorded fetch (30 s here);
      // a reconcile asked for makes it fetch at once: this test's repository, another revision.
      source.getMetadata().getAnnotations().put(Api.RECONCILE_REQUESTED_AT, "steady-state-test");
      storeAsRecorded(source, source.getStatus());
      apps.forEach(app -> storeAsRecorded(app, app.getStatus()));
      // The recording predates RuntimePools: the one this version keeps for it, with the status its poll writes.
      RuntimePool runtimePool = RealCluster.runtimePool();
      runtimePool.getMetadata().setFinalizers(List.of("runtimepools.bcgitops.io/finalizer"));
      storeAsRecorded(runtimePool, poolStatus(apps));
      for (Deployment deployment : List.of(RealCluster.vmAppDeployment(),
          RealCluster.runtimePoolDeployment())) {
        storeAsRecorded(deployment, deployment.getStatus());
      }
      RealCluster.replicaSets().forEach(rs -> storeAsRecorded(rs, rs.getStatus()));
      RealCluster.items("pods-vm-app.json", Pod.class).forEach(pod -> storeAsRecorded(pod, pod.getStatus()));
      RealCluster.items("pods-runtime-pool.json", Pod.class).forEach(pod -> storeAsRecorded(pod, pod.getStatus()));
      storeAsRecorded(RealCluster.object("service-runtime-pool.json", Service.class), null);
      // The pool's token Secret and NetworkPolicy as this version writes them (the recording predates both).
      storeAsRecorded(RuntimePools.completedTokenSecret(new SecretBuilder().withNewMetadata()
          .withName(RuntimePools.tokenSecretName("default")).withNamespace(NS).endMetadata().build(), runtimePool,
          TOKEN), null);
      storeAsRecorded(RuntimePools.networkPolicy(runtimePool, OperatorConfig.Service.LOCAL.ownNamespace()), null);
      // The runtime pool runs greeter and clock as the recorded statuses say.
      for (AppDeployment app : apps) {
        AppDeploymentStatus status = app.getStatus();
        if (app.getSpec().getIsolation() == io.bcgitops.api.Isolation.embedded) {
          pool.apps.put(app.getMetadata().getName(), runningAsRecorded(app));
        }
      }
      drain();

      OperatorConfig config = new OperatorConfig(Set.of(NS), tmp.resolve("cache"), true,
          new PodImages("bc-gitops-operator:latest", "eclipse-temurin:17-jre", "http://10.88.0.1:8000"), pool,
          OperatorConfig.Service.LOCAL);
      Operator operator = BcGitopsOperator.newOperator(client);
      BcGitopsOperator.registerGitOpsSources(operator, config);
      BcGitopsOperator.registerAppDeployments(operator, config);
      operator.start();
      try {
        await().atMost(OperatorHarness.WAIT).until(() -> repo.head().equals(commitOf(client.resources(GitOpsSource.class)
            .inNamespace(NS).withName("examples").get())));
        Thread.sleep(2000);
        List<String> first = writes(drain()).stream().filter(w -> !w.endsWith("/gitopssources/examples/status"))
            .filter(w -> !w.endsWith("/events")).toList();
        assertEquals(List.of(), first, "only the source's new revision (its status, its events) is written");
        assertEquals(List.of("GitOpsSource"), client.v1().events().inNamespace(NS).list().getItems().stream()
            .map(e -> e.getInvolvedObject().getKind()).distinct().toList(), "no app has anything to tell");
        assertEquals(List.of(), pool.calls, "the runtime pool runs every app as asked: nothing is fetched or loaded");

        Thread.sleep(STEADY.toMillis());

        assertEquals(List.of(), writes(drain()), "nothing changed, nothing written");
        assertEquals(List.of(), pool.calls);
      } finally {
        operator.stop();
      }
    }
  }

  /** What the pool's poll finds: greeter and clock running as their recorded statuses say. */
  private static RuntimePoolStatus poolStatus(List<AppDeployment> apps) {
    RuntimePoolStatus status = new RuntimePoolStatus();
    status.setObservedGeneration(1L);
    String pod = RealCluster.items("pods-runtime-pool.json", Pod.class).get(0).getMetadata().getName();
    status.setPod(pod);
    status.setApps(apps.stream().filter(app -> app.getSpec().getIsolation() == io.bcgitops.api.Isolation.embedded)
        .map(app -> PoolApps.toStatus(runningAsRecorded(app)))
        .sorted(java.util.Comparator.comparing(RuntimePoolStatus.App::getName)).toList());
    status.setAppCount(status.getApps().size());
    status.setMemoryLimit("512Mi");
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Succeeded")
        .withMessage("pod " + pod + " runs 2 apps").withObservedGeneration(1L)
        .withLastTransitionTime("2026-12-04T19:05:00Z").build()));
    return status;
  }

  private static AppState runningAsRecorded(AppDeployment app) {
    AppDeploymentStatus status = app.getStatus();
    return new AppState(app.getMetadata().getName(), status.getDeployedVersion(), EmbeddedState.Running, "healthy",
        status.getRestarts(), status.getStartedAt(), status.getLastHealthCheck(), null, null,
        EmbeddedApp.loadRequest(app.getSpec(), null).digest());
  }

  private static String commitOf(GitOpsSource source) {
    String revision = source.getStatus() == null ? null : source.getStatus().getLastAttemptedRevision();
    return revision == null ? "" : revision.substring(revision.lastIndexOf(':') + 1);
  }

  /**
   * Stores a recorded object and its status as the server returned them, but for what the mock
   * server assigns itself (uid, generation): owner references and observed generations follow.
   */
  private <T extends HasMetadata> void storeAsRecorded(T recorded, Object status) {
    String recordedUid = recorded.getMetadata().getUid();
    recorded.getMetadata().getOwnerReferences().forEach(o -> o.setUid(uids.getOrDefault(o.getUid(), o.getUid())));
    recorded.getMetadata().setResourceVersion(null);
    T created = client.resource(recorded).create();
    uids.put(recordedUid, created.getMetadata().getUid());
    if (status == null) {
      return;
    }
    Map<String, Object> statusJson = JSON.convertValue(status, Map.class);
    Long generation = created.getMetadata().getGeneration();
    if (generation != null) {
      withObservedGeneration(statusJson, generation);
    }
    Map<String, Object> object = JSON.convertValue(created, Map.class);
    object.put("status", statusJson);
    client.resource(JSON.convertValue(object, created.getClass())).updateStatus();
  }

  /** Every observedGeneration in a status (its own, its conditions') set to the stored object's generation. */
  @SuppressWarnings("unchecked")
  private static void withObservedGeneration(Map<String, Object> status, long generation) {
    if (status.containsKey("observedGeneration")) {
      status.put("observedGeneration", generation);
    }
    if (status.get("conditions") instanceof List<?> conditions) {
      conditions.forEach(c -> {
        if (((Map<String, Object>) c).containsKey("observedGeneration")) {
          ((Map<String, Object>) c).put("observedGeneration", generation);
        }
      });
    }
  }

  private static List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }

  private static List<String> writes(List<RecordedRequest> requests) {
    return OperatorHarness.writes(requests);
  }
}
