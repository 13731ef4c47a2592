package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.testing.FakeKubelet;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Objects this operator cannot read into its model (a value it does not know, a field of the wrong
 * type, a field of a newer version): they are reported on themselves, and every other object is
 * reconciled as usual. A real API server refuses most of these through the CRD's schema; they still
 * arrive when the CRD is upgraded before the operator, or in local mode, which checks no schema.
 */
class UnreadableObjectsTest extends OperatorTestBase {

  private static final String GOOD_SPEC = """
      version: "1.0"
      isolation: vm
      source: {type: release, url: "https://artifacts.example.com/web.jar"}
      health: {type: http, path: /health}
      """;

  /** Creates an object from YAML without going through the model classes, as kubectl would. */
  private void createRaw(String kind, String name, String specYaml) {
    String yaml = "apiVersion: " + Api.GROUP + "/" + Api.VERSION + "\nkind: " + kind + "\nmetadata:\n  name: " + name
        + "\n  namespace: " + ns + "\n" + (specYaml == null ? "" : "spec:\n" + specYaml.indent(2));
    GenericKubernetesResource raw = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, kind).inNamespace(ns).resource(raw).create();
  }

  private GenericKubernetesResource raw(String kind, String name) {
    return client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, kind).inNamespace(ns).withName(name).get();
  }

  /** The Ready condition of an object, read without the model classes (they cannot read the bad ones). */
  @SuppressWarnings("unchecked")
  private Optional<Map<String, Object>> ready(String kind, String name) {
    GenericKubernetesResource object = raw(kind, name);
    Object status = object == null ? null : object.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream().map(c -> (Map<String, Object>) c).filter(c -> "Ready".equals(c.get("type"))).findFirst();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> awaitReady(String kind, String name, String reason) {
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> ready(kind, name).filter(c -> reason.equals(c.get("reason"))).isPresent());
    Map<String, Object> status = (Map<String, Object>) raw(kind, name).getAdditionalProperties().get("status");
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.get("conditions");
    assertTrue(conditions.stream().anyMatch(c -> "Stalled".equals(c.get("type")) && "True".equals(c.get("status"))),
        kind + " " + name + " is Stalled: " + conditions);
    return status;
  }

  @SuppressWarnings("unchecked")
  private static String message(Map<String, Object> status) {
    return ((List<Map<String, Object>>) status.get("conditions")).stream().filter(c -> "Ready".equals(c.get("type")))
        .map(c -> (String) c.get("message")).findFirst().orElseThrow();
  }

  @Test
  void appDeploymentsThatCannotBeReadAreReportedAndTheOthersRun() {
    // There before the operator starts (a CRD upgraded under it), and created while it runs.
    createRaw("AppDeployment", "bogus", GOOD_SPEC.replace("isolation: vm", "isolation: bogus"));
    createRaw("AppDeployment", "newer", GOOD_SPEC + "sidecars: [{name: proxy}]\n");
    createRaw("AppDeployment", "empty", null);
    startOperator(false, OperatorHarness.Controllers.ALL);
    FakeKubelet kubelet = new FakeKubelet(client, ns);
    createRaw("AppDeployment", "typo", GOOD_SPEC.replace("path: /health}", "path: /health, port: eighty}"));
    createRaw("AppDeployment", "good", GOOD_SPEC);

    kubelet.rollOut("good");
    kubelet.rollOut("newer");

    Map<String, Object> bogus = awaitReady("AppDeployment", "bogus", "InvalidSpec");
    String reported = raw("AppDeployment", "bogus").getMetadata().getResourceVersion();
    assertEquals("Failed", bogus.get("phase"));
    assertEquals("spec.isolation: 'bogus' is not one of embedded, vm", message(bogus));
    Map<String, Object> typo = awaitReady("AppDeployment", "typo", "InvalidSpec");
    assertEquals("spec.health.port: 'eighty' is not an integer", message(typo));
    assertEquals("spec: required", message(awaitReady("AppDeployment", "empty", "InvalidSpec")));
    for (String name : List.of("good", "newer")) {
      await().atMost(OperatorHarness.WAIT).until(() -> ready("AppDeployment", name)
          .filter(c -> "True".equals(c.get("status"))).isPresent());
      AppDeployment app = client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
      assertEquals(Phase.Running, app.getStatus().getPhase(), name);
    }
    assertEquals(reported, raw("AppDeployment", "bogus").getMetadata().getResourceVersion(),
        "reported once, not written again meanwhile");
    // The stored specs are as they were written: only status was written.
    assertNull(raw("AppDeployment", "empty").getAdditionalProperties().get("spec"));
    assertEquals("bogus", ((Map<?, ?>) raw("AppDeployment", "bogus").getAdditionalProperties().get("spec"))
        .get("isolation"));
    assertEquals(List.of(Map.of("name", "proxy")),
        ((Map<?, ?>) raw("AppDeployment", "newer").getAdditionalProperties().get("spec")).get("sidecars"));
    // Fixed by hand, it runs.
    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, "AppDeployment").inNamespace(ns)
        .withName("bogus").edit(r -> {
          ((Map<String, Object>) r.getAdditionalProperties().get("spec")).put("isolation", "vm");
          return r;
        });
    kubelet.rollOut("bogus");
    await().atMost(OperatorHarness.WAIT).until(() -> ready("AppDeployment", "bogus")
        .filter(c -> "True".equals(c.get("status"))).isPresent());
  }

  @Test
  void aGitOpsSourceThatCannotBeReadIsReportedAndTheOthersApply() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "1.0"));
    repo.commit("one app");
    createRaw("GitOpsSource", "broken", "url: " + repo.fileUrl() + "\nref: main\n");
    startOperator(true);
    createRaw("GitOpsSource", "newer", "url: " + repo.fileUrl() + "\npath: apps\nverify: {provider: cosign}\n");

    Map<String, Object> broken = awaitReady("GitOpsSource", "broken", "InvalidSource");
    assertEquals("spec.ref: a string is not a mapping", message(broken));
    await().atMost(OperatorHarness.WAIT).until(() -> ready("GitOpsSource", "newer")
        .filter(c -> "Succeeded".equals(c.get("reason"))).isPresent());
    GitOpsSource newer = operator.source(ns, "newer");
    assertEquals(1, newer.getStatus().getAppCount());
    assertEquals("main", ((Map<?, ?>) raw("GitOpsSource", "broken").getAdditionalProperties().get("spec")).get("ref"));
  }

  /** A managed AppDeployment edited into something unreadable is put back to git's spec, once. */
  @Test
  void anUnreadableManagedAppDeploymentIsPutBackToGit() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "1.0"));
    repo.commit("one app");
    startOperator(true).createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, "AppDeployment").inNamespace(ns)
        .withName("db").edit(r -> {
          ((Map<String, Object>) r.getAdditionalProperties().get("spec")).put("isolation", "bogus");
          return r;
        });

    await().atMost(OperatorHarness.WAIT).until(() -> "embedded".equals(
        ((Map<?, ?>) raw("AppDeployment", "db").getAdditionalProperties().get("spec")).get("isolation")));
    long generation = raw("AppDeployment", "db").getMetadata().getGeneration();
    operator.requestReconcile(ns, "shop");
    operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals(generation, raw("AppDeployment", "db").getMetadata().getGeneration(), "put back once, not again");
  }
}
