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
    recorded(client, namespace);
  }

  /** As above, through {@code client}. */
  static void recorded(KubernetesClient client, String namespace) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).createOr(
        existing -> existing.update());
    for (GitOpsSource source : RealCluster.items("gitopssources.json", GitOpsSource.class)) {
      create(client, source, namespace);
    }
    for (AppDeployment app : RealCluster.items("appdeployments.json", AppDeployment.class)) {
      create(client, app, namespace);
    }
    create(client, RealCluster.runtimePool(), namespace);
    RealCluster.items("pods-vm-app.json", Pod.class).forEach(pod -> create(client, pod, namespace));
    RealCluster.items("pods-runtime-pool.json", Pod.class).forEach(pod -> create(client, pod, namespace));
  }

  /** Creates the object as recorded, in {@code namespace}, and writes its status (which create leaves out). */
  static <T extends HasMetadata> T create(KubernetesClient client, T object, String namespace) {
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

  @Test
  void reconcileWaitsForTheOperatorAndPrintsWhatChanged() throws Exception {
    recorded("reconcile");
    GitOpsSource recordedSource = client.resources(GitOpsSource.class).inNamespace("reconcile").withName("examples").get();
    String before = requested("reconcile"); // the recording's last request
    // The operator's part, as it does it: the request's value copied into status once handled, and an event.
    Thread operator = new Thread(() -> {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> !before.equals(requested("reconcile")));
      String token = requested("reconcile");
      client.v1().events().inNamespace("reconcile").resource(new EventBuilder().withNewMetadata()
          .withName("examples.1").endMetadata().withNewInvolvedObject().withApiVersion(recordedSource.getApiVersion())
          .withKind("GitOpsSource").withName("examples").withNamespace("reconcile")
          .withUid(recordedSource.getMetadata().getUid()).endInvolvedObject().withType("Normal").withReason("Applied")
          .withMessage("applied revision main@sha1:1800da0: 0 created, 1 updated, 0 pruned")
          .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).withCount(1).build()).create();
      edit(GitOpsSource.class, "reconcile", "examples", source -> {
        source.getStatus().setLastHandledReconcileAt(token);
        return source;
      });
    });
    operator.start();

    Run run = run("reconcile", "reconcile", "source", "examples", "--wait", "--timeout", "10s");
    operator.join();

    assertEquals(0, run.code(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).startsWith("requested a reconcile of gitopssource/examples in namespace reconcile"
        + " (bcgitops.io/reconcile-requested-at: "), run.out());
    assertTrue(lines.get(1).startsWith("applied revision main@sha1:1800da0"), run.out());
    assertEquals("  Applied: applied revision main@sha1:1800da0: 0 created, 1 updated, 0 pruned", lines.get(2));
    assertEquals("3/3 apps ready; the source is Ready", lines.get(3));
  }

  private static String requested(String namespace) {
    var annotations = client.resources(GitOpsSource.class).inNamespace(namespace).withName("examples").get()
        .getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.RECONCILE_REQUESTED_AT);
  }

  @Test
  void reconcileFailsWithTheConditionsMessageOrOnTimeout() throws Exception {
    recorded("reconcile-fails");
    Run timedOut = run("reconcile-fails", "reconcile", "source", "examples", "--wait", "--timeout", "1s");
    assertEquals(1, timedOut.code(), timedOut::toString);
    assertEquals("reconcile: timed out after 1s: the operator has not handled the request (is it running? bcgitops"
        + " version says); the source is Ready\n", timedOut.err());
    String first = requested("reconcile-fails");
    assertTrue(first != null);

    Thread operator = new Thread(() -> {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> !first.equals(requested("reconcile-fails")));
      String token = requested("reconcile-fails");
      edit(GitOpsSource.class, "reconcile-fails", "examples", source -> {
        source.getStatus().setLastHandledReconcileAt(token);
        source.getStatus().setConditions(new ArrayList<>(List.of(
            condition(Conditions.READY, "False", Conditions.Reasons.AUTHENTICATION_FAILED,
                "the git server refused the credentials of Secret git-auth"),
            condition(Conditions.STALLED, "True", Conditions.Reasons.AUTHENTICATION_FAILED,
                "the git server refused the credentials of Secret git-auth"))));
        return source;
      });
    });
    operator.start();
    Run failed = run("reconcile-fails", "reconcile", "gs", "examples", "--wait");
    operator.join();
    assertEquals(1, failed.code(), failed::toString);
    assertEquals("reconcile: reconcile of gitopssource/examples failed: AuthenticationFailed: the git server refused"
        + " the credentials of Secret git-auth\n", failed.err());
  }

  @Test
  void reconcileWithoutWaitOnlyAsksAndWrongArgumentsExit2() throws Exception {
    recorded("reconcile-ask");
    Run asked = run("reconcile-ask", "reconcile", "source", "examples");
    assertEquals(0, asked.code(), asked::toString);
    assertEquals(asked.out().trim().replaceAll(".*reconcile-requested-at: (.*)\\)$", "$1"), requested("reconcile-ask"));

    assertEquals(2, run("reconcile-ask", "reconcile", "app", "web").code());
    Run badTimeout = run("reconcile-ask", "reconcile", "source", "examples", "--wait", "--timeout", "soon");
    assertEquals(2, badTimeout.code());
    assertContains(badTimeout.err(), "reconcile: --timeout: ", "usage: reconcile source <name>");
    Run missing = run("reconcile-ask", "reconcile", "source", "nope");
    assertEquals(1, missing.code());
    assertContains(missing.err(), "reconcile: no GitOpsSource 'nope' in namespace reconcile-ask");
  }

  @Test
  void suspendAndResumeASourceWriteOnlyWhenItChanges() throws Exception {
    recorded("suspend");
    Run suspended = run("suspend", "suspend", "source", "examples");
    assertEquals(new Run(0, "gitopssource/examples suspended in namespace suspend\n", ""), suspended);
    assertTrue(client.resources(GitOpsSource.class).inNamespace("suspend").withName("examples").get().getSpec()
        .isSuspend());
    String version = client.resources(GitOpsSource.class).inNamespace("suspend").withName("examples").get()
        .getMetadata().getResourceVersion();

    assertEquals(new Run(0, "gitopssource/examples is already suspended; nothing changed\n", ""),
        run("suspend", "suspend", "source", "examples"));
    assertEquals(version, client.resources(GitOpsSource.class).inNamespace("suspend").withName("examples").get()
        .getMetadata().getResourceVersion());
    assertContains(run("suspend", "get").out(), "gitopssource/examples  suspended  revision");

    Run refused = run("suspend", "reconcile", "source", "examples");
    assertEquals(1, refused.code());
    assertContains(refused.err(), "is suspended; resume it first: bcgitops resume source examples");

    assertEquals(new Run(0, "gitopssource/examples resumed in namespace suspend\n", ""),
        run("suspend", "resume", "source", "examples"));
    assertFalse(client.resources(GitOpsSource.class).inNamespace("suspend").withName("examples").get().getSpec()
        .isSuspend());
  }

  @Test
  void suspendAnAppASourceManagesIsRefusedWithWhatWorks() throws Exception {
    recorded("suspend-app");
    Run refused = run("suspend-app", "suspend", "app", "web");
    assertEquals(1, refused.code());
    assertEquals("suspend: appdeployment/web is managed by gitopssource/examples, which sets its spec from git and"
        + " would undo this at its next reconcile; suspend the source (bcgitops suspend source examples), or write"
        + " suspend: true in apps/web/app.yaml and push\n", refused.err());
    assertFalse(client.resources(AppDeployment.class).inNamespace("suspend-app").withName("web").get().getSpec()
        .isSuspend());

    AppDeployment standalone = RealCluster.item("appdeployments.json", AppDeployment.class, "web");
    standalone.getMetadata().setName("standalone");
    standalone.getMetadata().setOwnerReferences(null);
    standalone.getMetadata().setLabels(null);
    create(client, standalone, "suspend-app");
    assertEquals(new Run(0, "appdeployment/standalone suspended in namespace suspend-app\n", ""),
        run("suspend-app", "suspend", "app", "standalone"));
    assertEquals(new Run(0, "appdeployment/standalone resumed in namespace suspend-app\n", ""),
        run("suspend-app", "resume", "appdeployment", "standalone"));
  }

  @Test
  void diffOfTheExampleRepositoryAgainstTheRecordedCluster() throws Exception {
    recorded("diff");
    // The recording ran web and greeter 1.1.0, web with memoryLimit "256Mi" and no schedulerLimit; the example
    // repository has 1.0.0 of each, and web's memoryLimit 256 (which the API server keeps as an integer).
    Run run = run("diff", "diff", "examples/gitops-repo", "--source", "examples");

    assertEquals(new Run(1, """
        ~ greeter  spec.version: "1.1.0" -> "1.0.0"
        ~ web  spec.version: "1.1.0" -> "1.0.0"
               spec.vmConfig.memoryLimit: "256Mi" -> 256
               spec.vmConfig.schedulerLimit: (none) -> 1
        """, ""), run);
  }

  @Test
  void diffSaysWhatIsAddedChangedRemovedAndInvalid() throws Exception {
    recorded("diff-all");
    RepoFiles repo = new RepoFiles(dir);
    for (String app : List.of("greeter", "web")) {
      repo.write("apps/" + app + "/app.yaml", Files.readString(Path.of("examples/gitops-repo/apps", app, "app.yaml"))
          .replace("version: \"1.0.0\"", "version: \"1.1.0\""));
    }
    repo.write("apps/web/app.yaml", Files.readString(dir.resolve("apps/web/app.yaml")).replace("PORT: \"8080\"",
        "PORT: \"9090\"\n  MODE: fast"));
    repo.app("api");
    repo.file("bad", "app.yaml", RepoFiles.yaml("bad", "replicas: 2"));

    Run run = run("diff-all", "diff", dir.toString(), "--source=examples");

    assertEquals(1, run.code(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals(List.of(
        "+ api  version 1.0.0, embedded, from apps/api/app.yaml",
        "~ web  spec.env.MODE: (none) -> \"fast\"",
        "       spec.env.PORT: \"8080\" -> \"9090\"",
        "       spec.vmConfig.memoryLimit: \"256Mi\" -> 256",
        "       spec.vmConfig.schedulerLimit: (none) -> 1",
        "- clock  pruned: its folder is no longer in git"), lines.subList(0, 6));
    assertTrue(lines.get(6).startsWith("! apps/bad/app.yaml: unknown field 'replicas'"), run.out());
    assertEquals(7, lines.size(), run.out());

    Run noPath = run("diff-all", "diff", "examples/gitops-repo", "--source", "examples", "--path", "nope");
    assertEquals(new Run(2, "", "diff: path 'nope' does not exist in the repository\n"), noPath);
    Run none = run("diff-all", "diff", dir.resolve("missing").toString(), "--source", "examples");
    assertEquals(2, none.code());
    assertContains(none.err(), "diff: " + dir.resolve("missing") + " does not exist");
    assertEquals(2, run("diff-all", "diff", dir.toString(), "--source", "nope").code());
    assertEquals(2, run("diff-all", "diff", dir.toString()).code());
  }

  /** A working copy of the example repository as the recorded apps were applied from: no difference with them. */
  static void recordedRepository(Path dir) throws IOException {
    RepoFiles repo = new RepoFiles(dir);
    for (String app : List.of("clock", "greeter", "web")) {
      repo.write("apps/" + app + "/app.yaml", Files.readString(Path.of("examples/gitops-repo/apps", app, "app.yaml"))
          .replace("version: \"1.0.0\"", "version: \"" + (app.equals("clock") ? "1.0.0" : "1.1.0") + "\"")
          .replaceAll("memoryLimit: 256 .*", "memoryLimit: \"256Mi\"").replaceAll("  schedulerLimit: .*\n", ""));
    }
  }

  @Test
  void diffWithNoDifferenceExits0() throws Exception {
    recorded("diff-none");
    recordedRepository(dir);
    assertEquals(new Run(0, "no difference: gitopssource/examples has the 3 apps of apps/\n", ""),
        run("diff-none", "diff", dir.toString(), "--source", "examples"));
  }

  @Test
  void eventsOfThisProjectsObjectsOldestFirst() throws Exception {
    recorded("events");
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String before = Instant.now().minusSeconds(90).truncatedTo(ChronoUnit.SECONDS).toString();
    event("events", "b", "AppDeployment", "web", "Warning", "HealthCheckFailed", "GET /health answered 503", now, 3);
    event("events", "a", "GitOpsSource", "examples", "Normal", "Fetched", "fetched revision main@sha1:1800da0", before, 1);
    client.v1().events().inNamespace("events").resource(new EventBuilder().withNewMetadata().withName("c")
        .endMetadata().withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName("web-1").endInvolvedObject()
        .withReason("Pulled").withLastTimestamp(now).build()).create();

    Run run = run("events", "events");
    assertEquals(0, run.code(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run.out());
    assertTrue(lines.get(0).matches("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE"), lines.get(0));
    assertTrue(lines.get(1).matches("9\\ds +Normal +Fetched +gitopssource/examples +fetched revision main@sha1:1800da0"),
        lines.get(1));
    assertTrue(lines.get(2).matches("\\ds \\(x3\\) +Warning +HealthCheckFailed +appdeployment/web +GET /health answered 503"),
        lines.get(2));

    Run one = run("events", "events", "web");
    assertEquals(2, one.out().lines().count(), one.out());
    assertEquals(new Run(0, "no events of 'clock' in namespace events\n", ""), run("events", "events", "clock"));
  }

  private static void event(String namespace, String name, String kind, String object, String type, String reason,
      String message, String seen, int count) {
    client.v1().events().inNamespace(namespace).resource(new EventBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewInvolvedObject().withApiVersion(Api.GROUP + "/" + Api.VERSION).withKind(kind)
        .withName(object).withNamespace(namespace).endInvolvedObject().withType(type).withReason(reason)
        .withMessage(message).withLastTimestamp(seen).withCount(count).build()).create();
  }

  @Test
  void logsOfAVmAppAndOfAnEmbeddedApp() throws Exception {
    recorded("logs");
    server.expect().get().withPath("/api/v1/namespaces/logs/pods/web-69bf6d4b85-wnf2d/log?container=app")
        .andReturn(200, "listening on 8080\nGET / 200\n").always();
    server.expect().get()
        .withPath("/api/v1/namespaces/logs/pods/bcgitops-runtime-default-5f789bcb7c-wnn44/log?container=host")
        .andReturn(200, """
            2024-03-01T10:00:00.000Z INFO  i.b.runtime.HostedApp - app greeter: starting version 1.1.0 (Greeter)
            hello from greeter's own System.out
            2024-03-01T10:00:01.000Z INFO  i.b.runtime.HostedApp - app clock: starting version 1.0.0 (Clock)
            2024-03-01T10:00:02.000Z INFO  i.b.runtime.HostedApp - app greeter: version 1.1.0 started: port 8081
            """).always();

    assertEquals(new Run(0, "==> pod/web-69bf6d4b85-wnf2d <==\nlistening on 8080\nGET / 200\n", ""),
        run("logs", "logs", "web"));

    Run embedded = run("logs", "logs", "greeter");
    assertEquals(0, embedded.code(), embedded::toString);
    assertEquals(List.of("==> pod/bcgitops-runtime-default-5f789bcb7c-wnn44 (runtime pool default): the host's lines"
            + " about app greeter; what the app itself prints is not tagged: --all shows the whole pool log <==",
        "2024-03-01T10:00:00.000Z INFO  i.b.runtime.HostedApp - app greeter: starting version 1.1.0 (Greeter)",
        "2024-03-01T10:00:02.000Z INFO  i.b.runtime.HostedApp - app greeter: version 1.1.0 started: port 8081"),
        embedded.out().lines().toList());
    assertContains(run("logs", "logs", "greeter", "--all").out(), "hello from greeter's own System.out",
        "app clock: starting");

    Run missing = run("logs", "logs", "nope");
    assertEquals(1, missing.code());
    assertContains(missing.err(), "logs: no AppDeployment 'nope' in namespace logs");
  }

  /** A command that runs until it is stopped, on a thread of its own: what it printed so far, and its stop. */
  private record Running(Thread thread, ByteArrayOutputStream out, ByteArrayOutputStream err,
      AtomicReference<Integer> code) {
    static Running start(Kubeconfigs kubeconfigs, String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      AtomicReference<Integer> code = new AtomicReference<>();
      Thread thread = new Thread(() -> {
        try {
          code.set(Main.run(args, kubeconfigs, new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8)));
        } catch (InterruptedException e) {
          code.set(-1);
        } catch (Exception e) {
          code.set(-2);
        }
      });
      thread.start();
      return new Running(thread, out, err, code);
    }

    String printed() {
      return out.toString(StandardCharsets.UTF_8);
    }

    void awaitPrinted(String text) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> printed().contains(text));
    }

    /** Stops it as Ctrl-C would (the thread is interrupted) and returns what it printed on stderr. */
    String stop() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      assertFalse(thread.isAlive(), "the command stops when interrupted");
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus running(String container, int restarts) {
    return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(container).withRestartCount(restarts)
        .withReady(true).withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning()
        .endState().build();
  }

  @Test
  void logsFollowPrintsTheLogThenEachNewPodAndRestartFromItsStart() throws Exception {
    recorded("logs-follow");
    String path = "/api/v1/namespaces/logs-follow/pods/%s/log?container=app&follow=true";
    server.expect().get().withPath(path.formatted("web-69bf6d4b85-wnf2d")).andReturn(200, "listening on 8080\n")
        .always();
    server.expect().get().withPath(path.formatted("web-7d4c9f8b6-x2x2x")).andReturn(200, "1.2.0 listening on 8080\n")
        .always();

    Running follow = Running.start(kubeconfig("logs-follow"), "logs", "web", "-f");
    try {
      follow.awaitPrinted("==> pod/web-69bf6d4b85-wnf2d <==\nlistening on 8080\n");
      // A rollout: the new version's pod starts.
      Pod next = RealCluster.item("pods-vm-app.json", Pod.class, "web-69bf6d4b85-wnf2d");
      next.getMetadata().setName("web-7d4c9f8b6-x2x2x");
      next.getMetadata().setUid("4b0c3e51-7d4c-4f8b-9a6e-000000000002");
      create(client, next, "logs-follow");
      follow.awaitPrinted("==> pod/web-7d4c9f8b6-x2x2x <==\n1.2.0 listening on 8080\n");
      // The old pod's container restarts: its new run's log, under a header saying so.
      client.pods().inNamespace("logs-follow").withName("web-69bf6d4b85-wnf2d").editStatus(pod -> {
        pod.getStatus().setContainerStatuses(new ArrayList<>(List.of(running("app", 1))));
        return pod;
      });
      follow.awaitPrinted("==> pod/web-69bf6d4b85-wnf2d, restart 1 <==\nlistening on 8080\n");
    } finally {
      assertEquals("", follow.stop());
    }
    assertEquals(3, follow.printed().lines().filter(line -> line.startsWith("==> ")).count(), follow.printed());
  }

  @Test
  void logsFollowOfAnEmbeddedAppPrintsItsLastLinesThenWhatFollows() throws Exception {
    recorded("logs-follow-embedded");
    String pod = "/api/v1/namespaces/logs-follow-embedded/pods/bcgitops-runtime-default-5f789bcb7c-wnn44/log";
    String before = """
        2024-03-01T10:00:00.000Z INFO  i.b.runtime.HostedApp - app greeter: starting version 1.1.0 (Greeter)
        2024-03-01T10:00:01.000Z INFO  i.b.runtime.HostedApp - app clock: starting version 1.0.0 (Clock)
        2024-03-01T10:00:02.000Z INFO  i.b.runtime.HostedApp - app greeter: version 1.1.0 started: port 8081
        hello from greeter's own System.out
        """;
    // The log read twice: once whole for the last lines, then followed, with what was written in between.
    server.expect().get().withPath(pod + "?container=host").andReturn(200, before).always();
    server.expect().get().withPath(pod + "?container=host&follow=true").andReturn(200, before
        + "2024-03-01T10:05:00.000Z WARN  i.b.runtime.HostedApp - app greeter: health check failed: 503\n").always();

    Running follow = Running.start(kubeconfig("logs-follow-embedded"), "logs", "greeter", "-f", "--tail", "1");
    try {
      follow.awaitPrinted("health check failed");
    } finally {
      assertEquals("", follow.stop());
    }
    assertEquals(List.of("==> pod/bcgitops-runtime-default-5f789bcb7c-wnn44 (runtime pool default): the host's lines"
            + " about app greeter; what the app itself prints is not tagged: --all shows the whole pool log <==",
        "2024-03-01T10:00:02.000Z INFO  i.b.runtime.HostedApp - app greeter: version 1.1.0 started: port 8081",
        "2024-03-01T10:05:00.000Z WARN  i.b.runtime.HostedApp - app greeter: health check failed: 503"),
        follow.printed().lines().toList());
  }

  @Test
  void logsFollowWaitsForAPodAndTakesTailAndSince() throws Exception {
    recorded("logs-wait");
    client.pods().inNamespace("logs-wait").withName("web-69bf6d4b85-wnf2d").delete();
    server.expect().get().withPath("/api/v1/namespaces/logs-wait/pods/web-69bf6d4b85-wnf2d/log"
        + "?container=app&tailLines=5&sinceSeconds=600").andReturn(200, "GET / 200\n").always();
    server.expect().get().withPath("/api/v1/namespaces/logs-wait/pods/web-2/log?container=app&follow=true")
        .andReturn(200, "started\n").always();

    assertEquals(new Run(1, "", "logs: appdeployment/web has no pod yet; its status: 1.1.0  vm  Running  healthy"
        + "  Ready\n"), run("logs-wait", "logs", "web"));
    Running follow = Running.start(kubeconfig("logs-wait"), "logs", "web", "--follow");
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> follow.err().toString(StandardCharsets.UTF_8).equals(
              "logs: appdeployment/web has no running pod yet; waiting for one (Ctrl-C stops)\n"));
      Pod pod = RealCluster.item("pods-vm-app.json", Pod.class, "web-69bf6d4b85-wnf2d");
      pod.getMetadata().setName("web-2");
      create(client, pod, "logs-wait");
      follow.awaitPrinted("==> pod/web-2 <==\nstarted\n");
    } finally {
      follow.stop();
    }

    client.pods().inNamespace("logs-wait").withName("web-2").delete();
    create(client, RealCluster.item("pods-vm-app.json", Pod.class, "web-69bf6d4b85-wnf2d"), "logs-wait");
    assertEquals(new Run(0, "==> pod/web-69bf6d4b85-wnf2d <==\nGET / 200\n", ""),
        run("logs-wait", "logs", "web", "--tail", "5", "--since", "10m"));
    Run badSince = run("logs-wait", "logs", "web", "--since", "yesterday");
    assertEquals(2, badSince.code());
    assertContains(badSince.err(), "logs: --since: ", "usage: logs <app> [-f]");
  }

  @Test
  void logsStopsWhenItsOutputIsClosed() throws Exception {
    recorded("logs-closed");
    server.expect().get().withPath("/api/v1/namespaces/logs-closed/pods/web-69bf6d4b85-wnf2d/log?container=app")
        .andReturn(200, "line 1\nline 2\n").always();
    // A pipe whose reader is gone: every write fails, as on a closed pipe.
    java.io.OutputStream closed = new java.io.OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"logs", "web"}, kubeconfig("logs-closed"), new PrintStream(closed, true),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(141, code);
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void versionReadsTheOperatorsImageTag() throws Exception {
    Run none = run("default", "version");
    assertEquals(0, none.code(), none::toString);
    assertEquals(List.of("client: bc-gitops-operator " + Main.version(), "operator: not found (no Deployment labelled"
        + " app.kubernetes.io/name=bc-gitops-operator that this user can read)"), none.out().lines().toList());

    client.apps().deployments().inNamespace("bc-gitops-system").resource(new DeploymentBuilder().withNewMetadata()
        .withName("bc-gitops-operator").withLabels(Map.of("app.kubernetes.io/name", "bc-gitops-operator")).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("operator")
        .withImage("registry.example:5000/bc-gitops-operator:0.4.1").endContainer().endSpec().endTemplate().endSpec()
        .build()).create();
    assertEquals("operator: 0.4.1 (deployment bc-gitops-system/bc-gitops-operator, image"
        + " registry.example:5000/bc-gitops-operator:0.4.1)", run("default", "version").out().lines().toList().get(1));
    assertEquals(new Run(0, "client: bc-gitops-operator " + Main.version() + "\n", ""),
        run(context -> { throw new IllegalStateException("no cluster is asked"); }, "version", "--client"));
  }

  @Test
  void aClusterThatDoesNotAnswerIsOneLine() throws Exception {
    int port = io.bcgitops.testing.Ports.free();
    Kubeconfigs nowhere = context -> {
      Config config = Config.empty();
      config.setMasterUrl("http://127.0.0.1:" + port + "/");
      return config;
    };
    Run run = run(nowhere, "get");
    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("get: cannot reach the Kubernetes API at http://127.0.0.1:"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    Run context = run(nowhere, "get", "--context", "prod");
    assertEquals(new Run(2, "", "get: the kubeconfig has no context 'prod' (kubectl config get-contexts lists them)\n"),
        context);
  }

  @Test
  void completionListsTheCommandsAndTheirOptions() throws Exception {
    Run bash = run("default", "completion", "bash");
    assertEquals(0, bash.code());
    assertContains(bash.out(), "complete -o default -F _bcgitops bcgitops kubectl-bcgitops",
        "compgen -W \"completion diff events fetch get help loader local logs operator reconcile render resume"
            + " runtime-host suspend validate version\"",
        "get) words=\"--all-namespaces --context --namespace --output --watch -A -n -o -w\" ;;");
    assertContains(run("default", "completion", "zsh").out(), "bashcompinit");
    assertEquals(2, run("default", "completion", "fish").code());
    Run noArgs = run("default");
    assertContains(noArgs.out(), "get [<source>] [-A]", "reconcile source <name> [--wait]", "diff <dir> --source");
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build();
  }
}
