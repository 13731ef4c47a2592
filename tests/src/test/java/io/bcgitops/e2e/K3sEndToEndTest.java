package io.bcgitops.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.dockerjava.api.DockerClient;
import com.sun.net.httpserver.HttpServer;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.RemoteDockerImage;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The whole product on a real Kubernetes (k3s in Docker, through Testcontainers): the image built
 * from the repository's Dockerfile, the CRDs from {@code crds/}, the operator installed from
 * {@code deploy/}, and a git repository this test serves. A commit becomes running apps of both
 * isolation modes, then an upgrade rolls out, then a prune removes apps.
 *
 * <p>Needs a Docker engine, and network access for Docker and k3s (Maven Central for the image
 * build; Docker Hub for the base images, {@code eclipse-temurin:17-jre} and k3s's own system
 * images). It runs only when asked for, with {@code mvn -B -Pk3s verify} (the profile sets
 * {@value #RUN_PROPERTY}): a Docker engine alone is no sign that it can pull images or reach Maven
 * Central, so a plain {@code mvn verify} skips it, with the reason, wherever it runs. Asked for but
 * without a Docker engine, it is skipped too, with that reason; the rest of the suite never needs
 * Docker.
 *
 * <p>How the pieces meet:
 * <ul>
 *   <li>The operator runs in the cluster, as {@code deploy/} installs it, with the image built here
 *   ({@code imagePullPolicy: Never}). It must: it reaches runtime pools by their cluster DNS names
 *   ({@code bcgitops-runtime-<runtime>.<ns>.svc}), which only resolve inside the cluster, and the
 *   pods it creates (a vm app's init container, the runtime pool's two containers) run the same
 *   image anyway. This also checks the Dockerfile, the manifests and their RBAC.</li>
 *   <li>Images reach k3s without a registry: saved from the Docker engine and imported into k3s's
 *   containerd ({@code ctr -n k8s.io images import}). The JRE image vm apps run on is imported the
 *   same way (the Docker engine pulls it once and keeps it); only if that import fails is k3s left to
 *   pull it itself.</li>
 *   <li>The git repository ({@link GitHttpServer}) and the example app's jar are served over HTTP by
 *   this JVM on loopback, and exposed to containers by Testcontainers' host port forwarding. Pods do
 *   not see the k3s container's {@code /etc/hosts}, so the URLs carry the IP address that
 *   {@code host.testcontainers.internal} stands for there.</li>
 * </ul>
 *
 * <p>The tests are steps of one scenario on one cluster, run in order; a step is skipped once an
 * earlier one failed. A failure prints the sources' and apps' statuses, the pods with their logs and
 * the namespace's events.
 */
@Tag("k3s")
@ExtendWith(K3sEndToEndTest.RequiresDockerEngine.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(K3sEndToEndTest.class);
  /** The system property the k3s profile sets (pom.xml): only then does this test run. */
  static final String RUN_PROPERTY = "bcgitops.k3s";

  /** The last Kubernetes 1.32 release of k3s (March 2026). */
  static final DockerImageName K3S_IMAGE = DockerImageName.parse("rancher/k3s:v1.32.13-k3s1");
  /**
   * The operator's image as built here. Not {@code :latest}: the pods the operator creates name it
   * without an imagePullPolicy, and the kubelet would try to pull a {@code :latest} image.
   */
  static final String OPERATOR_IMAGE = "bc-gitops-operator:e2e";
  /** The JRE vm apps run on: the operator's default (BCGITOPS_JRE_IMAGE). */
  static final String JRE_IMAGE = "eclipse-temurin:17-jre";
  static final String SOURCE = "shop";
  static final String RUNTIME = "default";
  static final int VM_PORT = 8080;
  static final int GREETER_PORT = 8081;
  static final int WELCOME_PORT = 8082;

  static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  static final Duration IMAGE_BUILD_TIMEOUT = Duration.ofMinutes(20);
  static final Duration APPS_TIMEOUT = Duration.ofMinutes(6);
  static final Duration POLL = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir
  static Path tmp;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Per app, each (phase, deployedVersion) its status went through, as the watch saw it. */
  private final Map<String, List<String>> history = new ConcurrentHashMap<>();
  private K3sContainer k3s;
  private KubernetesClient client;
  private TestRepo repo;
  private GitHttpServer git;
  private HttpServer artifacts;
  private String jarUrl;
  private String jarSha256;
  /** Where pods reach this JVM's forwarded ports: the address host.testcontainers.internal stands for. */
  private String hostAddress;
  private Deployment operatorDeployment;
  /** Where the apps go: a namespace the operator watches. */
  private String namespace = "shop";
  private SharedIndexInformer<AppDeployment> appWatch;
  private volatile boolean earlierStepFailed;

  @RegisterExtension
  final TestWatcher dumpOnFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      earlierStepFailed = true;
      dumpClusterState(context.getDisplayName() + " failed: " + cause);
    }
  };

  // ---- the cluster ----------------------------------------------------------------------------

  @BeforeAll
  void startClusterAndOperator() throws Exception {
    Path root = repoRoot();
    ExecutorService background = Executors.newFixedThreadPool(2);
    try {
      // The slow, independent parts first: the image build and the JRE pull run while k3s starts.
      Future<String> operatorImage = background.submit(() -> buildOperatorImage(root));
      Future<String> jreImage = background.submit(K3sEndToEndTest::pullJreImage);

      byte[] jar = Files.readAllBytes(exampleJar());
      jarSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
      artifacts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      artifacts.createContext("/hello-1.0.0.jar", exchange -> {
        try (exchange) {
          exchange.getResponseHeaders().set("Content-Type", "application/java-archive");
          exchange.sendResponseHeaders(200, jar.length);
          exchange.getResponseBody().write(jar);
        }
      });
      artifacts.start();
      repo = TestRepo.create(tmp.resolve("gitops"));
      git = GitHttpServer.anonymous(repo);
      // Before k3s starts: containers started afterwards get host.testcontainers.internal in /etc/hosts.
      Testcontainers.exposeHostPorts(git.port(), artifacts.getAddress().getPort());

      k3s = new K3sContainer(K3S_IMAGE).withStartupTimeout(SETUP_TIMEOUT);
      k3s.start();
      hostAddress = hostAddressSeenFromK3s();
      jarUrl = "http://" + hostAddress + ":" + artifacts.getAddress().getPort() + "/hello-1.0.0.jar";
      LOG.info("k3s {} started; pods reach this JVM at {}", K3S_IMAGE, hostAddress);

      importImage(result(operatorImage, IMAGE_BUILD_TIMEOUT, "building " + OPERATOR_IMAGE + " from the Dockerfile"));
      try {
        importImage(result(jreImage, SETUP_TIMEOUT, "pulling " + JRE_IMAGE));
      } catch (Exception e) {
        LOG.warn("could not import {} into k3s ({}); k3s will pull it itself", JRE_IMAGE, e.toString());
      }

      client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
      installCrds(root.resolve("crds"));
      deployOperator(root.resolve("deploy"));
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      appWatch = client.resources(AppDeployment.class).inNamespace(namespace).inform(new PhaseRecorder());
    } catch (Throwable e) {
      dumpClusterState("setting up the cluster failed: " + e);
      throw e;
    } finally {
      background.shutdownNow();
    }
  }

  @AfterAll
  void stopEverything() {
    if (appWatch != null) {
      appWatch.close();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
    if (git != null) {
      git.close();
    }
    if (artifacts != null) {
      artifacts.stop(0);
    }
    if (repo != null) {
      repo.close();
    }
  }

  @BeforeEach
  void stopAfterAFailedStep() {
    assumeFalse(earlierStepFailed, "an earlier step of this scenario failed");
  }

  // ---- the scenario ---------------------------------------------------------------------------

  @Test
  @Order(1)
  void appsOfBothIsolationModesGoFromGitToReadyPods() throws Exception {
    repo.write("apps/web/app.yaml", vmApp("web", "1.0.0", "Hello"));
    repo.write("apps/greeter/app.yaml", embeddedApp("greeter", "1.0.0", GREETER_PORT, "Hi"));
    repo.write("apps/welcome/app.yaml", embeddedApp("welcome", "1.0.0", WELCOME_PORT, "Welcome"));
    repo.commit("web (vm), greeter and welcome (embedded)");

    GitOpsSource source = new GitOpsSource();
    source.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(SOURCE).build());
    GitOpsSourceSpec spec = new GitOpsSourceSpec();
    spec.setUrl(gitUrl());
    spec.setInterval("30s");
    source.setSpec(spec);
    client.resource(source).create();

    awaitRunning(Map.of("web", "1.0.0", "greeter", "1.0.0", "welcome", "1.0.0"));
    awaitSourceReady(3);

    // vm: a Deployment of its own; the jar fetched by the operator image, run on the JRE image.
    Pod web = awaitReadyPod(Api.APP_LABEL, "web");
    assertEquals(web.getMetadata().getName(), app("web").getStatus().getNode());
    assertTrue(web.getSpec().getInitContainers().stream().anyMatch(c -> OPERATOR_IMAGE.equals(c.getImage())),
        "the init container runs " + OPERATOR_IMAGE + ": " + web.getSpec().getInitContainers());
    assertTrue(web.getSpec().getContainers().stream().anyMatch(c -> JRE_IMAGE.equals(c.getImage())),
        "the app runs on " + JRE_IMAGE + ": " + web.getSpec().getContainers());
    assertAnswers(web, VM_PORT, "Hello from web");

    // embedded: both apps in the one runtime pool pod, each on its own port.
    Pod pool = awaitReadyPod(Api.RUNTIME_LABEL, RUNTIME);
    assertEquals(pool.getMetadata().getName(), app("greeter").getStatus().getNode());
    assertEquals(pool.getMetadata().getName(), app("welcome").getStatus().getNode());
    assertAnswers(pool, GREETER_PORT, "Hi from greeter");
    assertAnswers(pool, WELCOME_PORT, "Welcome from welcome");
    assertHostHolds(pool, Map.of("greeter", "1.0.0", "welcome", "1.0.0"));
  }

  @Test
  @Order(2)
  void aVersionBumpInGitUpgradesBothModes() throws Exception {
    Pod poolBefore = awaitReadyPod(Api.RUNTIME_LABEL, RUNTIME);
    history.clear();
    repo.write("apps/web/app.yaml", vmApp("web", "1.1.0", "Hello again"));
    repo.write("apps/greeter/app.yaml", embeddedApp("greeter", "1.1.0", GREETER_PORT, "Hi again"));
    repo.commit("web and greeter 1.1.0");
    requestReconcile();

    awaitRunning(Map.of("web", "1.1.0", "greeter", "1.1.0", "welcome", "1.0.0"));
    awaitSourceReady(3);
    for (String name : List.of("web", "greeter")) {
      assertEquals("1.0.0", app(name).getStatus().getPreviousVersion(), name + " previousVersion");
      List<String> seen = List.copyOf(history.getOrDefault(name, List.of()));
      int upgrading = seen.indexOf(Phase.Upgrading + " 1.0.0");
      int running = seen.lastIndexOf(Phase.Running + " 1.1.0");
      assertTrue(upgrading >= 0 && running > upgrading,
          name + " went from Upgrading (1.0.0 still deployed) to Running 1.1.0; its statuses were " + seen);
    }

    // vm: a rolling update; once done, every pod of the app runs 1.1.0.
    await("every pod of web runs 1.1.0").atMost(APPS_TIMEOUT).pollInterval(POLL).ignoreExceptions().until(() -> {
      List<Pod> pods = pods(Api.APP_LABEL, "web");
      return !pods.isEmpty() && pods.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null
          && "1.1.0".equals(p.getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION)) && isReady(p));
    });
    assertAnswers(awaitReadyPod(Api.APP_LABEL, "web"), VM_PORT, "Hello again from web");

    // embedded: the same pool pod, now running the new version of greeter.
    Pod pool = awaitReadyPod(Api.RUNTIME_LABEL, RUNTIME);
    assertEquals(poolBefore.getMetadata().getName(), pool.getMetadata().getName(), "the runtime pool pod was kept");
    assertAnswers(pool, GREETER_PORT, "Hi again from greeter");
    assertHostHolds(pool, Map.of("greeter", "1.1.0", "welcome", "1.0.0"));
  }

  @Test
  @Order(3)
  void removingAppFoldersPrunesTheirAppDeploymentsAndWhatRunsThem() throws Exception {
    Pod pool = awaitReadyPod(Api.RUNTIME_LABEL, RUNTIME);
    repo.delete("apps/web");
    repo.delete("apps/welcome");
    repo.commit("remove web and welcome");
    requestReconcile();

    await("AppDeployments web and welcome deleted").atMost(APPS_TIMEOUT).pollInterval(POLL).ignoreExceptions()
        .until(() -> app("web") == null && app("welcome") == null);
    await("Deployment web and its pods deleted").atMost(APPS_TIMEOUT).pollInterval(POLL).ignoreExceptions()
        .until(() -> client.apps().deployments().inNamespace(namespace).withName("web").get() == null
            && pods(Api.APP_LABEL, "web").isEmpty());
    assertHostHolds(pool, Map.of("greeter", "1.1.0"));
    await("nothing answers on welcome's port").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .untilAsserted(() -> assertThrows(IOException.class, () -> get(pool, WELCOME_PORT, "/")));

    awaitRunning(Map.of("greeter", "1.1.0"));
    awaitSourceReady(1);
    assertEquals(List.of("greeter"), client.resources(AppDeployment.class).inNamespace(namespace).list().getItems()
        .stream().map(a -> a.getMetadata().getName()).toList());
    assertAnswers(pool, GREETER_PORT, "Hi again from greeter");
  }

  // ---- the GitOps repository ------------------------------------------------------------------

  private String vmApp(String name, String version, String greeting) {
    return "name: " + name + "\n"
        + "version: \"" + version + "\"\n"
        + "isolation: vm\n"
        + source()
        + env(VM_PORT, greeting, name)
        + health(VM_PORT)
        + "vm_config:\n"
        + "  memory_limit: 256\n";
  }

  private String embeddedApp(String name, String version, int port, String greeting) {
    return "name: " + name + "\n"
        + "version: \"" + version + "\"\n"
        + "isolation: embedded\n"
        + source()
        + env(port, greeting, name)
        + health(port);
  }

  private String source() {
    return "source:\n"
        + "  type: release\n"
        + "  url: " + jarUrl + "\n"
        + "  sha256: " + jarSha256 + "\n";
  }

  private static String env(int port, String greeting, String name) {
    return "env:\n"
        + "  PORT: \"" + port + "\"\n"
        + "  GREETING: \"" + greeting + "\"\n"
        + "  APP_NAME: \"" + name + "\"\n";
  }

  private static String health(int port) {
    return "health:\n"
        + "  type: http\n"
        + "  port: " + port + "\n"
        + "  path: /health\n"
        + "  interval: 3s\n"
        + "  timeout: 2s\n";
  }

  private String gitUrl() {
    return "http://" + hostAddress + ":" + git.port() + URI.create(git.url()).getPath();
  }

  /** Asks for a reconcile now, as {@code kubectl annotate gs/shop bcgitops.io/reconcile-requested-at=...} does. */
  private void requestReconcile() {
    String value = String.valueOf(System.currentTimeMillis());
    client.resources(GitOpsSource.class).inNamespace(namespace).withName(SOURCE).edit(source -> {
      Map<String, String> annotations = new LinkedHashMap<>(
          Objects.requireNonNullElse(source.getMetadata().getAnnotations(), Map.of()));
      annotations.put(Api.RECONCILE_REQUESTED_AT, value);
      source.getMetadata().setAnnotations(annotations);
      return source;
    });
  }

  // ---- waiting and looking --------------------------------------------------------------------

  /** Waits until exactly these apps exist, each Ready and Running with the given version deployed. */
  private void awaitRunning(Map<String, String> versions) {
    await("apps running " + versions).atMost(APPS_TIMEOUT).pollInterval(POLL).ignoreExceptions().until(() -> {
      List<AppDeployment> apps = client.resources(AppDeployment.class).inNamespace(namespace).list().getItems();
      return apps.size() == versions.size() && apps.stream().allMatch(a -> {
        AppDeploymentStatus status = a.getStatus();
        return status != null && status.getPhase() == Phase.Running
            && Objects.equals(versions.get(a.getMetadata().getName()), status.getDeployedVersion())
            && conditionIsTrue(status.getConditions(), a.getMetadata().getGeneration());
      });
    });
  }

  /** Waits until the source applied git's head and reports every app Ready. */
  private void awaitSourceReady(int apps) {
    String revision = "main@sha1:" + repo.head();
    await("GitOpsSource " + SOURCE + " Ready at " + revision).atMost(APPS_TIMEOUT).pollInterval(POLL)
        .ignoreExceptions().until(() -> {
          GitOpsSource source = client.resources(GitOpsSource.class).inNamespace(namespace).withName(SOURCE).get();
          return source.getStatus() != null && revision.equals(source.getStatus().getLastAppliedRevision())
              && source.getStatus().getAppCount() == apps && source.getStatus().getReadyCount() == apps
              && source.getStatus().getConditions().stream().anyMatch(c -> Conditions.READY.equals(c.getType())
                  && "True".equals(c.getStatus()) && Conditions.Reasons.SUCCEEDED.equals(c.getReason())
                  && Objects.equals(c.getObservedGeneration(), source.getMetadata().getGeneration()));
        });
  }

  private static boolean conditionIsTrue(List<Condition> conditions, Long generation) {
    return conditions != null && conditions.stream().anyMatch(c -> Conditions.READY.equals(c.getType())
        && "True".equals(c.getStatus()) && Objects.equals(c.getObservedGeneration(), generation));
  }

  private AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(namespace).withName(name).get();
  }

  private List<Pod> pods(String label, String value) {
    return client.pods().inNamespace(namespace).withLabel(label, value).list().getItems();
  }

  private Pod awaitReadyPod(String label, String value) {
    return await("a ready pod with " + label + "=" + value).atMost(APPS_TIMEOUT).pollInterval(POLL)
        .ignoreExceptions().until(() -> pods(label, value).stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null && isReady(p)).findFirst().orElse(null),
            Objects::nonNull);
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Waits (a port-forward can fail now and then) until GET / on the pod's port answers text starting with {@code prefix}. */
  private void assertAnswers(Pod pod, int port, String prefix) {
    await(pod.getMetadata().getName() + ":" + port + " answers \"" + prefix + "...\"").atMost(Duration.ofMinutes(1))
        .pollInterval(POLL).ignoreExceptions().until(() -> get(pod, port, "/"), body -> body.startsWith(prefix));
  }

  /** Waits until the pool's runtime host holds exactly these apps (name to version). */
  private void assertHostHolds(Pod pool, Map<String, String> apps) {
    await("the runtime host holds " + apps).atMost(APPS_TIMEOUT).pollInterval(POLL).ignoreExceptions()
        .until(() -> hostApps(pool), apps::equals);
  }

  /** GET on a pod's port, through a port-forward of the API server; the body, which must come with 200. */
  private String get(Pod pod, int port, String path) throws IOException, InterruptedException {
    return get(pod, port, path, null);
  }

  private String get(Pod pod, int port, String path, String bearerToken) throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (LocalPortForward forward = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
        .portForward(port, loopback, 0)) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://"
          + loopback.getHostAddress() + ":" + forward.getLocalPort() + path))
          .timeout(Duration.ofSeconds(10));
      if (bearerToken != null) {
        request.header("Authorization", "Bearer " + bearerToken);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET " + path + " on " + pod.getMetadata().getName() + ":" + port + " answered "
            + response.statusCode() + ": " + response.body());
      }
      return response.body();
    }
  }

  /** What the runtime host of the pool holds: app name to version, from its API (GET /v1/apps, with the pool's token). */
  private Map<String, String> hostApps(Pod pool) throws IOException, InterruptedException {
    Secret secret = client.secrets().inNamespace(namespace).withName(RuntimePools.tokenSecretName(RUNTIME)).get();
    assertNotNull(secret, "the runtime pool's token Secret");
    String token = new String(Base64.getDecoder().decode(secret.getData().get(RuntimePools.TOKEN_KEY)),
        StandardCharsets.UTF_8);
    JsonNode list = JSON.readTree(get(pool, RuntimeApi.HOST_PORT, "/v1/apps", token));
    Map<String, String> apps = new TreeMap<>();
    list.path("apps").forEach(app -> apps.put(app.path("name").asText(), app.path("version").asText()));
    return apps;
  }

  /** Records every (phase, deployedVersion) an AppDeployment's status goes through. */
  private final class PhaseRecorder implements ResourceEventHandler<AppDeployment> {
    @Override
    public void onAdd(AppDeployment app) {
      record(app);
    }

    @Override
    public void onUpdate(AppDeployment before, AppDeployment after) {
      record(after);
    }

    @Override
    public void onDelete(AppDeployment app, boolean deletedFinalStateUnknown) {
      history.computeIfAbsent(app.getMetadata().getName(), n -> new CopyOnWriteArrayList<>()).add("deleted");
    }

    private void record(AppDeployment app) {
      if (app.getStatus() == null || app.getStatus().getPhase() == null) {
        return;
      }
      String entry = app.getStatus().getPhase() + " " + app.getStatus().getDeployedVersion();
      List<String> seen = history.computeIfAbsent(app.getMetadata().getName(), n -> new CopyOnWriteArrayList<>());
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(entry)) {
        seen.add(entry);
      }
    }
  }

  // ---- installing: images, CRDs, the operator -------------------------------------------------

  static Path repoRoot() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
  }

  static Path exampleJar() {
    return Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"), "hello-1.0.0.jar");
  }

  /**
   * Builds the image from the repository's Dockerfile, with the build context Docker would send:
   * the repository root filtered by {@code .dockerignore}. (Testcontainers' {@code withDockerfile}
   * hands the context to docker-java, which refuses a {@code .dockerignore} whose patterns exclude
   * the Dockerfile itself, as {@code *} does; the Docker CLI always sends the Dockerfile.)
   */
  static String buildOperatorImage(Path root) throws IOException {
    // Not deleted on exit: the tag is replaced on each run, and its layers are the next build's cache.
    ImageFromDockerfile image = new ImageFromDockerfile(OPERATOR_IMAGE, false);
    List<Path> context = dockerBuildContext(root);
    for (Path file : context) {
      image.withFileFromPath(root.relativize(file).toString().replace('\\', '/'), file);
    }
    LOG.info("building {} from {} files of {}", OPERATOR_IMAGE, context.size(), root);
    return image.get();
  }

  /** Pulls the JRE image into the Docker engine if it is not there yet; its name there. */
  static String pullJreImage() {
    String pulled = new RemoteDockerImage(DockerImageName.parse(JRE_IMAGE)).get();
    if (!pulled.equals(JRE_IMAGE)) {
      // An image name substitutor (a registry mirror) pulled it under another name: pods name JRE_IMAGE.
      DockerImageName name = DockerImageName.parse(JRE_IMAGE);
      DockerClientFactory.instance().client().tagImageCmd(pulled, name.getUnversionedPart(), name.getVersionPart())
          .exec();
    }
    return JRE_IMAGE;
  }

  /** Copies an image from the Docker engine into k3s's containerd, where the kubelet finds it. */
  private void importImage(String image) throws IOException, InterruptedException {
    DockerClient docker = DockerClientFactory.instance().client();
    Path tar = Files.createTempFile(tmp, "image-", ".tar");
    try (InputStream in = docker.saveImageCmd(image).exec()) {
      Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
    }
    String inK3s = "/tmp/" + tar.getFileName();
    try {
      k3s.copyFileToContainer(MountableFile.forHostPath(tar), inK3s);
      ExecResult imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inK3s);
      if (imported.getExitCode() != 0) {
        throw new IllegalStateException("ctr images import " + image + " failed (" + imported.getExitCode() + "): "
            + imported.getStderr() + imported.getStdout());
      }
    } finally {
      Files.deleteIfExists(tar);
      try {
        k3s.execInContainer("rm", "-f", inK3s);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not remove {} from the k3s container: {}", inK3s, e.toString());
      }
    }
    ExecResult list = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "list", "-q");
    if (!list.getStdout().lines().map(String::trim).toList().contains(containerdName(image))) {
      throw new IllegalStateException("k3s does not list " + containerdName(image) + " after importing " + image
          + ": " + list.getStdout() + list.getStderr());
    }
    LOG.info("imported {} into k3s", image);
  }

  /** How containerd (and the kubelet) name a Docker image reference: eclipse-temurin:17-jre is docker.io/library/eclipse-temurin:17-jre. */
  static String containerdName(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    if (slash < 0) {
      return "docker.io/library/" + image;
    }
    if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
      return image;
    }
    return "docker.io/" + image;
  }

  /** The address host.testcontainers.internal has in the k3s container: the port forwarder's, reachable from pods. */
  private String hostAddressSeenFromK3s() {
    String hosts = k3s.copyFileFromContainer("/etc/hosts",
        in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    return hosts.lines().map(String::trim).filter(line -> !line.startsWith("#")).map(line -> line.split("\\s+"))
        .filter(fields -> fields.length > 1
            && Arrays.asList(fields).subList(1, fields.length).contains(GenericContainer.INTERNAL_HOST_HOSTNAME))
        .map(fields -> fields[0]).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + GenericContainer.INTERNAL_HOST_HOSTNAME
            + " in the k3s container's /etc/hosts:\n" + hosts));
  }

  private void installCrds(Path crds) throws IOException {
    List<String> names = new ArrayList<>();
    for (HasMetadata item : loadYamlFiles(crds)) {
      if (item instanceof CustomResourceDefinition crd) {
        client.resource(crd).forceConflicts().serverSideApply();
        names.add(crd.getMetadata().getName());
      }
    }
    assertEquals(Set.of("appdeployments.bcgitops.io", "gitopssources.bcgitops.io"), Set.copyOf(names),
        "the CRDs in " + crds);
    for (String name : names) {
      client.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(crd -> crd != null
          && crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions()
              .stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
          SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /**
   * Installs what {@code kubectl apply -k deploy/} would (CRDs aside: installed from crds/ already),
   * with the operator's container switched to the image built here, and waits until it is available.
   * Only the kustomization fields deploy/ uses are understood; any other makes this fail, so that the
   * test never silently installs something else than the manifests say.
   */
  private void deployOperator(Path deploy) throws IOException {
    Kustomization kustomization = readKustomization(deploy);
    List<HasMetadata> items = new ArrayList<>();
    for (HasMetadata item : kustomization.items()) {
      if (item instanceof CustomResourceDefinition) {
        continue;
      }
      if (item instanceof Namespaced && kustomization.namespace() != null) {
        item.getMetadata().setNamespace(kustomization.namespace());
      }
      items.add(item);
    }
    for (HasMetadata item : items) {
      if (item instanceof Deployment deployment) {
        for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
          if (isOperatorImage(container.getImage())) {
            container.setImage(OPERATOR_IMAGE);
            container.setImagePullPolicy("Never");
            setEnv(container, "BCGITOPS_OPERATOR_IMAGE", OPERATOR_IMAGE);
            setEnv(container, "BCGITOPS_JRE_IMAGE", JRE_IMAGE);
            operatorDeployment = deployment;
            String watched = container.getEnv() == null ? null : container.getEnv().stream()
                .filter(e -> "BCGITOPS_NAMESPACES".equals(e.getName())).map(EnvVar::getValue)
                .filter(Objects::nonNull).findFirst().orElse(null);
            if (watched != null && !watched.isBlank()) {
              namespace = watched.split(",")[0].trim();
            }
          }
        }
      }
    }
    assertNotNull(operatorDeployment, "deploy/ has no Deployment with a bc-gitops-operator container");
    // Namespaces first, the operator's Deployment last: what it needs exists when it starts.
    items.sort(Comparator.comparingInt(item -> item instanceof Namespace ? 0 : item instanceof Deployment ? 2 : 1));
    for (HasMetadata item : items) {
      LOG.info("applying {} {}", item.getKind(), item.getMetadata().getName());
      client.resource(item).forceConflicts().serverSideApply();
    }
    client.apps().deployments().inNamespace(operatorDeployment.getMetadata().getNamespace())
        .withName(operatorDeployment.getMetadata().getName())
        .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
            && d.getStatus().getAvailableReplicas() >= 1, SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    LOG.info("operator {}/{} is available", operatorDeployment.getMetadata().getNamespace(),
        operatorDeployment.getMetadata().getName());
  }

  record Kustomization(String namespace, List<HasMetadata> items) {
  }

  private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources",
      "labels", "commonLabels", "images");

  /** The objects of a kustomization (its resources in order, kustomizations in folders included) and its namespace. */
  private Kustomization readKustomization(Path dir) throws IOException {
    Path file = Stream.of("kustomization.yaml", "kustomization.yml", "Kustomization").map(dir::resolve)
        .filter(Files::isRegularFile).findFirst().orElse(null);
    if (file == null) {
      return new Kustomization(null, loadYamlFiles(dir));
    }
    JsonNode kustomization = YAML.readTree(file.toFile());
    List<String> unknown = new ArrayList<>();
    kustomization.fieldNames().forEachRemaining(field -> {
      if (!KUSTOMIZATION_FIELDS.contains(field)) {
        unknown.add(field);
      }
    });
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(file + " uses " + unknown + ", which K3sEndToEndTest does not apply; teach it");
    }
    List<HasMetadata> items = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        items.addAll(readKustomization(path).items());
      } else {
        items.addAll(load(path));
      }
    }
    String namespace = kustomization.hasNonNull("namespace") ? kustomization.get("namespace").asText() : null;
    return new Kustomization(namespace, items);
  }

  private List<HasMetadata> loadYamlFiles(Path dir) throws IOException {
    List<HasMetadata> items = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if ((name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith("kustomization.")) {
          items.addAll(load(file));
        }
      }
    }
    return items;
  }

  private List<HasMetadata> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).items();
    }
  }

  /** Whether an image reference names this project's image, whatever its registry and tag. */
  static boolean isOperatorImage(String image) {
    if (image == null) {
      return false;
    }
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    return name.substring(name.lastIndexOf('/') + 1).equals("bc-gitops-operator");
  }

  private static void setEnv(Container container, String name, String value) {
    List<EnvVar> env = new ArrayList<>(Objects.requireNonNullElse(container.getEnv(), List.of()));
    env.removeIf(e -> name.equals(e.getName()));
    env.add(new EnvVar(name, value, null));
    container.setEnv(env);
  }

  private static <T> T result(Future<T> future, Duration timeout, String what) throws Exception {
    try {
      return future.get(timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw new IllegalStateException(what + " failed: " + cause, cause);
      }
      throw e;
    }
  }

  // ---- the Docker build context ---------------------------------------------------------------

  /**
   * The files under {@code root} that {@code docker build root} sends: those {@code .dockerignore}
   * does not exclude (Docker's rules: {@code #} comments, {@code !} exceptions, the last matching
   * pattern wins, a pattern matching a folder matches what is in it), and the Dockerfile always.
   */
  static List<Path> dockerBuildContext(Path root) throws IOException {
    List<IgnoreRule> rules = IgnoreRule.read(root.resolve(".dockerignore"));
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (dir.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        Path relative = root.relativize(dir);
        return IgnoreRule.excluded(rules, relative) && !IgnoreRule.mayIncludeBelow(rules, relative)
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        Path relative = root.relativize(file);
        if (attrs.isRegularFile() && (relative.toString().equals("Dockerfile") || !IgnoreRule.excluded(rules, relative))) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    files.sort(Comparator.naturalOrder());
    return files;
  }

  /** One line of a .dockerignore file. */
  record IgnoreRule(boolean exception, List<String> segments, PathMatcher matcher) {
    static List<IgnoreRule> read(Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      List<IgnoreRule> rules = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String pattern = line.trim();
        if (pattern.isEmpty() || pattern.startsWith("#")) {
          continue;
        }
        boolean exception = pattern.startsWith("!");
        if (exception) {
          pattern = pattern.substring(1).trim();
        }
        List<String> segments = Arrays.stream(pattern.split("/"))
            .filter(s -> !s.isEmpty() && !s.equals(".")).toList();
        if (segments.isEmpty()) {
          continue;
        }
        rules.add(new IgnoreRule(exception, segments, glob(segments)));
      }
      return rules;
    }

    /** Go's filepath.Match syntax as a Java glob: [^a] is [!a]; braces are literal. */
    private static PathMatcher glob(List<String> segments) {
      String glob = String.join("/", segments).replace("[^", "[!").replace("{", "\\{").replace("}", "\\}");
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    boolean matches(Path relative) {
      for (Path path = relative; path != null; path = path.getParent()) {
        if (matcher.matches(path)) {
          return true;
        }
      }
      return false;
    }

    static boolean excluded(List<IgnoreRule> rules, Path relative) {
      boolean excluded = false;
      for (IgnoreRule rule : rules) {
        if (rule.matches(relative)) {
          excluded = !rule.exception();
        }
      }
      return excluded;
    }

    /** Whether an exception could bring back something inside the excluded folder {@code dir}. */
    static boolean mayIncludeBelow(List<IgnoreRule> rules, Path dir) {
      int depth = dir.getNameCount();
      return rules.stream().filter(IgnoreRule::exception).anyMatch(rule -> rule.segments().contains("**")
          || rule.segments().size() > depth && glob(rule.segments().subList(0, depth)).matches(dir));
    }
  }

  // ---- when something fails -------------------------------------------------------------------

  /** Prints what a person would look at: statuses, pods and their logs, events. */
  private void dumpClusterState(String why) {
    StringBuilder out = new StringBuilder("\n===== k3s end-to-end: ").append(why).append(" =====\n");
    if (client == null) {
      if (k3s != null && k3s.isRunning()) {
        List<String> lines = k3s.getLogs().lines().toList();
        out.append("--- k3s container log (last 100 lines)\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 100), lines.size()))).append('\n');
      }
      System.err.println(out);
      return;
    }
    section(out, "GitOpsSources", () -> client.resources(GitOpsSource.class).inAnyNamespace().list().getItems()
        .stream().map(s -> s.getMetadata().getName() + " spec.url=" + s.getSpec().getUrl() + "\n"
            + client.getKubernetesSerialization().asYaml(s.getStatus())).collect(Collectors.joining("\n")));
    section(out, "AppDeployments", () -> client.resources(AppDeployment.class).inAnyNamespace().list().getItems()
        .stream().map(a -> a.getMetadata().getName() + " spec.version=" + a.getSpec().getVersion() + " generation="
            + a.getMetadata().getGeneration() + "\n" + client.getKubernetesSerialization().asYaml(a.getStatus()))
        .collect(Collectors.joining("\n")));
    section(out, "Status history seen by the watch", () -> new TreeMap<>(history).toString());
    List<String> namespaces = new ArrayList<>(List.of(namespace));
    if (operatorDeployment != null) {
      namespaces.add(operatorDeployment.getMetadata().getNamespace());
    }
    for (String ns : namespaces) {
      section(out, "Deployments in " + ns, () -> client.apps().deployments().inNamespace(ns).list().getItems()
          .stream().map(d -> d.getMetadata().getName() + " replicas=" + d.getStatus().getReplicas() + " ready="
              + d.getStatus().getReadyReplicas() + " updated=" + d.getStatus().getUpdatedReplicas() + " conditions="
              + d.getStatus().getConditions().stream().map(c -> c.getType() + "=" + c.getStatus() + " ("
                  + c.getMessage() + ")").toList())
          .collect(Collectors.joining("\n")));
      for (Pod pod : listOrEmpty(() -> client.pods().inNamespace(ns).list().getItems())) {
        dumpPod(out, pod);
      }
      section(out, "Events in " + ns, () -> client.v1().events().inNamespace(ns).list().getItems().stream()
          .sorted(Comparator.comparing(e -> Objects.requireNonNullElse(e.getLastTimestamp(), ""))).map(K3sEndToEndTest::line)
          .collect(Collectors.joining("\n")));
    }
    System.err.println(out);
  }

  private void dumpPod(StringBuilder out, Pod pod) {
    String name = pod.getMetadata().getName();
    String ns = pod.getMetadata().getNamespace();
    section(out, "Pod " + ns + "/" + name, () -> "phase=" + pod.getStatus().getPhase() + " conditions="
        + pod.getStatus().getConditions().stream().map(c -> c.getType() + "=" + c.getStatus()).toList() + "\n"
        + Stream.concat(pod.getStatus().getInitContainerStatuses().stream(), pod.getStatus().getContainerStatuses()
            .stream()).map(K3sEndToEndTest::line).collect(Collectors.joining("\n")));
    List<Container> containers = new ArrayList<>(pod.getSpec().getInitContainers());
    containers.addAll(pod.getSpec().getContainers());
    for (Container container : containers) {
      section(out, "Log of " + name + "/" + container.getName() + " (last 200 lines)", () -> client.pods()
          .inNamespace(ns).withName(name).inContainer(container.getName()).tailingLines(200).getLog());
      boolean restarted = Stream.concat(pod.getStatus().getInitContainerStatuses().stream(),
          pod.getStatus().getContainerStatuses().stream()).anyMatch(s -> s.getName().equals(container.getName())
              && s.getRestartCount() != null && s.getRestartCount() > 0);
      if (restarted) {
        section(out, "Log of the previous " + name + "/" + container.getName(), () -> client.pods().inNamespace(ns)
            .withName(name).inContainer(container.getName()).terminated().tailingLines(100).getLog());
      }
    }
  }

  private static String line(ContainerStatus status) {
    return status.getName() + ": image=" + status.getImage() + " ready=" + status.getReady() + " restarts="
        + status.getRestartCount() + " state=" + status.getState() + " lastState=" + status.getLastState();
  }

  private static String line(Event event) {
    return event.getLastTimestamp() + " " + event.getType() + " " + event.getReason() + " "
        + event.getInvolvedObject().getKind() + "/" + event.getInvolvedObject().getName() + ": " + event.getMessage();
  }

  private interface Section {
    String text() throws Exception;
  }

  private static void section(StringBuilder out, String title, Section section) {
    out.append("--- ").append(title).append('\n');
    try {
      out.append(section.text()).append('\n');
    } catch (Exception e) {
      out.append("(could not read: ").append(e).append(")\n");
    }
  }

  private static <T> List<T> listOrEmpty(java.util.function.Supplier<List<T>> list) {
    try {
      return list.get();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  // ---- skipping without Docker ----------------------------------------------------------------

  /**
   * Runs the class only when asked for ({@value #RUN_PROPERTY}, the k3s profile) and where a
   * Docker engine answers. Where no Docker endpoint can exist (no
   * DOCKER_HOST, no Testcontainers configuration, no Docker socket in the usual places) it says so
   * without asking Testcontainers, which would log an error and take about a second; otherwise
   * {@link DockerClientFactory} decides.
   */
  static final class RequiresDockerEngine implements ExecutionCondition {
    private static volatile ConditionEvaluationResult result;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (result == null) {
        result = evaluate();
        if (result.isDisabled()) {
          System.out.println(result.getReason().orElse(""));
        }
      }
      return result;
    }

    static ConditionEvaluationResult evaluate() {
      if (!Boolean.getBoolean(RUN_PROPERTY)) {
        return ConditionEvaluationResult.disabled("k3s end-to-end tests skipped: they run only with mvn -B -Pk3s verify"
            + " (a Docker engine that can build the image and pull eclipse-temurin and k3s's images; README, Test)");
      }
      if (!dockerMayBeConfigured()) {
        return ConditionEvaluationResult.disabled("k3s end-to-end tests skipped: no Docker engine"
            + " (DOCKER_HOST unset, no Testcontainers configuration, no Docker socket in the usual places)");
      }
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return ConditionEvaluationResult.disabled(
            "k3s end-to-end tests skipped: no Docker engine (DockerClientFactory found none)");
      }
      return ConditionEvaluationResult.enabled("a Docker engine is available");
    }

    /** False only when none of the places Testcontainers looks for a Docker engine has anything. */
    static boolean dockerMayBeConfigured() {
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        return true; // a named pipe: nothing cheap to look at
      }
      if (System.getenv().keySet().stream().anyMatch(k -> k.equals("DOCKER_HOST") || k.startsWith("TESTCONTAINERS_"))) {
        return true;
      }
      Path home = Path.of(System.getProperty("user.home", "/"));
      List<Path> candidates = new ArrayList<>(List.of(
          home.resolve(".testcontainers.properties"),
          Path.of("/var/run/docker.sock"),
          Path.of("/run/docker.sock"),
          home.resolve(".docker/run/docker.sock"),
          home.resolve(".docker/desktop/docker.sock"),
          home.resolve(".rd/docker.sock"),
          home.resolve(".colima/default/docker.sock"),
          home.resolve(".colima/docker.sock"),
          home.resolve(".orbstack/run/docker.sock")));
      String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
      if (runtimeDir != null && !runtimeDir.isBlank()) {
        candidates.add(Path.of(runtimeDir, "docker.sock"));
      }
      if (candidates.stream().anyMatch(Files::exists)) {
        return true;
      }
      try (Stream<Path> users = Files.list(Path.of("/run/user"))) {
        if (users.anyMatch(dir -> Files.exists(dir.resolve("docker.sock")))) {
          return true;
        }
      } catch (IOException | UncheckedIOException | SecurityException e) {
        // no rootless Docker there
      }
      String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
      return Arrays.stream(path.split(java.io.File.pathSeparator)).filter(p -> !p.isEmpty())
          .anyMatch(dir -> Files.isExecutable(Path.of(dir, "docker-machine")));
    }
  }
}
