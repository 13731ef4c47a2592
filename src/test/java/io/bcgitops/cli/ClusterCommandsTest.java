package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.spec.RepoFiles;
import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to a cluster (get, reconcile, suspend, resume, diff, events, logs,
 * version) as a user runs them, against Fabric8's mock API server (CRUD mode, the CRDs
 * registered) holding the objects a real API server returned (src/test/resources/real-cluster):
 * what they print, and their exit code.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCommandsTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir
  Path dir;

  /** What a run printed, and its exit code. */
  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void crds() throws IOException {
    OperatorHarness.registerCrds(client);
  }

  /** The kubeconfig's current context: the mock server, its namespace {@code namespace}. */
  private static Kubeconfigs kubeconfig(String namespace) {
    return context -> {
      Config config = Config.empty();
      config.setMasterUrl(client.getConfiguration().getMasterUrl());
      config.setTrustCerts(true);
      config.setNamespace(namespace);
      return config;
    };
  }

  static Run run(Kubeconfigs kubeconfigs, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, kubeconfigs, o, e);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run run(String namespace, String... args) throws Exception {
    return run(kubeconfig(namespace), args);
  }

  private static void assertContains(String text, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in:\n" + text);
    }
  }

  /** The recorded objects (source "examples", apps web, greeter, clock, their pods and pool), in {@code namespace}. */
  static void recorded(String namespace) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).createOr(
        existing -> existing.update());
    for (GitOpsSource source : RealCluster.items("gitopssources.json", GitOpsSource.class)) {
      create(source, namespace);
    }
    for (AppDeployment app : RealCluster.items("appdeployments.json", AppDeployment.class)) {
      create(app, namespace);
    }
    create(RealCluster.runtimePool(), namespace);
    RealCluster.items("pods-vm-app.json", Pod.class).forEach(pod -> create(pod, namespace));
    RealCluster.items("pods-runtime-pool.json", Pod.class).forEach(pod -> create(pod, namespace));
  }

  /** Creates the object as recorded, in {@code namespace}, and writes its status (which create leaves out). */
  static <T extends HasMetadata> T create(T object, String namespace) {
    object.getMetadata().setNamespace(namespace);
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setManagedFields(null);
    T created = client.resource(object).create();
    object.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
    return object instanceof Pod ? created : client.resource(object).updateStatus();
  }

  private static <T extends HasMetadata> void edit(Class<T> kind, String namespace, String name, UnaryOperator<T> change) {
    client.resources(kind).inNamespace(namespace).withName(name).editStatus(change);
  }

  @Test
  void getPrintsEachSourceItsAppsAndWhatRunsThem() throws Exception {
    recorded("get-tree");
    edit(AppDeployment.class, "get-tree", "clock", app -> {
      app.getStatus().setConditions(new ArrayList<>(List.of(condition(Conditions.READY, "False",
          Conditions.Reasons.UPGRADE_FAILED, "version 1.2.0 failed to start: main() threw NoClassDefFoundError"))));
      return app;
    });

    Run run = run("get-tree", "get");

    assertEquals(0, run.code(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals("gitopssource/examples  revision main@1800da0  Ready  3/3 apps ready", lines.get(0));
    assertContains(run.out(),
        "|-- appdeployment/clock  1.0.0  embedded  Running  healthy  not Ready: UpgradeFailed: version 1.2.0 failed"
            + " to start: main() threw NoClassDefFoundError\n",
        "|   `-- runtimepool/default  pod bcgitops-runtime-default-5f789bcb7c-wnn44  not reconciled yet\n",
        "|-- appdeployment/greeter  1.1.0  embedded  Running  healthy  Ready\n",
        "`-- appdeployment/web  1.1.0  vm  Running  healthy  Ready\n",
        "    `-- pod/web-69bf6d4b85-wnf2d  Running  1/1 ready  0 restarts\n");
    assertEquals("", run.err());
  }

  @Test
  void getAcrossNamespacesAndAsJsonOrYaml() throws Exception {
    recorded("get-all-a");
    recorded("get-all-b");

    Run all = run("default", "get", "-A");
    assertEquals(0, all.code(), all::toString);
    assertContains(all.out(), "namespace get-all-a\ngitopssource/examples", "namespace get-all-b\ngitopssource/examples");

    Run json = run("get-all-a", "get", "-o", "json");
    assertEquals(0, json.code(), json::toString);
    var list = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
        .unmarshal(json.out(), io.fabric8.kubernetes.api.model.KubernetesList.class);
    assertEquals(List.of("GitOpsSource/examples", "AppDeployment/clock", "AppDeployment/greeter", "AppDeployment/web",
        "RuntimePool/default"), list.getItems().stream().map(i -> i.getKind() + "/" + i.getMetadata().getName()).toList());

    Run yaml = run("get-all-a", "get", "--output=yaml");
    assertContains(yaml.out(), "kind: \"List\"", "kind: \"GitOpsSource\"");

    Run wrong = run("get-all-a", "get", "-o", "wide");
    assertEquals(2, wrong.code());
    assertContains(wrong.err(), "get: --output must be yaml or json, got 'wide'", "usage: get");
  }

  @Test
  void getSaysWhatIsMissing() throws Exception {
    Run empty = run("nothing-here", "get");
    assertEquals(new Run(0, "no GitOpsSource nor AppDeployment in namespace nothing-here\n", ""), empty);

    Run missing = run("nothing-here", "get", "shop");
    assertEquals(1, missing.code());
    assertEquals("get: no GitOpsSource 'shop' in namespace nothing-here (bcgitops get -n nothing-here lists them)\n",
        missing.err());
  }

  @Test
  void getWatchPrintsTheTreeAgainWhenAnAppChanges() throws Exception {
    recorded("get-watch");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    AtomicReference<Integer> code = new AtomicReference<>();
    Thread watching = new Thread(() -> {
      try {
        code.set(Main.run(new String[] {"get", "--watch"}, kubeconfig("get-watch"), print, print));
      } catch (Exception e) {
        code.set(-1);
      }
    });
    watching.start();
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> out.toString(StandardCharsets.UTF_8).contains("appdeployment/web  1.1.0  vm  Running"));
      edit(AppDeployment.class, "get-watch", "web", app -> {
        app.getStatus().setPhase(io.bcgitops.api.AppDeploymentStatus.Phase.Degraded);
        return app;
      });
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> out.toString(StandardCharsets.UTF_8).contains("appdeployment/web  1.1.0  vm  Degraded"));
      String text = out.toString(StandardCharsets.UTF_8);
      assertEquals(2, text.lines().filter(l -> l.startsWith("-- ")).count(), text);
    } finally {
      watching.interrupt();
      watching.join(10_000);
    }
    assertFalse(watching.isAlive());
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build();
  }
}
