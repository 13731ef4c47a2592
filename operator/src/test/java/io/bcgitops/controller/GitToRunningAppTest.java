package io.bcgitops.controller;

import static io.bcgitops.controller.OperatorHarness.condition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.testing.FakeKubelet;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** Both controllers together: from a commit to a running vm app, and its readiness back on the source. */
class GitToRunningAppTest extends OperatorTestBase {

  static String vmApp(String name, String version) {
    return "name: " + name + "\nversion: \"" + version + "\"\nisolation: vm\nsource:\n  type: maven\n"
        + "  coordinates: io.example:" + name + "\nhealth:\n  type: http\n  path: /health\n"
        + "vm_config:\n  memory_limit: 256\n  scheduler_limit: 1\n";
  }


  @Test
  void aCommittedVmAppRunsAndTheSourceReportsItReady() {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", vmApp("web", "1.0"));
    repo.commit("web 1.0");
    startOperator(true, OperatorHarness.Controllers.ALL);
    FakeKubelet kubelet = new FakeKubelet(client, ns);
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });

    Deployment deployment = kubelet.awaitDeployment("web");
    assertTrue(deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs()
        .contains("io.example:web:1.0"));
    GitOpsSource progressing = operator.awaitReady(ns, "shop", "Progressing");
    assertEquals("True", condition(progressing, "Reconciling").orElseThrow().getStatus());
    assertEquals(0, progressing.getStatus().getReadyCount());

    kubelet.rollOut("web");

    GitOpsSource ready = operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals(1, ready.getStatus().getReadyCount());
    assertTrue(condition(ready, "Reconciling").isEmpty());

    repo.write("apps/web/app.yaml", vmApp("web", "1.1"));
    repo.commit("web 1.1");
    operator.requestReconcile(ns, "shop");
    await().atMost(OperatorHarness.WAIT).until(() -> "1.1".equals(kubelet.deployment("web").getSpec().getTemplate()
        .getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)));
    kubelet.failFetch("web", "ChecksumMismatch: io.example:web:1.1 has sha256 bbbb, expected aaaa");

    GitOpsSource failing = operator.awaitReady(ns, "shop", "ChecksumMismatch");
    assertTrue(condition(failing, "Ready").orElseThrow().getMessage().contains("app 'web'"));
    assertEquals(0, failing.getStatus().getReadyCount());
  }
}
