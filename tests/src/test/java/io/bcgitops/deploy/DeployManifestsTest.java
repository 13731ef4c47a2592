package io.bcgitops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Isolation;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.http.MonitoringServer;
import io.bcgitops.kube.PodImages;
import io.bcgitops.local.LocalApiServer;
import io.bcgitops.local.StateFolder;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomize base in deploy/ (`kubectl apply -k deploy/`): it renders, it holds the CRDs, and
 * the operator's Deployment is configured, probed and hardened as the code and the image expect.
 */
class DeployManifestsTest {
  /** The one ClusterRole both installs hold: the dashboard's TokenReviews and SubjectAccessReviews. */
  private static final String DASHBOARD_REVIEWS = "bc-gitops-operator-dashboard";
  private static final Pattern VARIABLE = Pattern.compile("\"(BCGITOPS_[A-Z_]+)\"");
  private static final String OPERATOR = "bc-gitops-operator";
  private static final Path CRDS = Path.of("crds");
  private static final String CACHE_DIR = "/var/cache/bcgitops";
  /** The UID/GID the Dockerfile's USER runs as, and every pod's securityContext names. */
  private static final long UID = 65532L;

  private final DeployManifests manifests = DeployManifests.load();

  @Test
  void kubectlKustomizeRendersTheBase() {
    assumeTrue(DeployManifests.kubectl().isPresent(),
        "kubectl is not on the PATH: `kubectl kustomize deploy/` not tried (the other checks read the files instead)");
    DeployManifests rendered = DeployManifests.rendered();
    DeployManifests files = DeployManifests.files();
    assertEquals(kindsAndNames(files), kindsAndNames(rendered), "kubectl kustomize deploy/ renders what the files hold");
    for (JsonNode object : rendered.all()) {
      JsonNode metadata = object.path("metadata");
      if (!Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
          .contains(object.path("kind").asText())) {
        assertEquals(DeployManifests.NAMESPACE, metadata.path("namespace").asText(),
            object.path("kind").asText() + " " + metadata.path("name").asText() + " is in the operator's namespace");
      }
    }
  }

  /**
   * deploy/namespaced/: no cluster-wide permission but the dashboard's reviews (TokenReview and
   * SubjectAccessReview are cluster-scoped questions that read nothing; the CRDs it installs need
   * cluster-admin once, as any CRD does; the operator itself reads nothing cluster-wide), a Role in each namespace
   * BCGITOPS_NAMESPACES lists with exactly the ClusterRole's rules, and otherwise what deploy/ holds.
   */
  @Test
  void theNamespacedInstallHasARolePerWatchedNamespaceAndNoClusterWidePermission() {
    assumeTrue(DeployManifests.kubectl().isPresent(), "kubectl is not on the PATH: deploy/namespaced/ is a kustomize"
        + " overlay (patches), which only kustomize renders");
    DeployManifests namespaced = DeployManifests.rendered(DeployManifests.NAMESPACED);
    assertEquals(List.of(DASHBOARD_REVIEWS), namespaced.ofKind("ClusterRole").stream()
        .map(r -> r.at("/metadata/name").asText()).toList());
    assertEquals("[{\"apiGroups\":[\"authentication.k8s.io\"],\"resources\":[\"tokenreviews\"],\"verbs\":[\"create\"]},"
        + "{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"subjectaccessreviews\"],\"verbs\":[\"create\"]}]",
        namespaced.get("ClusterRole", DASHBOARD_REVIEWS).path("rules").toString());
    assertEquals(List.of(DASHBOARD_REVIEWS), namespaced.ofKind("ClusterRoleBinding").stream()
        .map(r -> r.at("/metadata/name").asText()).toList());

    JsonNode env = namespaced.get("Deployment", OPERATOR).at("/spec/template/spec/containers/0/env");
    String watched = StreamSupport.stream(env.spliterator(), false)
        .filter(e -> e.path("name").asText().equals("BCGITOPS_NAMESPACES")).findFirst().orElseThrow()
        .path("value").asText();
    assertFalse(watched.isBlank(), "a namespaced install names the namespaces it watches");
    JsonNode clusterRules = manifests.get("ClusterRole", OPERATOR).path("rules");
    for (String namespace : watched.split(",")) {
      JsonNode role = namespaced.get("Role", namespace, OPERATOR);
      assertEquals(clusterRules, role.path("rules"), "the Role in " + namespace + " grants what deploy/'s ClusterRole"
          + " grants, there only");
      JsonNode binding = namespaced.get("RoleBinding", namespace, OPERATOR);
      assertEquals("Role", binding.at("/roleRef/kind").asText());
      assertEquals(DeployManifests.NAMESPACE, binding.at("/subjects/0/namespace").asText());
      assertEquals(DeployManifests.SERVICE_ACCOUNT, binding.at("/subjects/0/name").asText());
    }
    // Everything else is deploy/'s (kinds and names: the Roles are named as the operator's own).
    Set<String> others = kindsAndNames(manifests);
    others.removeIf(k -> k.startsWith("ClusterRole") && !k.contains(DASHBOARD_REVIEWS));
    assertEquals(others, kindsAndNames(namespaced));
  }

  @Test
  void theBaseHoldsTheNamespaceTheCrdsAndTheOperator() throws IOException {
    manifests.get("Namespace", DeployManifests.NAMESPACE);
    manifests.get("ServiceAccount", DeployManifests.SERVICE_ACCOUNT);
    manifests.get("ClusterRole", OPERATOR);
    manifests.get("ClusterRoleBinding", OPERATOR);
    manifests.get("Role", OPERATOR);
    manifests.get("RoleBinding", OPERATOR);
    manifests.get("Service", OPERATOR);
    JsonNode deployment = manifests.get("Deployment", OPERATOR);
    assertEquals(DeployManifests.SERVICE_ACCOUNT, deployment.at("/spec/template/spec/serviceAccountName").asText());

    // Every CRD of crds/, as the file says (the kustomization there lists them all).
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Set<String> crdFiles = new TreeSet<>(kubectlReads(CRDS).stream().map(f -> f.getFileName().toString()).toList());
    Set<String> listed = StreamSupport.stream(yaml.readTree(DeployManifests.kustomization(CRDS).toFile())
        .path("resources").spliterator(), false).map(JsonNode::asText).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(crdFiles, listed, "crds/Kustomization lists every file of crds/ that kubectl apply -f crds/ reads");
    assertEquals(Set.of("appdeployments.bcgitops.io", "gitopssources.bcgitops.io", "runtimepools.bcgitops.io"),
        manifests.ofKind("CustomResourceDefinition").stream().map(c -> c.path("metadata").path("name").asText())
            .collect(Collectors.toSet()));
    for (String file : crdFiles) {
      JsonNode crd = yaml.readTree(Path.of("crds", file).toFile());
      JsonNode deployed = manifests.get("CustomResourceDefinition", crd.path("metadata").path("name").asText());
      // kustomize writes 65535.0 as 65535: numbers compare by value.
      assertTrue(crd.path("spec").equals((a, b) -> a.isNumber() && b.isNumber()
              ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1, deployed.path("spec")),
          "the CRD deploy/ installs is crds/" + file);
    }
  }

  /**
   * README's {@code kubectl apply -f crds/}: kubectl reads every .json, .yaml and .yml file of the
   * folder (not its other files) and fails on one that is no Kubernetes object, such as a
   * kustomization; so each it reads is a CRD, and the kustomization is named {@code Kustomization}.
   */
  @Test
  void everyFileKubectlApplyReadsInCrdsIsACrd() throws IOException {
    List<Path> read = kubectlReads(CRDS);
    assertEquals(3, read.size(), read::toString);
    for (Path file : read) {
      for (JsonNode object : DeployManifests.parse(Files.readString(file, StandardCharsets.UTF_8))) {
        assertEquals("apiextensions.k8s.io/v1", object.path("apiVersion").asText(), file::toString);
        assertEquals("CustomResourceDefinition", object.path("kind").asText(), file::toString);
      }
    }
  }

  /**
   * The same with the real kubectl, against local mode's API (a client-side dry run still needs an
   * API server to map kinds): it succeeds and names both CRDs, which it did not while a
   * kustomization.yaml was in the folder ("no matches for kind Kustomization").
   */
  @Test
  void kubectlAppliesTheCrdsFolder(@TempDir Path tmp) throws Exception {
    Path kubectl = DeployManifests.kubectl().orElse(null);
    assumeTrue(kubectl != null, "kubectl is not on the PATH: `kubectl apply -f crds/` not tried");
    try (LocalApiServer api = LocalApiServer.start(0, StateFolder.open(tmp.resolve("state")))) {
      Path kubeconfig = api.writeKubeconfig(tmp.resolve("kubeconfig"));
      Process process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "apply", "-f",
          CRDS + "/", "--dry-run=client", "-o", "name").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));

      assertEquals(0, process.exitValue(), output);
      assertEquals(Set.of("customresourcedefinition.apiextensions.k8s.io/appdeployments.bcgitops.io",
          "customresourcedefinition.apiextensions.k8s.io/gitopssources.bcgitops.io",
          "customresourcedefinition.apiextensions.k8s.io/runtimepools.bcgitops.io"), Set.copyOf(output.lines().toList()));
    }
  }

  /** The files {@code kubectl apply -f <dir>} reads: kubectl's FileExtensions, .json, .yaml and .yml. */
  private static List<Path> kubectlReads(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches(".*\\.(json|yaml|yml)")).sorted().toList();
    }
  }

  @Test
  void everyVariableTheOperatorReadsIsSetAndNoOtherOne() throws IOException {
    Map<String, EnvVar> env = operatorEnv();

    // The variables named in the sources: those the operator process reads, and those it gives
    // the pods it creates (a vm app's artifact credentials), which are none of its own; and the
    // one a pool's containers refuse to start with (where earlier versions put the pool's token).
    Set<String> named = new TreeSet<>();
    try (Stream<Path> sources = moduleSources()) {
      for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = VARIABLE.matcher(Files.readString(source, StandardCharsets.UTF_8));
        while (matcher.find()) {
          named.add(matcher.group(1));
        }
      }
    }
    named.remove(io.bcgitops.runtime.RuntimeApi.LEGACY_TOKEN_ENV);
    Set<String> forPods = new TreeSet<>();
    podContainers().forEach(c -> c.getEnv().stream().map(EnvVar::getName).filter(n -> n.startsWith("BCGITOPS_"))
        .forEach(forPods::add));
    Set<String> read = new TreeSet<>();
    Map<String, String> recording = new HashMap<>() {
      @Override
      public String get(Object key) {
        read.add((String) key);
        return super.get(key);
      }

      @Override
      public String getOrDefault(Object key, String defaultValue) {
        read.add((String) key);
        return super.getOrDefault(key, defaultValue);
      }
    };
    OperatorConfig.fromEnvironment(recording);
    io.bcgitops.dashboard.DashboardSettings.fromEnvironment(recording);

    Set<String> expected = new TreeSet<>(named);
    expected.removeAll(forPods);
    assertEquals(expected, read, "OperatorConfig.fromEnvironment reads every BCGITOPS_ variable the sources name, "
        + "but those set in the pods the operator creates (" + forPods + ")");
    Set<String> deployed = env.keySet().stream().filter(n -> n.startsWith("BCGITOPS_"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, deployed, "deploy/base/deployment.yaml sets every BCGITOPS_ variable the operator reads,"
        + " and no other one");
  }

  @Test
  void theOperatorReadsTheDeploymentsSettingsAsMeant() {
    Map<String, EnvVar> env = operatorEnv();
    JsonNode container = operatorContainer();
    Map<String, String> values = new TreeMap<>();
    env.forEach((name, var) -> {
      if (var.getValueFrom() != null) {
        assertEquals("metadata.namespace", var.getValueFrom().getFieldRef().getFieldPath(), name);
        values.put(name, DeployManifests.NAMESPACE);
      } else {
        values.put(name, var.getValue());
      }
    });
    assertEquals("metadata.namespace", env.get("BCGITOPS_OPERATOR_NAMESPACE").getValueFrom().getFieldRef()
        .getFieldPath(), "the operator's own namespace comes from the downward API");
    OperatorConfig config = OperatorConfig.fromEnvironment(values);
    assertTrue(config.namespaces().isEmpty(), "every namespace is watched");
    assertEquals(Path.of(CACHE_DIR), config.cacheDir());
    assertFalse(config.allowFileUrls(), "file:// sources stay off in a cluster");
    assertEquals(container.path("image").asText(), config.images().operatorImage(),
        "vm apps' init containers and runtime pools run the operator's own image");
    assertEquals("bc-gitops-operator:latest", config.images().operatorImage());
    assertEquals(PodImages.DEFAULTS.jreImage(), config.images().jreImage());
    assertEquals(PodImages.DEFAULTS.mavenRepository(), config.images().mavenRepository());
    assertEquals(8080, config.service().httpPort());
    assertEquals(8081, config.service().webhookPort());
    assertEquals(8082, config.service().healthPort());
    assertEquals(DeployManifests.NAMESPACE, config.service().ownNamespace());
    assertTrue(config.service().leaderElection(), "two replicas elect a leader");
    assertEquals("bc-gitops-webhook", config.service().webhookSecret());
    assertTrue(config.service().jsonLogs());

    assertEquals(OperatorConfig.Git.DEFAULTS, config.git(), "the git limits are README's defaults, written out");

    // The settings point at what the pod has: the cache's volume, the HTTP ports.
    assertTrue(mountPaths().contains(CACHE_DIR), "an emptyDir at the git cache");
    assertEquals(8080, port(container, "http"));
    assertEquals(8081, port(container, "webhooks"));
    assertEquals(8082, port(container, "health"));
  }

  @Test
  void theDeploymentRunsTwoReplicasOfTheImageWithItsCommand() {
    JsonNode deployment = manifests.get("Deployment", OPERATOR);
    assertEquals(2, deployment.at("/spec/replicas").asInt(), "two replicas: one leads, one waits");
    JsonNode container = operatorContainer();
    assertEquals("bc-gitops-operator:latest", container.path("image").asText());
    assertEquals("IfNotPresent", container.path("imagePullPolicy").asText());
    assertEquals(List.of("operator"), strings(container.path("args")));
    assertTrue(container.path("command").isMissingNode(), "the image's ENTRYPOINT runs (java -jar ...)");
    assertEquals("100m", container.at("/resources/requests/cpu").asText());
    assertEquals("256Mi", container.at("/resources/requests/memory").asText());
    assertEquals("512Mi", container.at("/resources/limits/memory").asText());
  }

  /**
   * The operator's JVM flags (README, "Benchmarks": what keeps its resident memory down), in
   * JDK_JAVA_OPTIONS, which only the java launcher reads: the image's ENTRYPOINT flags come after
   * them, and the commands of the pods the operator creates do not get them.
   */
  @Test
  void theOperatorsJvmRunsWithItsMemoryFlags() throws Exception {
    Map<String, EnvVar> env = operatorEnv();
    assertFalse(env.containsKey("JAVA_TOOL_OPTIONS"), "not JAVA_TOOL_OPTIONS: jcmd in the pod would take them too");
    List<String> flags = List.of(env.get("JDK_JAVA_OPTIONS").getValue().split(" "));
    assertEquals(List.of(OPERATOR_JVM_FLAGS.split(" ")), flags);
    // This JDK (the image's is a 17 too) takes them.
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    command.addAll(List.of("-XX:MaxRAMPercentage=75.0", "-version"));
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, java.waitFor(), output);
    assertFalse(output.contains("Unrecognized") || output.contains("warning"), output);
  }

  /**
   * The attack: the emptyDirs of the pods had no sizeLimit, so a pod (a runtime pool whose
   * /apps kept every version ever fetched, say) could fill its node's disk. Every emptyDir the
   * operator creates is bounded, every container has ephemeral-storage requests and limits, and
   * the pod's own limit (the sum of its containers') holds all its volumes and some logs, so what
   * a user sees when a volume fills up is the kubelet's eviction naming that volume.
   */
  @Test
  void everyEmptyDirIsBoundedAndEveryContainerHasEphemeralStorage() {
    long logs = 100L * 1024 * 1024;
    List<PodSpec> pods = new java.util.ArrayList<>(podSpecs());
    pods.add(new KubernetesSerialization().convertValue(manifests.get("Deployment", OPERATOR)
        .at("/spec/template/spec"), PodSpec.class));
    for (PodSpec pod : pods) {
      long volumes = 0;
      for (Volume volume : pod.getVolumes()) {
        if (volume.getSecret() != null) {
          continue; // a tmpfs the kubelet fills with the Secret's keys (at most 1 MiB): memory, not ephemeral storage
        }
        assertNotNull(volume.getEmptyDir(), volume.getName());
        Quantity size = volume.getEmptyDir().getSizeLimit();
        assertNotNull(size, "emptyDir " + volume.getName() + " has a sizeLimit");
        volumes += bytes(size);
      }
      long podLimit = 0;
      for (Container container : pod.getContainers()) {
        podLimit += ephemeralStorageLimit(container);
      }
      for (Container init : pod.getInitContainers()) {
        ephemeralStorageLimit(init);
      }
      assertTrue(podLimit >= volumes + logs, "the containers' limits (" + podLimit + ") hold the volumes ("
          + volumes + ") and logs");
    }
    JsonNode tmp = StreamSupport.stream(manifests.get("Deployment", OPERATOR).at("/spec/template/spec/volumes")
        .spliterator(), false).filter(v -> v.path("name").asText().equals("tmp")).findFirst().orElseThrow();
    assertFalse(tmp.at("/emptyDir/sizeLimit").asText().isEmpty(), "the operator's /tmp has a sizeLimit: " + tmp);
  }

  /** The container's ephemeral-storage limit, in bytes; it has a request too, in canonical form. */
  private static long ephemeralStorageLimit(Container container) {
    Quantity request = container.getResources().getRequests().get("ephemeral-storage");
    Quantity limit = container.getResources().getLimits().get("ephemeral-storage");
    assertNotNull(request, container.getName() + " requests ephemeral storage");
    assertNotNull(limit, container.getName() + " limits ephemeral storage");
    assertTrue(bytes(request) <= bytes(limit), container.getName());
    // Canonical forms, as the API server returns them: anything else would read as drift (kube.Drift).
    for (Quantity quantity : List.of(request, limit)) {
      assertTrue(quantity.toString().matches("[1-9][0-9]*(Mi|Gi)"), quantity.toString());
      assertFalse(quantity.toString().endsWith("Mi") && bytes(quantity) % (1L << 30) == 0,
          quantity + " would come back as Gi");
    }
    return bytes(limit);
  }

  private static long bytes(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity).longValueExact();
  }

  /** What deploy/base/deployment.yaml gives the operator's JVM. */
  static final String OPERATOR_JVM_FLAGS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10"
      + " -XX:MaxHeapFreeRatio=20 -Xmn8m -Dsun.reflect.inflationThreshold=2147483647 -XX:TrimNativeHeapInterval=5000";

  /**
   * The probes on a listener of their own, which no Service has: what any pod can send the metrics' and the
   * webhooks' ports (the Service's) never delays them.
   */
  @Test
  void probesAndTheServiceUseTheOperatorsHttpPorts() throws Exception {
    JsonNode container = operatorContainer();
    assertEquals("/readyz", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
    assertEquals("/healthz", container.at("/startupProbe/httpGet/path").asText());
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertEquals(8082, port(container, container.at("/" + probe + "/httpGet/port").asText()), probe);
    }

    JsonNode service = manifests.get("Service", OPERATOR);
    JsonNode port = service.at("/spec/ports/0");
    assertEquals(2, service.at("/spec/ports").size(), "http and webhooks, not health");
    assertEquals("http", port.path("name").asText());
    assertEquals(8080, port.path("port").asInt());
    assertEquals(8080, port(container, port.path("targetPort").asText()));
    JsonNode webhooks = service.at("/spec/ports/1");
    assertEquals("webhooks", webhooks.path("name").asText());
    assertEquals(8081, webhooks.path("port").asInt());
    assertEquals(8081, port(container, webhooks.path("targetPort").asText()));
    JsonNode podLabels = manifests.get("Deployment", OPERATOR).at("/spec/template/metadata/labels");
    service.at("/spec/selector").fields().forEachRemaining(e -> assertEquals(e.getValue().asText(),
        podLabels.path(e.getKey()).asText(), "the Service selects the operator's pods: " + e.getKey()));
    JsonNode annotations = service.at("/metadata/annotations");
    assertEquals("true", annotations.path("prometheus.io/scrape").asText());
    assertEquals("8080", annotations.path("prometheus.io/port").asText());
    String metricsPath = annotations.path("prometheus.io/path").asText("/metrics");

    // The operator's listeners answer the probes' and Prometheus's paths.
    try (MonitoringServer probes = MonitoringServer.probes(new InetSocketAddress("127.0.0.1", 0), () -> true,
        () -> true); MonitoringServer metrics = MonitoringServer.metrics(new InetSocketAddress("127.0.0.1", 0),
        OperatorMetrics.prometheus()::scrape)) {
      probes.start();
      metrics.start();
      HttpClient client = HttpClient.newHttpClient();
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        String path = container.at("/" + probe + "/httpGet/path").asText();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + probes.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
      }
      HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metrics.port() + metricsPath)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode(), scrape.body());
    }
  }

  /**
   * Only webhooks are open to everyone; metrics to the namespaces labelled for it; nothing else
   * (the probes come from the node, which a NetworkPolicy always admits).
   */
  @Test
  void theNetworkPolicyAdmitsWebhooksFromAnywhereAndMetricsFromLabelledNamespacesOnly() {
    JsonNode policy = manifests.get("NetworkPolicy", OPERATOR);
    JsonNode container = operatorContainer();
    JsonNode podLabels = manifests.get("Deployment", OPERATOR).at("/spec/template/metadata/labels");
    policy.at("/spec/podSelector/matchLabels").fields().forEachRemaining(e -> assertEquals(e.getValue().asText(),
        podLabels.path(e.getKey()).asText(), "the policy selects the operator's pods: " + e.getKey()));
    assertEquals("[\"Ingress\"]", policy.at("/spec/policyTypes").toString());

    Map<Integer, JsonNode> fromByPort = new TreeMap<>();
    for (JsonNode rule : policy.at("/spec/ingress")) {
      for (JsonNode port : rule.path("ports")) {
        fromByPort.put(port(container, port.path("port").asText()), rule.path("from"));
      }
    }
    assertEquals(Set.of(8080, 8081), fromByPort.keySet(), "metrics and webhooks; not the probes' 8082");
    assertTrue(fromByPort.get(8081).isMissingNode(), "webhooks from anywhere");
    assertEquals("{\"namespaceSelector\":{\"matchLabels\":{\"bcgitops.io/metrics-scraper\":\"true\"}}}",
        fromByPort.get(8080).get(0).toString());
    assertEquals(1, fromByPort.get(8080).size(), "metrics from labelled namespaces only");
  }

  @Test
  void theOperatorPodIsHardened() {
    JsonNode pod = manifests.get("Deployment", OPERATOR).at("/spec/template/spec");
    JsonNode podSecurity = pod.path("securityContext");
    assertTrue(podSecurity.path("runAsNonRoot").asBoolean());
    assertEquals(UID, podSecurity.path("runAsUser").asLong());
    assertEquals(UID, podSecurity.path("runAsGroup").asLong());
    assertEquals("RuntimeDefault", podSecurity.at("/seccompProfile/type").asText());
    JsonNode security = operatorContainer().path("securityContext");
    assertTrue(security.path("runAsNonRoot").asBoolean());
    assertEquals(UID, security.path("runAsUser").asLong(UID));
    assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "read-only root filesystem");
    assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "no privilege escalation");
    assertFalse(security.path("privileged").asBoolean(false));
    assertEquals(List.of("ALL"), strings(security.at("/capabilities/drop")));
    assertTrue(security.at("/capabilities/add").isMissingNode(), "no capability added");

    // With a read-only root, what the JVM and git write goes to emptyDirs.
    Map<String, String> volumes = new TreeMap<>();
    pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(),
        v.has("emptyDir") ? "emptyDir" : v.fieldNames().next()));
    Map<String, String> mounts = new TreeMap<>();
    operatorContainer().path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(),
        volumes.get(m.path("name").asText())));
    assertEquals(Map.of("/tmp", "emptyDir", CACHE_DIR, "emptyDir"), mounts);
    // A hostile repository fills at most this much of the node's disk: past it the pod is evicted.
    pod.path("volumes").forEach(v -> {
      if (v.path("name").asText().equals("git-cache")) {
        assertEquals("2Gi", v.at("/emptyDir/sizeLimit").asText(), "the git cache has a sizeLimit");
      }
    });

    // The pods the operator creates run as the same user, the image's (see DockerfileTest).
    for (PodSpec created : podSpecs()) {
      assertEquals(UID, created.getSecurityContext().getRunAsUser());
      assertEquals(UID, created.getSecurityContext().getRunAsGroup());
    }
  }

  @Test
  void everyFieldIsOneKubernetesKnows() throws Exception {
    // Fabric8's model keeps a field it does not know (a typo) in additionalProperties.
    KubernetesSerialization serialization = new KubernetesSerialization();
    ObjectMapper json = new ObjectMapper();
    List<String> unknown = new ArrayList<>();
    for (JsonNode object : manifests.all()) {
      if (object.path("kind").asText().equals("CustomResourceDefinition")) {
        continue; // generated from the model classes, and checked against crds/ above
      }
      Object typed = serialization.unmarshal(json.writeValueAsString(object));
      assertFalse(typed instanceof GenericKubernetesResource, "a kind Fabric8 knows: " + object.path("kind"));
      unknownFields(typed, object.path("kind").asText() + " " + object.at("/metadata/name").asText(), unknown);
    }
    assertEquals(List.of(), unknown, "fields Kubernetes does not have");
  }

  private static void unknownFields(Object value, String where, List<String> unknown) throws Exception {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(list.get(i), where + "[" + i + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (var entry : map.entrySet()) {
        unknownFields(entry.getValue(), where + "." + entry.getKey(), unknown);
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object child = getter.invoke(value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(where + ": " + extra.keySet());
        }
      } else {
        unknownFields(child, where + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  private JsonNode operatorContainer() {
    JsonNode containers = manifests.get("Deployment", OPERATOR).at("/spec/template/spec/containers");
    assertEquals(1, containers.size(), "one container: the operator");
    return containers.get(0);
  }

  private Map<String, EnvVar> operatorEnv() {
    Map<String, EnvVar> env = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (JsonNode var : operatorContainer().path("env")) {
      EnvVar parsed = json.convertValue(var, EnvVar.class);
      assertFalse(env.containsKey(parsed.getName()), "set twice: " + parsed.getName());
      env.put(parsed.getName(), parsed);
    }
    return env;
  }

  private Set<String> mountPaths() {
    Set<String> paths = new TreeSet<>();
    operatorContainer().path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
    return paths;
  }

  /** A container port by name, or a number as it is. */
  private static int port(JsonNode container, String nameOrNumber) {
    if (nameOrNumber.matches("\\d+")) {
      return Integer.parseInt(nameOrNumber);
    }
    for (JsonNode port : container.path("ports")) {
      if (nameOrNumber.equals(port.path("name").asText())) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + nameOrNumber);
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static Set<String> kindsAndNames(DeployManifests manifests) {
    return manifests.all().stream().map(o -> o.path("kind").asText() + " " + o.path("metadata").path("name").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The containers of the pods the operator creates: a vm app's (with its init container), a runtime pool's. */
  static List<Container> podContainers() {
    return podSpecs().stream().flatMap(p -> Stream.concat(p.getInitContainers().stream(), p.getContainers().stream()))
        .toList();
  }

  /** The pods the operator creates: a vm app's (its download with credentials), a runtime pool's. */
  static List<PodSpec> podSpecs() {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").withUid("uid").build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion("1.0");
    spec.setIsolation(Isolation.vm);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl("https://artifacts.example.com/web.jar");
    source.setSecretRef(new LocalObjectReference("artifact-creds"));
    spec.setSource(source);
    app.setSpec(spec);
    return List.of(VmDeployments.desired(app, PodImages.DEFAULTS).getSpec().getTemplate().getSpec(),
        RuntimePools.deployment(RuntimePools.withDefaults("shop", "default"), PodImages.DEFAULTS).getSpec().getTemplate().getSpec());
  }

  /**
   * The main sources of every module the jar is made of: each module is a folder of the checkout
   * with src/main/java; testing's are the tests' helpers.
   */
  private static Stream<Path> moduleSources() throws IOException {
    List<Path> roots;
    try (Stream<Path> folders = Files.list(Path.of("."))) {
      roots = folders.filter(f -> !f.getFileName().toString().equals("testing")).map(f -> f.resolve("src/main/java"))
          .filter(Files::isDirectory).toList();
    }
    Stream<Path> all = Stream.empty();
    for (Path root : roots) {
      all = Stream.concat(all, Files.walk(root));
    }
    return all;
  }
}
