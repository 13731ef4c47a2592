package io.bcgitops.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.VmConfig;
import io.bcgitops.kube.PodImages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class VmDeploymentsTest {
  static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final PodImages IMAGES = new PodImages("registry.example/bc-gitops-operator:1.2.3",
      "registry.example/temurin:17-jre", "https://maven.example/releases");

  /** What every container of a vm app's pod gets: its logs, and the pod's bounded emptyDirs (see README). */
  static final Map<String, Quantity> STORAGE_LIMIT = Map.of("ephemeral-storage", new Quantity("1Gi"));
  static final Map<String, Quantity> STORAGE_REQUEST = Map.of("ephemeral-storage", new Quantity("256Mi"));

  // ---- fixtures ------------------------------------------------------------------------------

  static Map<String, Quantity> with(Map<String, Quantity> quantities, String name, String amount) {
    Map<String, Quantity> out = new TreeMap<>(quantities);
    out.put(name, new Quantity(amount));
    return out;
  }

  static AppSource release(String url) {
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl(url);
    source.setSha256(SHA);
    return source;
  }

  static AppSource maven(String coordinates, String repository) {
    AppSource source = new AppSource();
    source.setType(AppSource.Type.maven);
    source.setCoordinates(coordinates);
    source.setRepository(repository);
    return source;
  }

  static AppSource image(String image) {
    AppSource source = new AppSource();
    source.setType(AppSource.Type.image);
    source.setImage(image);
    return source;
  }

  static AppDeployment app(String name, String version, AppSource source) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("apps").withUid("uid-" + name)
        .withGeneration(1L).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    spec.setSource(source);
    spec.setIsolation(Isolation.vm);
    app.setSpec(spec);
    return app;
  }

  static AppDeployment releaseApp() {
    return app("hello", "1.0.0", release("https://example.com/hello-1.0.0.jar"));
  }

  static VmConfig vm(String memoryLimit, Integer schedulerLimit, String nodePrefix, List<String> extraArgs) {
    VmConfig vm = new VmConfig();
    vm.setMemoryLimit(memoryLimit == null ? null : new IntOrString(memoryLimit));
    vm.setSchedulerLimit(schedulerLimit);
    vm.setNodePrefix(nodePrefix);
    vm.setExtraArgs(extraArgs);
    return vm;
  }

  static HealthCheck health(HealthCheck.Type type) {
    HealthCheck health = new HealthCheck();
    health.setType(type);
    return health;
  }

  static PodSpec podSpec(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec();
  }

  static Container appContainer(Deployment deployment) {
    List<Container> containers = podSpec(deployment).getContainers();
    assertEquals(1, containers.size(), "one container per pod");
    assertEquals("app", containers.get(0).getName());
    return containers.get(0);
  }

  static Container fetchContainer(Deployment deployment) {
    List<Container> init = podSpec(deployment).getInitContainers();
    assertEquals(1, init.size(), "one init container");
    assertEquals("fetch", init.get(0).getName());
    return init.get(0);
  }

  static List<Container> allContainers(Deployment deployment) {
    List<Container> all = new ArrayList<>(podSpec(deployment).getInitContainers());
    all.addAll(podSpec(deployment).getContainers());
    return all;
  }

  // ---- name, labels, owner -------------------------------------------------------------------

  @Test
  void nameIsTheAppNameWithoutPrefix() {
    AppDeployment app = releaseApp();
    assertEquals("hello", VmDeployments.name(app));
    assertEquals("hello", VmDeployments.desired(app, IMAGES).getMetadata().getName());

    app.getSpec().setVmConfig(vm("512Mi", null, null, null));
    assertEquals("hello", VmDeployments.name(app), "a vmConfig without nodePrefix adds nothing");
  }

  @Test
  void nameIsNodePrefixThenAppName() {
    AppDeployment app = releaseApp();
    app.getSpec().setVmConfig(vm(null, null, "vm-", null));
    assertEquals("vm-hello", VmDeployments.name(app));
    Deployment deployment = VmDeployments.desired(app, IMAGES);
    assertEquals("vm-hello", deployment.getMetadata().getName());
    assertEquals("apps", deployment.getMetadata().getNamespace());
    // The app label stays the app's name, not the prefixed Deployment name.
    assertEquals("hello", deployment.getMetadata().getLabels().get("bcgitops.io/app"));
  }

  @Test
  void appLabelOnDeploymentSelectorAndPodTemplate() {
    Deployment deployment = VmDeployments.desired(releaseApp(), IMAGES);
    assertEquals("hello", deployment.getMetadata().getLabels().get("bcgitops.io/app"));
    assertEquals(Map.of("bcgitops.io/app", "hello"), deployment.getSpec().getSelector().getMatchLabels());
    assertTrue(deployment.getSpec().getSelector().getMatchExpressions() == null
        || deployment.getSpec().getSelector().getMatchExpressions().isEmpty(), "the selector is the app label only");
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertEquals("hello", podLabels.get("bcgitops.io/app"));
    // The selector must select the template's pods, or the API server rejects the Deployment.
    deployment.getSpec().getSelector().getMatchLabels()
        .forEach((k, v) -> assertEquals(v, podLabels.get(k), "template label " + k));
  }

  @Test
  void controllerOwnerReferenceToTheAppDeployment() {
    AppDeployment app = releaseApp();
    Deployment deployment = VmDeployments.desired(app, IMAGES);
    List<OwnerReference> owners = deployment.getMetadata().getOwnerReferences();
    assertEquals(1, owners.size());
    OwnerReference owner = owners.get(0);
    assertEquals("uid-hello", owner.getUid());
    assertEquals("AppDeployment", owner.getKind());
    assertEquals("bcgitops.io/v1alpha1", owner.getApiVersion());
    assertEquals("hello", owner.getName());
    assertEquals(Boolean.TRUE, owner.getController());
  }

  // ---- rollout -------------------------------------------------------------------------------

  @Test
  void rollingUpdateWithNoUnavailablePodAndOneReplica() {
    Deployment deployment = VmDeployments.desired(releaseApp(), IMAGES);
    assertEquals(1, deployment.getSpec().getReplicas());
    assertEquals("RollingUpdate", deployment.getSpec().getStrategy().getType());
    assertEquals(new IntOrString(0), deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable());
    assertEquals(new IntOrString(1), deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge());
  }

  @Test
  void versionAnnotationOnPodTemplateSoANewVersionRolls() {
    AppDeployment app = releaseApp();
    Deployment v1 = VmDeployments.desired(app, IMAGES);
    assertEquals("1.0.0", v1.getSpec().getTemplate().getMetadata().getAnnotations().get("bcgitops.io/version"));

    // Same source URL, new version only: the template still differs, so the Deployment rolls.
    app.getSpec().setVersion("1.1.0");
    Deployment v2 = VmDeployments.desired(app, IMAGES);
    assertEquals("1.1.0", v2.getSpec().getTemplate().getMetadata().getAnnotations().get("bcgitops.io/version"));
    assertNotEquals(v1.getSpec().getTemplate(), v2.getSpec().getTemplate());
    // ...and nothing but the template (which the Deployment controller hashes) changes.
    assertEquals(v1.getSpec().getSelector(), v2.getSpec().getSelector());
  }

  @Test
  void desiredIsDeterministic() {
    AppDeployment app = releaseApp();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("B", "2");
    env.put("A", "1");
    app.getSpec().setEnv(env);
    app.getSpec().setHealth(health(HealthCheck.Type.http));
    app.getSpec().setVmConfig(vm("512Mi", 2, "vm-", List.of("-Xss1m")));
    assertEquals(VmDeployments.desired(app, IMAGES), VmDeployments.desired(app, IMAGES),
        "the same AppDeployment gives the same Deployment (no spurious updates)");
  }

  // ---- fetch init container ------------------------------------------------------------------

  @Test
  void releaseSourceFetchesTheUrlAndVerifiesTheChecksum() {
    Deployment deployment = VmDeployments.desired(releaseApp(), IMAGES);
    Container fetch = fetchContainer(deployment);
    assertEquals("registry.example/bc-gitops-operator:1.2.3", fetch.getImage());
    assertEquals(List.of("fetch", "--dest", "/app/app.jar", "--url", "https://example.com/hello-1.0.0.jar",
        "--sha256", SHA), fetch.getArgs());
    assertTrue(fetch.getCommand() == null || fetch.getCommand().isEmpty(),
        "the operator image's entrypoint dispatches the fetch command");
    assertTrue(fetch.getVolumeMounts().stream()
        .anyMatch(m -> "app".equals(m.getName()) && "/app".equals(m.getMountPath()) && !Boolean.TRUE.equals(m.getReadOnly())),
        "the fetch container writes the jar into the app volume");
  }

  @Test
  void releaseSourceWithMainClass() {
    AppDeployment app = releaseApp();
    app.getSpec().getSource().setMainClass("com.example.Main");
    assertEquals(List.of("fetch", "--dest", "/app/app.jar", "--url", "https://example.com/hello-1.0.0.jar",
        "--sha256", SHA, "--main-class", "com.example.Main"), fetchContainer(VmDeployments.desired(app, IMAGES)).getArgs());
  }

  @Test
  void mavenSourceWithoutVersionUsesTheAppVersionAndTheDefaultRepository() {
    AppDeployment app = app("svc", "2.3.4", maven("com.example:svc", null));
    assertEquals(List.of("fetch", "--dest", "/app/app.jar", "--maven", "com.example:svc:2.3.4",
        "--repository", "https://maven.example/releases"), fetchContainer(VmDeployments.desired(app, IMAGES)).getArgs());
  }

  @Test
  void mavenSourceWithVersionAndRepositoryKeepsThem() {
    AppSource source = maven("com.example:svc:9.9.9", "https://nexus.example/repo");
    source.setSha256(SHA);
    source.setMainClass("com.example.svc.Main");
    AppDeployment app = app("svc", "2.3.4", source);
    assertEquals(List.of("fetch", "--dest", "/app/app.jar", "--maven", "com.example:svc:9.9.9",
        "--repository", "https://nexus.example/repo", "--sha256", SHA, "--main-class", "com.example.svc.Main"),
        fetchContainer(VmDeployments.desired(app, IMAGES)).getArgs());
  }

  @Test
  void mavenRepositoryDefaultComesFromPodImages() {
    AppDeployment app = app("svc", "2.3.4", maven("com.example:svc", null));
    List<String> args = fetchContainer(VmDeployments.desired(app, PodImages.DEFAULTS)).getArgs();
    assertEquals("https://repo.maven.apache.org/maven2", args.get(args.indexOf("--repository") + 1));
    assertEquals("bc-gitops-operator:latest", fetchContainer(VmDeployments.desired(app, PodImages.DEFAULTS)).getImage());
  }

  /**
   * The attack: a URL's user:pass@ was copied into the init container's args. Credentials
   * now come from the Secret source.secretRef names, as environment variables the kubelet fills in.
   */
  @Test
  void credentialsReachTheFetchContainerFromTheSecretNeverThroughItsArgs() {
    AppDeployment app = app("svc", "2.3.4", maven("com.example:svc", "https://nexus.example/private"));
    app.getSpec().getSource().setSecretRef(new LocalObjectReference("nexus-creds"));
    Container fetch = fetchContainer(VmDeployments.desired(app, IMAGES));

    Map<String, String> fromSecret = new TreeMap<>();
    for (EnvVar variable : fetch.getEnv()) {
      assertNull(variable.getValue(), variable.getName());
      var key = variable.getValueFrom().getSecretKeyRef();
      assertEquals("nexus-creds", key.getName());
      assertTrue(key.getOptional(), "username/password or bearerToken: the keys present are used");
      fromSecret.put(variable.getName(), key.getKey());
    }
    assertEquals(Map.of("BCGITOPS_ARTIFACT_USERNAME", "username", "BCGITOPS_ARTIFACT_PASSWORD", "password",
        "BCGITOPS_ARTIFACT_BEARER_TOKEN", "bearerToken"), fromSecret);
    assertEquals(List.of("fetch", "--dest", "/app/app.jar", "--maven", "com.example:svc:2.3.4",
        "--repository", "https://nexus.example/private"), fetch.getArgs());
    assertTrue(appContainer(VmDeployments.desired(app, IMAGES)).getEnv() == null
        || appContainer(VmDeployments.desired(app, IMAGES)).getEnv().isEmpty(), "the app never sees them");
    assertTrue(fetchContainer(VmDeployments.desired(releaseApp(), IMAGES)).getEnv() == null
        || fetchContainer(VmDeployments.desired(releaseApp(), IMAGES)).getEnv().isEmpty(), "none without secretRef");
  }

  // ---- app container: JVM --------------------------------------------------------------------

  @Test
  void jvmContainerRunsTheJarOnTheJre() {
    AppDeployment app = releaseApp();
    app.getSpec().setArgs(List.of("--server.port=8080", "serve"));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals("registry.example/temurin:17-jre", container.getImage());
    assertEquals(List.of("java"), container.getCommand());
    assertEquals(List.of("-jar", "/app/app.jar", "--server.port=8080", "serve"), container.getArgs());
    assertEquals(STORAGE_LIMIT, container.getResources().getLimits(), "no vmConfig: ephemeral storage only");
    assertEquals(STORAGE_REQUEST, container.getResources().getRequests());
  }

  @Test
  void jvmArgumentsInOrder() {
    AppDeployment app = releaseApp();
    app.getSpec().setArgs(List.of("a1", "a2"));
    app.getSpec().setVmConfig(vm("512Mi", 2, null, List.of("-Xss1m", "-Dfoo=bar")));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals(List.of("java"), container.getCommand());
    assertEquals(List.of("-XX:MaxRAMPercentage=75.0", "-XX:ActiveProcessorCount=2", "-Xss1m", "-Dfoo=bar",
        "-jar", "/app/app.jar", "a1", "a2"), container.getArgs());
  }

  @Test
  void extraArgsComeLastSoTheUserCanOverrideTheOperatorsFlags() {
    AppDeployment app = releaseApp();
    app.getSpec().setVmConfig(vm("512Mi", 2, null, List.of("-XX:MaxRAMPercentage=50.0")));
    List<String> args = appContainer(VmDeployments.desired(app, IMAGES)).getArgs();
    assertTrue(args.lastIndexOf("-XX:MaxRAMPercentage=50.0") > args.indexOf("-XX:MaxRAMPercentage=75.0"));
  }

  @Test
  void mainClassRunsFromTheClassPath() {
    AppDeployment app = releaseApp();
    app.getSpec().getSource().setMainClass("com.example.Main");
    app.getSpec().setArgs(List.of("x"));
    assertEquals(List.of("-cp", "/app/app.jar", "com.example.Main", "x"),
        appContainer(VmDeployments.desired(app, IMAGES)).getArgs());
  }

  @Test
  void heapShareOnlyWithAMemoryLimit() {
    AppDeployment app = releaseApp();
    app.getSpec().setVmConfig(vm(null, 4, null, null));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals(List.of("-XX:ActiveProcessorCount=4", "-jar", "/app/app.jar"), container.getArgs());
    assertEquals(with(STORAGE_LIMIT, "cpu", "4"), container.getResources().getLimits());
    assertEquals(with(STORAGE_REQUEST, "cpu", "4"), container.getResources().getRequests());

    app.getSpec().setVmConfig(vm("1Gi", null, null, null));
    container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals(List.of("-XX:MaxRAMPercentage=75.0", "-jar", "/app/app.jar"), container.getArgs());
    assertEquals(with(STORAGE_LIMIT, "memory", "1Gi"), container.getResources().getLimits());
  }

  @Test
  void memoryAndCpuRequestsEqualTheirLimits() {
    AppDeployment app = releaseApp();
    app.getSpec().setVmConfig(vm("512Mi", 2, null, null));
    ResourceRequirements resources = appContainer(VmDeployments.desired(app, IMAGES)).getResources();
    assertEquals(with(with(STORAGE_LIMIT, "memory", "512Mi"), "cpu", "2"), resources.getLimits());
    assertEquals(with(with(STORAGE_REQUEST, "memory", "512Mi"), "cpu", "2"), resources.getRequests());
    assertEquals(512L * 1024 * 1024, Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact());
  }

  @Test
  void vmConfigWithoutLimitsSetsOnlyEphemeralStorage() {
    AppDeployment app = releaseApp();
    app.getSpec().setVmConfig(vm(null, null, "p-", List.of("-Xss1m")));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals(STORAGE_LIMIT, container.getResources().getLimits());
    assertEquals(STORAGE_REQUEST, container.getResources().getRequests());
    assertEquals(List.of("-Xss1m", "-jar", "/app/app.jar"), container.getArgs());
  }

  @Test
  void envFromTheEnvMapSortedByName() {
    AppDeployment app = releaseApp();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ZED", "last");
    env.put("ALPHA", "first");
    env.put("MIDDLE", "with spaces and = signs");
    app.getSpec().setEnv(env);
    List<EnvVar> vars = appContainer(VmDeployments.desired(app, IMAGES)).getEnv();
    assertEquals(List.of("ALPHA", "MIDDLE", "ZED"), vars.stream().map(EnvVar::getName).toList());
    assertEquals(List.of("first", "with spaces and = signs", "last"), vars.stream().map(EnvVar::getValue).toList());
    assertTrue(vars.stream().allMatch(v -> v.getValueFrom() == null));
  }

  @Test
  void noEnvWhenTheMapIsAbsent() {
    List<EnvVar> vars = appContainer(VmDeployments.desired(releaseApp(), IMAGES)).getEnv();
    assertTrue(vars == null || vars.isEmpty());
  }

  // ---- app container: image ------------------------------------------------------------------

  @Test
  void imageSourceRunsTheImageAsItIs() {
    AppDeployment app = app("web", "3.0", image("ghcr.io/example/web:3.0"));
    app.getSpec().setArgs(List.of("--port", "9000"));
    app.getSpec().setEnv(Map.of("MODE", "prod"));
    Deployment deployment = VmDeployments.desired(app, IMAGES);
    assertTrue(podSpec(deployment).getInitContainers() == null || podSpec(deployment).getInitContainers().isEmpty(),
        "no fetch for an image");
    Container container = appContainer(deployment);
    assertEquals("ghcr.io/example/web:3.0", container.getImage());
    assertEquals(List.of("--port", "9000"), container.getArgs());
    assertTrue(container.getCommand() == null || container.getCommand().isEmpty(), "the image's own entrypoint");
    assertEquals(List.of(new EnvVar("MODE", "prod", null)), container.getEnv());
    assertEquals("3.0", deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("bcgitops.io/version"));
  }

  @Test
  void imageSourceWithoutArgs() {
    Container container = appContainer(VmDeployments.desired(app("web", "3.0", image("web:3.0")), IMAGES));
    assertTrue(container.getArgs() == null || container.getArgs().isEmpty());
  }

  @Test
  void imageSourceKeepsLimitsButNoJvmFlags() {
    AppDeployment app = app("web", "3.0", image("web:3.0"));
    app.getSpec().setVmConfig(vm("256Mi", 1, null, List.of("-Xss1m")));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertEquals(with(with(STORAGE_LIMIT, "memory", "256Mi"), "cpu", "1"), container.getResources().getLimits());
    assertTrue(container.getArgs() == null || container.getArgs().isEmpty(), "JVM flags are for the JRE image only");
  }

  // ---- health --------------------------------------------------------------------------------

  @Test
  void httpHealthBecomesReadinessLivenessAndStartupProbes() {
    AppDeployment app = releaseApp();
    HealthCheck health = health(HealthCheck.Type.http);
    health.setPort(8081);
    health.setPath("/healthz");
    health.setInterval("10s");
    health.setTimeout("3s");
    app.getSpec().setHealth(health);
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
      assertNotNull(probe);
      assertEquals("/healthz", probe.getHttpGet().getPath());
      assertEquals(new IntOrString(8081), probe.getHttpGet().getPort());
      assertEquals(10, probe.getPeriodSeconds());
      assertEquals(3, probe.getTimeoutSeconds());
      assertNull(probe.getTcpSocket());
      assertNull(probe.getExec());
    }
    Probe startup = container.getStartupProbe();
    assertNotNull(startup, "a slow JVM start must not trip the liveness probe");
    assertEquals("/healthz", startup.getHttpGet().getPath());
    assertEquals(new IntOrString(8081), startup.getHttpGet().getPort());
    assertEquals(3, startup.getTimeoutSeconds());
    assertTrue(startup.getPeriodSeconds() * startup.getFailureThreshold() >= 60,
        "the startup probe gives the JVM at least a minute");
    assertTrue(container.getPorts().stream().anyMatch(p -> p.getContainerPort() == 8081));
  }

  @Test
  void httpHealthDefaults() {
    AppDeployment app = releaseApp();
    app.getSpec().setHealth(health(HealthCheck.Type.http));
    Probe readiness = appContainer(VmDeployments.desired(app, IMAGES)).getReadinessProbe();
    assertEquals(new IntOrString(8080), readiness.getHttpGet().getPort());
    assertEquals("/", readiness.getHttpGet().getPath());
    assertEquals(30, readiness.getPeriodSeconds());
    assertEquals(5, readiness.getTimeoutSeconds());
  }

  @Test
  void probeDurationsInWholeSeconds() {
    Map<String, Integer> expected = Map.of("30s", 30, "1m30s", 90, "500ms", 1, "1m", 60, "1500ms", 2, "1h", 3600);
    expected.forEach((text, seconds) -> {
      AppDeployment app = releaseApp();
      HealthCheck health = health(HealthCheck.Type.http);
      health.setInterval(text);
      health.setTimeout(text);
      app.getSpec().setHealth(health);
      Container container = appContainer(VmDeployments.desired(app, IMAGES));
      assertEquals(seconds, container.getReadinessProbe().getPeriodSeconds(), text);
      assertEquals(seconds, container.getLivenessProbe().getPeriodSeconds(), text);
      assertEquals(seconds, container.getReadinessProbe().getTimeoutSeconds(), text);
      assertEquals(seconds, container.getLivenessProbe().getTimeoutSeconds(), text);
    });
  }

  @Test
  void tcpHealthBecomesTcpSocketProbes() {
    AppDeployment app = releaseApp();
    HealthCheck health = health(HealthCheck.Type.tcp);
    health.setPort(5432);
    app.getSpec().setHealth(health);
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
      assertEquals(new IntOrString(5432), probe.getTcpSocket().getPort());
      assertNull(probe.getHttpGet());
      assertNull(probe.getExec());
    }
  }

  @Test
  void customHealthBecomesExecProbes() {
    AppDeployment app = releaseApp();
    HealthCheck health = health(HealthCheck.Type.custom);
    health.setCommand(List.of("/bin/check", "--quick"));
    health.setInterval("1m30s");
    app.getSpec().setHealth(health);
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
      assertEquals(List.of("/bin/check", "--quick"), probe.getExec().getCommand());
      assertNull(probe.getHttpGet());
      assertNull(probe.getTcpSocket());
    }
    assertEquals(90, container.getLivenessProbe().getPeriodSeconds());
  }

  @Test
  void noProbesWithoutHealth() {
    Container container = appContainer(VmDeployments.desired(releaseApp(), IMAGES));
    assertNull(container.getReadinessProbe());
    assertNull(container.getLivenessProbe());
    assertNull(container.getStartupProbe());
  }

  @Test
  void imageSourceGetsProbesToo() {
    AppDeployment app = app("web", "3.0", image("web:3.0"));
    app.getSpec().setHealth(health(HealthCheck.Type.tcp));
    Container container = appContainer(VmDeployments.desired(app, IMAGES));
    assertNotNull(container.getReadinessProbe().getTcpSocket());
    assertNotNull(container.getLivenessProbe().getTcpSocket());
  }

  // ---- security and volumes ------------------------------------------------------------------

  @Test
  void podRunsAsNonRootWithRuntimeDefaultSeccomp() {
    for (AppDeployment app : List.of(releaseApp(), app("web", "1", image("web:1")))) {
      PodSpec pod = podSpec(VmDeployments.desired(app, IMAGES));
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
      assertNotEquals(Long.valueOf(0), pod.getSecurityContext().getRunAsUser());
      assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    }
  }

  @Test
  void everyContainerIsHardened() {
    AppDeployment withEverything = releaseApp();
    withEverything.getSpec().setHealth(health(HealthCheck.Type.http));
    withEverything.getSpec().setVmConfig(vm("512Mi", 1, null, null));
    for (AppDeployment app : List.of(releaseApp(), withEverything, app("svc", "1", maven("g:a", null)),
        app("web", "1", image("web:1")))) {
      List<Container> containers = allContainers(VmDeployments.desired(app, IMAGES));
      assertFalse(containers.isEmpty());
      for (Container container : containers) {
        SecurityContext security = container.getSecurityContext();
        assertNotNull(security, container.getName());
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), container.getName());
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), container.getName());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), container.getName());
        assertTrue(security.getCapabilities().getAdd() == null || security.getCapabilities().getAdd().isEmpty());
        assertTrue(security.getPrivileged() == null || !security.getPrivileged(), container.getName());
        // A read-only root filesystem still needs somewhere to write temporary files.
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(m.getMountPath())),
            container.getName() + " has a writable /tmp");
      }
    }
  }

  @Test
  void appAndTmpAreEmptyDirsAndAppIsReadOnlyInTheAppContainer() {
    Deployment deployment = VmDeployments.desired(releaseApp(), IMAGES);
    Map<String, Volume> volumes = new LinkedHashMap<>();
    podSpec(deployment).getVolumes().forEach(v -> volumes.put(v.getName(), v));
    assertNotNull(volumes.get("app"));
    assertNotNull(volumes.get("app").getEmptyDir());
    assertNotNull(volumes.get("tmp"));
    assertNotNull(volumes.get("tmp").getEmptyDir());
    assertTrue(volumes.values().stream().allMatch(v -> v.getEmptyDir() != null), "no host or secret volumes");

    Container container = appContainer(deployment);
    VolumeMount app = container.getVolumeMounts().stream().filter(m -> "app".equals(m.getName())).findFirst()
        .orElseThrow();
    assertEquals("/app", app.getMountPath());
    assertEquals(Boolean.TRUE, app.getReadOnly(), "the app cannot change its verified jar");
    VolumeMount tmp = container.getVolumeMounts().stream().filter(m -> "tmp".equals(m.getName())).findFirst()
        .orElseThrow();
    assertNotEquals(Boolean.TRUE, tmp.getReadOnly());
    // Every mount names a volume of the pod.
    allContainers(deployment).forEach(c -> c.getVolumeMounts()
        .forEach(m -> assertTrue(volumes.containsKey(m.getName()), c.getName() + " mounts " + m.getName())));
  }
}
