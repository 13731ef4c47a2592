package io.bcgitops.controller;

import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.PodImages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One mock API server per test class, with the CRDs registered; one namespace and one operator per test. */
@EnableKubernetesMockClient(crud = true)
abstract class OperatorTestBase {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @TempDir
  Path tmp;
  OperatorHarness operator;
  final String ns = "test-" + NAMESPACES.incrementAndGet();

  @BeforeAll
  static void registerCrds() throws Exception {
    OperatorHarness.registerCrds(client);
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  /** Starts the GitOpsSource controller alone, with every AppDeployment reported Ready. */
  OperatorHarness startOperator(boolean allowFileUrls) {
    return startOperator(allowFileUrls, OperatorHarness.Controllers.SOURCES_WITH_READY_APPS);
  }

  OperatorHarness startOperator(boolean allowFileUrls, OperatorHarness.Controllers controllers) {
    return startOperator(allowFileUrls, controllers, RuntimePoolAddress.CLUSTER_DNS);
  }

  OperatorHarness startOperator(boolean allowFileUrls, OperatorHarness.Controllers controllers,
      RuntimePoolAddress pools) {
    operator = new OperatorHarness(server, client, ns, tmp.resolve("cache"), allowFileUrls, controllers, pools);
    return operator;
  }

  /** With this default service account (BCGITOPS_DEFAULT_SERVICE_ACCOUNT). */
  OperatorHarness startOperatorWithDefaultServiceAccount(String name) {
    operator = new OperatorHarness(server, client, OperatorHarness.Controllers.SOURCES_WITH_READY_APPS,
        new OperatorConfig(Set.of(ns), tmp.resolve("cache"), true, PodImages.DEFAULTS, RuntimePoolAddress.CLUSTER_DNS,
            OperatorConfig.Service.LOCAL).withDefaultServiceAccount(name));
    return operator;
  }

  /** With these git limits and fetch pool. */
  OperatorHarness startOperator(OperatorHarness.Controllers controllers, OperatorConfig.Git git) {
    return startOperator(controllers, git, Set.of(ns));
  }

  /** Watching these namespaces too (tenants sharing the operator). */
  OperatorHarness startOperator(OperatorHarness.Controllers controllers, OperatorConfig.Git git,
      Set<String> namespaces) {
    operator = new OperatorHarness(server, client, namespaces, tmp.resolve("cache"), true, controllers,
        RuntimePoolAddress.CLUSTER_DNS, git);
    return operator;
  }
}
