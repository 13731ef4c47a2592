package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cluster command as a user runs it, a process of its own through bin/kubectl-bcgitops,
 * against an API server that holds what a real one returned (src/test/resources/real-cluster):
 * what it prints on stdout and stderr, and its exit code. Each API server (Fabric8's mock server,
 * local mode's API) runs these in a subclass. Each test has a namespace of its own, named with -n.
 */
abstract class CommandProcessesContract {
  @TempDir
  Path work;

  /** A client of the API server, to set up what the commands read and to play the operator. */
  abstract KubernetesClient client();

  /** The command line, its kubeconfig naming the API server. */
  abstract CliProcess cli();

  /** The recorded objects in a namespace of their own. */
  String recorded(String namespace) {
    ClusterCommandsTest.recorded(client(), namespace);
    return namespace;
  }

  static void assertContains(String text, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in:\n" + text);
    }
  }

  @Test
  void getPrintsTheTreeOrTheObjectsAndEveryNamespace() throws Exception {
    String ns = recorded("p-get");
    List<CliProcess.Result> runs = cli().runAll(List.of(List.of("get", "-n", ns), List.of("get", "-n", ns, "-o", "json"),
        List.of("get", "-n", ns, "--output=yaml"), List.of("get", "-A")));

    CliProcess.Result tree = runs.get(0);
    assertEquals(0, tree.code(), tree::toString);
    assertEquals("", tree.err());
    List<String> lines = tree.out().lines().toList();
    assertEquals("gitopssource/examples  revision main@1800da0  Ready  3/3 apps ready", lines.get(0));
    assertContains(tree.out(), "|-- appdeployment/greeter  1.1.0  embedded  Running  healthy  Ready\n",
        "`-- appdeployment/web  1.1.0  vm  Running  healthy  Ready\n",
        "    `-- pod/web-69bf6d4b85-wnf2d  Running  1/1 ready  0 restarts\n");

    CliProcess.Result json = runs.get(1);
    assertEquals(0, json.code(), json::toString);
    assertEquals(List.of("GitOpsSource/examples", "AppDeployment/clock", "AppDeployment/greeter", "AppDeployment/web",
        "RuntimePool/default"), new KubernetesSerialization().unmarshal(json.out(), KubernetesList.class).getItems()
        .stream().map(item -> item.getKind() + "/" + item.getMetadata().getName()).toList());

    CliProcess.Result yaml = runs.get(2);
    assertEquals(0, yaml.code(), yaml::toString);
    assertContains(yaml.out(), "kind: \"List\"", "kind: \"AppDeployment\"", "name: \"web\"");

    CliProcess.Result all = runs.get(3);
    assertEquals(0, all.code(), all::toString);
    assertContains(all.out(), "namespace " + ns + "\ngitopssource/examples  revision main@1800da0");
  }

  /** A name that is not there: one line saying what is missing where, and how to list what is. */
  @Test
  void aNameThatIsNotThereIsOneLine() throws Exception {
    String ns = recorded("p-missing");
    String hint = " in namespace " + ns + " (bcgitops get -n " + ns + " lists them)\n";

    assertEquals(List.of(
            new CliProcess.Result(1, "", "get: no GitOpsSource 'shop'" + hint),
            new CliProcess.Result(1, "", "logs: no AppDeployment 'cart'" + hint),
            // diff's 1 means "differs": that it could not compare is 2.
            new CliProcess.Result(2, "", "diff: no GitOpsSource 'shop'" + hint)),
        cli().runAll(List.of(List.of("get", "shop", "-n", ns), List.of("logs", "cart", "-n", ns),
            List.of("diff", "examples/gitops-repo", "--source", "shop", "-n", ns))));
  }

  @Test
  void reconcileWaitsUntilTheOperatorHandledItOrTheTimeout() throws Exception {
    String ns = recorded("p-reconcile");
    GitOpsSource source = client().resources(GitOpsSource.class).inNamespace(ns).withName("examples").get();
    String before = requested(ns); // the recording's last request
    // The operator's part: the request's value copied into status once handled, and its event.
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread operator = new Thread(() -> {
      try {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !Objects.equals(before, requested(ns)));
        client().v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withName("examples.1")
            .endMetadata().withNewInvolvedObject().withApiVersion(source.getApiVersion()).withKind("GitOpsSource")
            .withName("examples").withNamespace(ns).withUid(source.getMetadata().getUid()).endInvolvedObject()
            .withType("Normal").withReason("Applied")
            .withMessage("applied revision main@sha1:1800da0: 0 created, 1 updated, 0 pruned")
            .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).withCount(1).build())
            .create();
        client().resources(GitOpsSource.class).inNamespace(ns).withName("examples").editStatus(handled -> {
          handled.getStatus().setLastHandledReconcileAt(requested(ns));
          return handled;
        });
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    operator.start();

    CliProcess.Result waited = cli().run("reconcile", "source", "examples", "--wait", "--timeout", "30s", "-n", ns);
    operator.join();
    if (failed.get() != null) {
      throw new AssertionError(failed.get());
    }

    assertEquals(0, waited.code(), waited::toString);
    List<String> lines = waited.out().lines().toList();
    assertEquals("requested a reconcile of gitopssource/examples in namespace " + ns + " ("
        + Api.RECONCILE_REQUESTED_AT + ": " + requested(ns) + ")", lines.get(0));
    assertEquals(List.of("applied revision main@sha1:1800da0c322853454a9741854a64c0dde330b4a4",
        "  Applied: applied revision main@sha1:1800da0: 0 created, 1 updated, 0 pruned",
        "3/3 apps ready; the source is Ready"), lines.subList(1, lines.size()));
    assertEquals("", waited.err());

    CliProcess.Result timedOut = cli().run("reconcile", "source", "examples", "--wait", "--timeout", "1s", "-n", ns);
    assertEquals(1, timedOut.code(), timedOut::toString);
    assertEquals("reconcile: timed out after 1s: the operator has not handled the request (is it running? bcgitops"
        + " version says); the source is Ready\n", timedOut.err());
  }

  private String requested(String namespace) {
    Map<String, String> annotations = client().resources(GitOpsSource.class).inNamespace(namespace).withName("examples")
        .get().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.RECONCILE_REQUESTED_AT);
  }

  @Test
  void suspendAndResumeASourceAndNotAnAppItManages() throws Exception {
    String ns = recorded("p-suspend");

    List<CliProcess.Result> runs = cli().runAll(List.of(List.of("suspend", "source", "examples", "-n", ns),
        List.of("suspend", "app", "web", "-n", ns)));
    assertEquals(new CliProcess.Result(0, "gitopssource/examples suspended in namespace " + ns + "\n", ""), runs.get(0));
    assertTrue(client().resources(GitOpsSource.class).inNamespace(ns).withName("examples").get().getSpec().isSuspend());
    // Kept refused: the source would undo it at its next reconcile. One line: why, and what works.
    assertEquals(new CliProcess.Result(1, "", "suspend: appdeployment/web is managed by gitopssource/examples, which"
        + " sets its spec from git and would undo this at its next reconcile; suspend the source (bcgitops suspend"
        + " source examples), or write suspend: true in apps/web/app.yaml and push\n"), runs.get(1));

    assertEquals(new CliProcess.Result(0, "gitopssource/examples resumed in namespace " + ns + "\n", ""),
        cli().run("resume", "gs", "examples", "-n", ns));
  }

  @Test
  void diffExits0WithoutADifferenceAnd1WithOne() throws Exception {
    String ns = recorded("p-diff");
    Path same = Files.createDirectories(work.resolve("same"));
    ClusterCommandsTest.recordedRepository(same);

    assertEquals(List.of(new CliProcess.Result(0, "no difference: gitopssource/examples has the 3 apps of apps/\n", ""),
        new CliProcess.Result(1, """
            ~ greeter  spec.version: "1.1.0" -> "1.0.0"
            ~ web  spec.version: "1.1.0" -> "1.0.0"
                   spec.vmConfig.memoryLimit: "256Mi" -> 256
                   spec.vmConfig.schedulerLimit: (none) -> 1
            """, "")),
        cli().runAll(List.of(List.of("diff", same.toString(), "--source", "examples", "-n", ns),
            List.of("diff", "examples/gitops-repo", "--source", "examples", "-n", ns))));
  }

  @Test
  void eventsAndVersion() throws Exception {
    String ns = recorded("p-events");
    client().v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withName("web.1")
        .endMetadata().withNewInvolvedObject().withApiVersion(Api.GROUP + "/" + Api.VERSION).withKind("AppDeployment")
        .withName("web").withNamespace(ns).endInvolvedObject().withType("Warning").withReason("HealthCheckFailed")
        .withMessage("GET /health answered 503")
        .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).withCount(2).build()).create();
    client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
        .withName("bc-gitops-operator").withLabels(Map.of(VersionCommand.OPERATOR_LABEL, VersionCommand.OPERATOR_NAME))
        .endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "op")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "op")).endMetadata().withNewSpec()
        .addNewContainer().withName("operator").withImage("registry.example:5000/bc-gitops-operator:0.4.1")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();

    List<CliProcess.Result> runs = cli().runAll(List.of(List.of("events", "-n", ns), List.of("version")));
    CliProcess.Result events = runs.get(0);
    assertEquals(0, events.code(), events::toString);
    List<String> lines = events.out().lines().toList();
    assertEquals(2, lines.size(), events.out());
    assertTrue(lines.get(0).matches("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE"), lines.get(0));
    assertTrue(lines.get(1).matches("\\ds \\(x2\\) +Warning +HealthCheckFailed +appdeployment/web +GET /health answered"
        + " 503"), lines.get(1));

    assertEquals(new CliProcess.Result(0, "client: bc-gitops-operator " + Main.version() + "\noperator: 0.4.1"
        + " (deployment " + ns + "/bc-gitops-operator, image registry.example:5000/bc-gitops-operator:0.4.1)\n", ""),
        runs.get(1));
  }
}
