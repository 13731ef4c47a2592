package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.controller.TestApps;
import io.bcgitops.embedded.RuntimeApiException;
import io.bcgitops.embedded.RuntimeClient;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.Ports;
import io.bcgitops.vm.VmDeployments;
import io.bcgitops.vm.VmObservation;
import io.bcgitops.vm.VmObserver;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local node against local mode's API, with no operator: the Deployments the operator would
 * write become child JVMs and in-process runtime pools, and what the node reports is what the
 * operator's observer reads (VmObserver), as it would from a cluster.
 */
class LocalNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final Path EXAMPLES = Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"));
  @TempDir
  static Path stateDir;
  private static StateFolder state;
  private static LocalApiServer api;
  private static KubernetesClient client;
  private static FolderServer jars;

  @TempDir
  Path tmp;
  private final String ns = "node-" + NAMESPACES.incrementAndGet();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalNode node;

  @BeforeAll
  static void startApi() throws IOException {
    state = StateFolder.open(stateDir);
    api = LocalApiServer.start(0, state);
    client = api.client();
    jars = FolderServer.start(EXAMPLES);
  }

  @AfterAll
  static void stopApi() throws IOException {
    jars.close();
    api.close();
    state.close();
  }

  @BeforeEach
  void startNode() throws IOException {
    node = new LocalNode(client, tmp.resolve("node"), Map.of("PATH", System.getenv("PATH"),
        "BCGITOPS_TEST_SECRET", "must-not-reach-apps"));
    node.start();
  }

  @AfterEach
  void stopNode() {
    node.close();
    // The API outlives the test: the next test's node must not run this one's Deployments.
    client.apps().deployments().inNamespace(ns).delete();
    client.pods().inNamespace(ns).delete();
  }

  @Test
  void aVmAppRunsAsAChildJvmWithItsVmSettingsAndAnswers() throws Exception {
    int port = Ports.free();
    AppDeployment app = vmApp("web", "1.0.0", "hello", port, spec -> spec.getVmConfig().setExtraArgs(
        List.of("-Dbcgitops.test=yes")));
    client.resource(VmDeployments.desired(app, images())).create();

    await().atMost(WAIT).until(() -> observe(app).rolledOut());
    assertTrue(get(port, "/").startsWith("Hello from web"), get(port, "/"));
    ProcessHandle jvm = appProcess("web");
    List<String> args = List.of(jvm.info().arguments().orElseThrow());
    assertTrue(args.contains("-XX:MaxRAM=268435456"), "memoryLimit 256Mi as the JVM's RAM: " + args);
    assertTrue(args.contains("-XX:MaxRAMPercentage=75.0"), args.toString());
    assertTrue(args.contains("-XX:ActiveProcessorCount=1"), args.toString());
    assertTrue(args.contains("-Dbcgitops.test=yes"), args.toString());
    assumeTrue(Files.isReadable(Path.of("/proc/self/environ")), "reads a process's environment from /proc (Linux)");
    String environment = Files.readString(Path.of("/proc/" + jvm.pid() + "/environ"));
    assertTrue(environment.contains("PORT=" + port), "the container's env");
    assertFalse(environment.contains("must-not-reach-apps"), "the local command's own env stays out");
    Pod pod = pods(app).get(0);
    assertEquals(LocalNode.NODE_NAME, pod.getSpec().getNodeName());
    assertEquals("1.0.0", pod.getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION));
  }

  @Test
  void anAppThatKeepsExitingIsRestartedWithBackOffAndReportedAsACrashLoop() throws Exception {
    AppDeployment app = vmApp("broken", "1.0.0", "broken-start", Ports.free(), spec -> { });
    client.resource(VmDeployments.desired(app, images())).create();

    AtomicReference<VmObservation> crashLoop = new AtomicReference<>();
    await().atMost(WAIT).until(() -> {
      crashLoop.set(observe(app));
      return crashLoop.get().failure() != null && crashLoop.get().restarts() >= 1;
    });
    VmObservation observed = crashLoop.get();
    assertEquals("CrashLoopBackOff", observed.failure().reason());
    assertTrue(observed.failure().message().contains("exit code 1"), observed.failure().message());
    assertTrue(observed.failure().message().contains("database not reachable"), "the log's end says why: "
        + observed.failure().message());
  }

  @Test
  void aJarThatFailsItsChecksumIsReportedAsTheFetchCommandSaysIt() throws Exception {
    AppDeployment app = vmApp("tampered", "1.0.0", "hello", Ports.free(),
        spec -> spec.getSource().setSha256("0".repeat(64)));
    client.resource(VmDeployments.desired(app, images())).create();

    await().atMost(WAIT).until(() -> observe(app).failure() != null);
    assertEquals(Reasons.CHECKSUM_MISMATCH, observe(app).failure().reason());
    assertTrue(appProcesses().isEmpty(), "the app never started");
  }

  @Test
  void aNewVersionStopsTheOldPodBeforeTheNewOneStartsOnTheSamePort() throws Exception {
    int port = Ports.free();
    AppDeployment v1 = vmApp("web", "1.0.0", "hello", port, spec -> { });
    client.resource(VmDeployments.desired(v1, images())).create();
    await().atMost(WAIT).until(() -> observe(v1).rolledOut());
    ProcessHandle first = appProcess("web");

    AppDeployment v2 = vmApp("web", "2.0.0", "hello", port, spec -> spec.getEnv().put("GREETING", "Howdy"));
    setSpec(VmDeployments.desired(v2, images()));

    await().atMost(WAIT).until(() -> observe(v2).rolledOut());
    assertFalse(first.isAlive(), "the old version's JVM is stopped");
    assertTrue(get(port, "/").startsWith("Howdy from web"), get(port, "/"));
    await().atMost(WAIT).until(() -> pods(v2).size() == 1);
    assertEquals("2.0.0", pods(v2).get(0).getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION));
  }

  @Test
  void twoQuickChangesRunOnlyTheLastVersionAndNeverTwoJvmsOnOnePort() throws Exception {
    int port = Ports.free();
    AppDeployment v1 = vmApp("web", "1.0.0", "hello", port, spec -> { });
    client.resource(VmDeployments.desired(v1, images())).create();
    await().atMost(WAIT).until(() -> observe(v1).rolledOut());

    AppDeployment v3 = vmApp("web", "3.0.0", "hello", port, spec -> spec.getEnv().put("GREETING", "Third"));
    setSpec(VmDeployments.desired(vmApp("web", "2.0.0", "hello", port, spec -> { }), images()));
    setSpec(VmDeployments.desired(v3, images()));

    await().atMost(WAIT).until(() -> observe(v3).rolledOut());
    assertTrue(get(port, "/").startsWith("Third from web"), get(port, "/"));
    assertEquals(1, appProcesses().size());
    assertEquals(0, observe(v3).restarts(), "the new JVM never found its port taken");
  }

  @Test
  void aDeletedDeploymentAndClosingTheNodeLeaveNoProcess() throws Exception {
    int port = Ports.free();
    AppDeployment kept = vmApp("kept", "1.0.0", "hello", port, spec -> { });
    AppDeployment deleted = vmApp("deleted", "1.0.0", "hello", Ports.free(), spec -> { });
    client.resource(VmDeployments.desired(kept, images())).create();
    client.resource(VmDeployments.desired(deleted, images())).create();
    await().atMost(WAIT).until(() -> observe(kept).rolledOut() && observe(deleted).rolledOut());
    assertEquals(2, appProcesses().size());

    client.apps().deployments().inNamespace(ns).withName("deleted").delete();
    await().atMost(WAIT).until(() -> appProcesses().size() == 1 && pods(deleted).isEmpty());

    node.close();
    assertTrue(appProcesses().isEmpty(), "closing the node stops every app");
    assertThrows(IOException.class, () -> get(port, "/"));
  }

  @Test
  void aRuntimePoolRunsItsHostAndLoaderInThisJvmWithItsSecretsToken() throws Exception {
    Secret token = RuntimePools.tokenSecret(RuntimePools.withDefaults(ns, "default"));
    client.resource(token).create();
    client.resource(RuntimePools.deployment(RuntimePools.withDefaults(ns, "default"), images())).create();

    await().atMost(WAIT).until(() -> {
      Deployment pool = client.apps().deployments().inNamespace(ns).withName(RuntimePools.name("default")).get();
      return pool.getStatus() != null && Integer.valueOf(1).equals(pool.getStatus().getAvailableReplicas());
    });
    String secret = new String(Base64.getDecoder().decode(token.getData().get(RuntimePools.TOKEN_KEY)),
        StandardCharsets.UTF_8);
    assertEquals(List.of(), new RuntimeClient(http, node.host(ns, "default"), node.loader(ns, "default"), secret).apps());
    RuntimeApiException refused = assertThrows(RuntimeApiException.class,
        () -> new RuntimeClient(http, node.host(ns, "default"), node.loader(ns, "default"), "wrong").apps());
    assertEquals(RuntimeClient.UNAUTHORIZED, refused.reason());
    assertEquals(1, client.pods().inNamespace(ns).withLabel(Api.RUNTIME_LABEL, "default").list().getItems().size());

    client.apps().deployments().inNamespace(ns).withName(RuntimePools.name("default")).delete();
    await().atMost(WAIT).untilAsserted(() -> assertThrows(RuntimeApiException.class,
        () -> new RuntimeClient(http, node.host(ns, "default"), node.loader(ns, "default"), secret).apps()));
  }

  @Test
  void theAppsOfADeletedSourceGoWithItAsTheGarbageCollectorWouldDo() throws Exception {
    GitOpsSource source = new GitOpsSource();
    source.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace(ns).build());
    GitOpsSourceSpec spec = new GitOpsSourceSpec();
    spec.setUrl("https://git.example.com/shop.git");
    source.setSpec(spec);
    GitOpsSource created = client.resource(source).create();
    AppDeployment owned = vmApp("owned", "1.0.0", "hello", 1, s -> { });
    owned.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(created.getApiVersion())
        .withKind(created.getKind()).withName("shop").withUid(created.getMetadata().getUid()).withController(true)
        .build()));
    AppDeployment other = vmApp("other", "1.0.0", "hello", 1, s -> { });
    client.resource(owned).create();
    client.resource(other).create();

    client.resource(created).delete();

    await().atMost(WAIT).until(() -> client.resources(AppDeployment.class).inNamespace(ns).withName("owned").get() == null);
    assertNotNull(client.resources(AppDeployment.class).inNamespace(ns).withName("other").get());
  }

  private AppDeployment vmApp(String name, String version, String jar, int port, Consumer<AppDeploymentSpec> customize)
      throws Exception {
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(EXAMPLES.resolve(jar + "-1.0.0.jar"))));
    AppDeployment app = TestApps.vm(ns, name, version, spec -> {
      spec.getSource().setUrl(jars.url() + jar + "-1.0.0.jar");
      spec.getSource().setSha256(sha256);
      spec.setEnv(new HashMap<>(Map.of("PORT", String.valueOf(port), "APP_NAME", name)));
      spec.getHealth().setPort(port);
      spec.getHealth().setInterval("1s");
      spec.getHealth().setTimeout("1s");
      customize.accept(spec);
    });
    app.getMetadata().setUid(UUID.randomUUID().toString());
    return app;
  }

  /** As the operator updates a Deployment: again on a conflict with the node's status writes. */
  private void setSpec(Deployment desired) {
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      client.apps().deployments().inNamespace(ns).withName(desired.getMetadata().getName()).edit(d -> {
        d.setSpec(desired.getSpec());
        return d;
      });
      return true;
    });
  }

  private VmObservation observe(AppDeployment app) {
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName(VmDeployments.name(app)).get();
    return VmObserver.observe(app, deployment, client.apps().replicaSets().inNamespace(ns)
        .withLabel(Api.APP_LABEL, app.getMetadata().getName()).list().getItems(), pods(app));
  }

  private List<Pod> pods(AppDeployment app) {
    return client.pods().inNamespace(ns).withLabel(Api.APP_LABEL, app.getMetadata().getName()).list().getItems();
  }

  /** The app JVMs this test's node started: children of this JVM that carry the parent-watch agent. */
  private static List<ProcessHandle> appProcesses() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("parent-watch-agent.jar"))
            .orElse(false))
        .toList();
  }

  /** The JVM of the app's pod: its jar is in the pod's folder, named after the app. */
  private ProcessHandle appProcess(String app) {
    String podFolder = "/" + ns + "/" + app + "-";
    return appProcesses().stream().filter(p -> p.info().arguments()
        .map(args -> String.join(" ", args).contains(podFolder)).orElse(false)).findFirst().orElseThrow();
  }

  private static PodImages images() {
    return PodImages.DEFAULTS;
  }

  private String get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

}
