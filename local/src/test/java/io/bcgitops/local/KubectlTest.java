package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl against the local API, with the kubeconfig it writes: what a user of local mode types. */
class KubectlTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** A Secret's value as the store holds it, which no answer to kubectl logs may show. */
  private static final String BASE64_SECRET = "czNjcmV0LW5ldmVyLXNob3du";

  @TempDir
  static Path dir;
  static Path kubectl;
  static StateFolder state;
  static LocalApiServer api;
  static Path kubeconfig;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    kubectl = onPath("kubectl").orElse(null);
    if (kubectl != null) {
      state = StateFolder.open(dir.resolve("state"));
      api = LocalApiServer.start(0, state);
      kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
      client = api.client();
    }
  }

  @BeforeEach
  void needsKubectl() {
    // Here rather than in start(), so that each test is reported as skipped, with the reason.
    assumeTrue(kubectl != null, "kubectl is not on PATH: the tests that run it are skipped");
  }

  @AfterAll
  static void stop() throws IOException {
    if (api != null) {
      api.close();
      state.close();
    }
  }

  @Test
  void getShowsThePrinterColumnsWithTheirValues() throws Exception {
    client.resource(LocalObjects.source("shop", "https://git.example.com/shop.git")).create();
    client.resources(GitOpsSource.class).inNamespace("default").withName("shop").editStatus(source -> {
      source.setStatus(LocalObjects.fetchedStatus("main@1a2b3c4", 2, "True", "Applied revision main@1a2b3c4"));
      return source;
    });
    AppDeployment cart = LocalObjects.app("cart", "2.1.0");
    cart.getMetadata().setLabels(Map.of(Api.SOURCE_LABEL, "shop"));
    client.resource(cart).create();
    client.resources(AppDeployment.class).inNamespace("default").withName("cart").editStatus(app -> {
      app.setStatus(LocalObjects.runningStatus("2.1.0", 1));
      app.getStatus().setRestarts(2);
      app.getStatus().setNode("cart-7c9d-k2x4p");
      return app;
    });

    List<String> sources = lines(run("get", "gs", "shop"));
    assertTrue(sources.get(0).matches("NAME\\s+URL\\s+REVISION\\s+APPS\\s+READY\\s+STATUS\\s+AGE"), sources.get(0));
    assertTrue(sources.get(1).matches("shop\\s+https://git.example.com/shop.git\\s+main@1a2b3c4\\s+2\\s+True\\s+"
        + "Succeeded\\s+\\d+s"), sources.get(1));
    List<String> wide = lines(run("get", "gs", "shop", "-o", "wide"));
    assertTrue(wide.get(0).matches(".*\\s+AGE\\s+READY APPS\\s+SUSPENDED\\s+MESSAGE"), wide.get(0));
    assertTrue(wide.get(1).matches(".*\\s+Succeeded\\s+\\d+s\\s+0\\s+false\\s+Applied revision main@1a2b3c4"),
        wide.get(1));
    List<String> apps = lines(run("get", "appdeployments", "cart"));
    assertTrue(apps.get(0).matches("NAME\\s+VERSION\\s+ISOLATION\\s+PHASE\\s+READY\\s+HEALTH\\s+AGE"), apps.get(0));
    assertTrue(apps.get(1).matches("cart\\s+2\\.1\\.0\\s+vm\\s+Running\\s+True\\s+healthy\\s+\\d+s"), apps.get(1));
    List<String> wideApps = lines(run("get", "appdeployments", "cart", "-o", "wide"));
    assertTrue(wideApps.get(0).matches(".*\\s+AGE\\s+DEPLOYED\\s+RESTARTS\\s+NODE\\s+SOURCE\\s+SUSPENDED\\s+REASON"),
        wideApps.get(0));
    assertTrue(wideApps.get(1).matches(
        "cart\\s+.*\\s+\\d+s\\s+2\\.1\\.0\\s+2\\s+cart-7c9d-k2x4p\\s+shop\\s+false\\s+Succeeded"),
        wideApps.get(1));
    RuntimePool pool = new RuntimePool();
    pool.setMetadata(new ObjectMetaBuilder().withName("shared").withNamespace("default").build());
    client.resource(pool).create();
    String everything = run("get", "bcgitops");
    for (String kind : List.of("gitopssource.bcgitops.io/shop", "appdeployment.bcgitops.io/cart",
        "runtimepool.bcgitops.io/shared")) {
      assertTrue(everything.contains(kind), "the category lists every kind: " + everything);
    }
  }

  @Test
  void explainPrintsWhatAFieldMeansFromTheCrdSchema() throws Exception {
    // kubectl 1.32 asks for /openapi/v3 first and falls back to /openapi/v2, which local mode serves.
    String vmConfig = run("explain", "appdeployment.spec.vmConfig");
    assertTrue(vmConfig.contains("Settings of a vm app's JVM and pod"), vmConfig);
    assertTrue(vmConfig.lines().anyMatch(line -> line.trim().startsWith("memoryLimit")), vmConfig);
    String memory = String.join(" ", run("explain", "appdeployment.spec.vmConfig.memoryLimit").split("\\s+"));
    assertTrue(memory.contains("an integer is MiB (512), a string a Kubernetes quantity"), memory);
    String interval = String.join(" ", run("explain", "gs.spec.interval").split("\\s+"));
    assertTrue(interval.contains("Default 1m."), interval);
  }

  @Test
  void getWatchPrintsARowWhenAnObjectChanges() throws Exception {
    client.resource(LocalObjects.app("watched", "1.0.0")).create();
    Path output = dir.resolve("watch.txt");
    Process watch = start(output, "get", "appdeployments", "-w");
    try {
      await().atMost(WAIT).until(() -> Files.readString(output).contains("watched"));
      client.resources(AppDeployment.class).inNamespace("default").withName("watched").editStatus(app -> {
        app.setStatus(LocalObjects.runningStatus("1.0.0", 1));
        return app;
      });
      await().atMost(WAIT).until(() -> Files.readString(output).lines()
          .anyMatch(line -> line.matches("watched\\s+1\\.0\\.0\\s+vm\\s+Running\\s+True\\s+healthy\\s+\\d+s")));
      assertEquals(1, Files.readString(output).lines().filter(line -> line.startsWith("NAME")).count());
    } finally {
      watch.destroy();
    }
  }

  @Test
  void aQuietGetWatchStaysReadableAndFreesTheServerWhenStopped() throws Exception {
    Duration untilNoticed = WatchStream.QUIET.multipliedBy(3);
    // The watches of the tests before, whose kubectl is gone too.
    await().atMost(untilNoticed).until(() -> LocalApiServerTest.watchesBeingServed() == 0);
    Path output = dir.resolve("quiet-watch.txt");
    Process watch = start(output, "get", "gitopssources", "-l", "watch=quiet", "-w");
    try {
      await().atMost(WAIT).until(() -> LocalApiServerTest.watchesBeingServed() == 1);
      // Past two quiet spells, each of which writes an empty line to kubectl.
      Thread.sleep(WatchStream.QUIET.multipliedBy(2).plusSeconds(1).toMillis());
      GitOpsSource late = LocalObjects.source("late", "https://git.example.com/late.git");
      late.getMetadata().setLabels(Map.of("watch", "quiet"));
      client.resource(late).create();
      await().atMost(WAIT).until(() -> Files.readString(output).lines().anyMatch(line -> line.startsWith("late ")));
      assertTrue(watch.isAlive(), Files.readString(output));
    } finally {
      watch.destroy();
    }

    await().atMost(untilNoticed).until(() -> LocalApiServerTest.watchesBeingServed() == 0);
  }

  @Test
  void describeShowsTheObjectAndOnlyItsEvents() throws Exception {
    GitOpsSource source = client.resource(LocalObjects.source("described", "https://git.example.com/d.git")).create();
    client.v1().events().inNamespace("default").resource(new EventBuilder()
        .withNewMetadata().withName("described.1").withNamespace("default").endMetadata()
        .withNewInvolvedObject().withApiVersion("bcgitops.io/v1alpha1").withKind("GitOpsSource")
        .withName("described").withNamespace("default").withUid(source.getMetadata().getUid()).endInvolvedObject()
        .withType("Normal").withReason("Fetched").withMessage("fetched main@sha1:abc").withCount(1)
        .withFirstTimestamp(Instant.now().toString()).withLastTimestamp(Instant.now().toString()).build()).create();

    client.v1().events().inNamespace("default").resource(new EventBuilder()
        .withNewMetadata().withName("other.1").withNamespace("default").endMetadata()
        .withNewInvolvedObject().withApiVersion("bcgitops.io/v1alpha1").withKind("GitOpsSource")
        .withName("other").withNamespace("default").withUid("another-uid").endInvolvedObject()
        .withType("Warning").withReason("Unrelated").withMessage("not about the described source").withCount(1)
        .withFirstTimestamp(Instant.now().toString()).withLastTimestamp(Instant.now().toString()).build()).create();

    String described = run("describe", "gitopssource", "described");

    assertTrue(described.matches("(?s)Name:\\s+described\n.*URL:\\s+https://git.example.com/d.git\n.*"), described);
    assertTrue(described.matches("(?s).*Events:.*Normal\\s+Fetched\\s+\\d+s\\s+fetched main@sha1:abc.*"), described);
    assertFalse(described.contains("Unrelated"), described);
    List<String> events = lines(run("get", "events"));
    assertTrue(events.get(0).matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE"), events.get(0));
    assertTrue(events.stream().anyMatch(line -> line.matches(
        "\\d+s\\s+Normal\\s+Fetched\\s+gitopssource/described\\s+fetched main@sha1:abc")), events.toString());
  }

  @Test
  void applyCreatesThenUpdatesAndValidatesAgainstTheCrdSchema() throws Exception {
    Path file = dir.resolve("source.yaml");
    Files.writeString(file, source("applied", "interval: 5m"));
    assertEquals("gitopssource.bcgitops.io/applied created", run("apply", "-f", file.toString()).strip());

    Files.writeString(file, source("applied", "interval: 10m"));
    assertEquals("gitopssource.bcgitops.io/applied configured", run("apply", "-f", file.toString()).strip());
    GitOpsSource applied = client.resources(GitOpsSource.class).inNamespace("default").withName("applied").get();
    assertEquals("10m", applied.getSpec().getInterval());
    assertEquals(2L, applied.getMetadata().getGeneration());

    Files.writeString(file, source("invalid", "urll: https://git.example.com/typo.git"));
    Result refused = kubectl("apply", "-f", file.toString());
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("unknown field \"urll\""), refused.err());
    assertNull(client.resources(GitOpsSource.class).inNamespace("default").withName("invalid").get());
  }

  @Test
  void deleteRemovesTheObject() throws Exception {
    client.resource(LocalObjects.source("doomed", "https://git.example.com/doomed.git")).create();

    assertEquals("gitopssource.bcgitops.io \"doomed\" deleted", run("delete", "gs", "doomed").strip());

    assertNull(client.resources(GitOpsSource.class).inNamespace("default").withName("doomed").get());
    Result again = kubectl("delete", "gs", "doomed");
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("gitopssources.bcgitops.io \"doomed\" not found"), again.err());
  }

  @Test
  void aServerSideDryRunIsRefusedAndChangesNothing() throws Exception {
    client.resource(LocalObjects.source("kept", "https://git.example.com/kept.git")).create();

    Result dryRun = kubectl("delete", "gs", "kept", "--dry-run=server");

    assertEquals(1, dryRun.exit());
    assertTrue(dryRun.err().contains("does not do server-side dry runs"), dryRun.err());
    assertNotNull(client.resources(GitOpsSource.class).inNamespace("default").withName("kept").get());
  }

  @Test
  void waitReturnsOnceTheAppIsReady() throws Exception {
    client.resource(LocalObjects.app("awaited", "1.0.0")).create();
    Process wait = start(dir.resolve("wait.txt"), "wait", "--for=condition=Ready", "appdeployment/awaited",
        "--timeout=30s");
    try {
      assertFalse(wait.waitFor(1, TimeUnit.SECONDS), "kubectl waits while the app is not Ready");
      client.resources(AppDeployment.class).inNamespace("default").withName("awaited").editStatus(app -> {
        app.setStatus(LocalObjects.runningStatus("1.0.0", 1));
        return app;
      });
      assertTrue(wait.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "kubectl wait returns");
      assertEquals(0, wait.exitValue());
      assertEquals("appdeployment.bcgitops.io/awaited condition met",
          Files.readString(dir.resolve("wait.txt")).strip());
    } finally {
      wait.destroy();
    }
  }

  @Test
  void podsShowReadinessAndStatusAndTakeLabels() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("web-1").withNamespace("default").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("eclipse-temurin:17-jre").endContainer().endSpec()
        .build();
    client.resource(pod).create();
    client.pods().inNamespace("default").withName("web-1").editStatus(running -> new PodBuilder(running)
        .withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withReady(true)
        .withRestartCount(0).withNewState().withNewRunning().endRunning().endState().endContainerStatus()
        .endStatus().build());

    List<String> pods = lines(run("get", "pods"));

    assertTrue(pods.get(0).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE"), pods.get(0));
    assertTrue(pods.stream().anyMatch(line -> line.matches("web-1\\s+1/1\\s+Running\\s+0\\s+\\d+s")), pods.toString());
    assertEquals("pod/web-1 labeled", run("label", "pod", "web-1", "tier=front").strip());
    assertEquals("front", client.pods().inNamespace("default").withName("web-1").get().getMetadata().getLabels()
        .get("tier"));
    assertEquals("pod/web-1 patched", run("patch", "pod", "web-1", "--type=merge", "-p",
        "{\"metadata\":{\"annotations\":{\"note\":\"patched\"}}}").strip());
    assertEquals("patched", client.pods().inNamespace("default").withName("web-1").get().getMetadata()
        .getAnnotations().get("note"));
  }

  @Test
  void logsSaysWhereEachContainersLogIsAndShowsNothingElse() throws Exception {
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("db")
        .endMetadata().addToData("password", BASE64_SECRET).build()).create();
    runningPod("web-7c9d-k2x4p", Map.of(Api.APP_LABEL, "web"), "app");
    runningPod("bcgitops-runtime-default-local", Map.of(Api.RUNTIME_LABEL, "default"), "host", "loader");
    Path pods = state.node().resolve("pods").resolve("default");

    Result app = kubectl("logs", "web-7c9d-k2x4p");
    Result fetch = kubectl("logs", "web-7c9d-k2x4p", "-c", "fetch");
    Result pool = kubectl("logs", "-f", "bcgitops-runtime-default-local", "-c", "loader");

    assertEquals(1, app.exit());
    assertEquals("", app.out());
    assertTrue(app.err().contains("Error from server (NotFound): kubectl logs is not served in local mode: container"
        + " \"app\" of pod \"web-7c9d-k2x4p\" writes to " + pods.resolve("web-7c9d-k2x4p").resolve("app.log")),
        app.err());
    assertEquals(1, fetch.exit());
    assertTrue(fetch.err().contains("writes to " + pods.resolve("web-7c9d-k2x4p").resolve("fetch.log")),
        fetch.err());
    assertEquals(1, pool.exit());
    assertTrue(pool.err().contains("runs in the local process, whose log (with its apps' output) is "
        + state.log()), pool.err());
    for (Result result : List.of(app, fetch, pool)) {
      assertFalse((result.out() + result.err()).contains(BASE64_SECRET), result.err());
      assertFalse((result.out() + result.err()).contains("CustomResourceDefinition"), result.err());
    }
  }

  @Test
  void execAttachPortForwardAndDebugAreRefusedSayingSo() throws Exception {
    runningPod("shell-1", Map.of(Api.APP_LABEL, "shell"), "app");

    Result exec = kubectl("exec", "shell-1", "--", "cat", "/etc/passwd");
    Result attach = kubectl("attach", "shell-1");
    Result portForward = kubectl("port-forward", "pod/shell-1", "0:8080");
    Result debug = kubectl("debug", "shell-1", "--image=busybox", "--profile=general");

    assertEquals(1, exec.exit());
    assertTrue(exec.err().contains("kubectl exec is not served in local mode"), exec.err());
    assertEquals(1, attach.exit());
    assertTrue(attach.err().contains("kubectl attach is not served in local mode"), attach.err());
    assertEquals(1, portForward.exit());
    assertTrue(portForward.err().contains("kubectl port-forward is not served in local mode"), portForward.err());
    assertEquals(1, debug.exit(), debug.err());
    assertTrue(debug.err().contains("kubectl debug (ephemeral containers) is not served in local mode"), debug.err());
  }

  @Test
  void serverSideApplyIsRefusedSayingWhatToDoInstead() throws Exception {
    Path file = dir.resolve("server-side.yaml");
    Files.writeString(file, source("server-side", "interval: 5m"));

    Result applied = kubectl("apply", "--server-side", "-f", file.toString());

    assertEquals(1, applied.exit());
    assertTrue(applied.err().contains("server-side apply is not served in local mode: use kubectl apply without"
        + " --server-side"), applied.err());
    assertNull(client.resources(GitOpsSource.class).inNamespace("default").withName("server-side").get());
  }

  /** A pod on the local node, Running, with the fetch init container of a vm app's pod and these containers. */
  private static void runningPod(String name, Map<String, String> labels, String... containers) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withLabels(labels)
        .endMetadata().withNewSpec().withNodeName(LocalNode.NODE_NAME).addNewInitContainer().withName("fetch")
        .withImage("bc-gitops-operator:latest").endInitContainer().endSpec();
    for (String container : containers) {
      pod.editSpec().addNewContainer().withName(container).withImage("eclipse-temurin:17-jre").endContainer()
          .endSpec();
    }
    client.resource(pod.build()).create();
    client.pods().inNamespace("default").withName(name).editStatus(created -> new PodBuilder(created).withNewStatus()
        .withPhase("Running").endStatus().build());
  }

  private static String source(String name, String specLine) {
    return """
        apiVersion: bcgitops.io/v1alpha1
        kind: GitOpsSource
        metadata:
          name: %s
        spec:
          url: https://git.example.com/%s.git
          %s
        """.formatted(name, name, specLine);
  }

  record Result(int exit, String out, String err) {
  }

  /** Runs kubectl and returns its output, failing the test if it fails. */
  private static String run(String... args) throws Exception {
    Result result = kubectl(args);
    assertEquals(0, result.exit(), () -> "kubectl " + String.join(" ", args) + " failed: " + result.err());
    return result.out();
  }

  private static Result kubectl(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish: " + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Process start(Path output, String... args) throws IOException {
    return new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", dir.resolve("cache").toString()));
    command.addAll(Arrays.asList(args));
    return command;
  }

  private static List<String> lines(String output) {
    return output.lines().toList();
  }

  private static Optional<Path> onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(folder -> Path.of(folder, program)).filter(Files::isExecutable).findFirst();
  }
}
