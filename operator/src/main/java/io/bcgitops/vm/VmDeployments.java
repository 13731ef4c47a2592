package io.bcgitops.vm;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.MemoryLimits;
import io.bcgitops.api.VmConfig;
import io.bcgitops.fetch.ArtifactCredentials;
import io.bcgitops.kube.PodImages;
import io.bcgitops.spec.HttpCredentials;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Deployment that runs a vm app (DESIGN.md section 6): one JVM per pod, the jar fetched and
 * verified by an init container into an emptyDir, hardened pod, rolling update with no
 * unavailable pod.
 */
public final class VmDeployments {
  public static final String APP_CONTAINER = "app";
  public static final String FETCH_CONTAINER = "fetch";
  static final String JAR = "/app/app.jar";
  /** The heap's share of the container memory limit; the rest is metaspace, threads and buffers. */
  static final String HEAP_PERCENT = "75.0";
  /** How long a rollout may take before the Deployment reports ProgressDeadlineExceeded. */
  static final int PROGRESS_DEADLINE_SECONDS = 300;
  private static final long NON_ROOT_UID = 65532L;
  /**
   * The jar's volume: twice the largest jar the fetch command accepts (its --max-bytes, 256 MiB),
   * since a download replacing a jar already there (a restarted init container) sits next to it
   * until it is verified. Over a sizeLimit the kubelet evicts the pod.
   */
  static final String APP_VOLUME_SIZE_LIMIT = "512Mi";
  private static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  /** The JVM's /tmp (hsperfdata, the app's own temporary files). */
  static final String TMP_VOLUME_SIZE_LIMIT = "256Mi";
  /**
   * Each container's ephemeral storage: requested, and at most (its logs, and the pod's emptyDirs,
   * which count against the sum of its containers' limits: 512Mi + 256Mi and logs fit in 1Gi).
   * Canonical quantities, as the API server returns them (io.bcgitops.kube.Drift).
   */
  static final String EPHEMERAL_STORAGE_REQUEST = "256Mi";
  static final String EPHEMERAL_STORAGE_LIMIT = "1Gi";

  private VmDeployments() {
  }

  public static String name(AppDeployment app) {
    VmConfig vm = app.getSpec().getVmConfig();
    String prefix = vm == null || vm.getNodePrefix() == null ? "" : vm.getNodePrefix();
    return prefix + app.getMetadata().getName();
  }

  /** The app version the Deployment's pod template runs (its annotation), or null. */
  public static String templateVersion(Deployment deployment) {
    var template = deployment.getSpec() == null ? null : deployment.getSpec().getTemplate();
    var annotations = template == null || template.getMetadata() == null ? null : template.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.VERSION_ANNOTATION);
  }

  public static Deployment desired(AppDeployment app, PodImages images) {
    String appName = app.getMetadata().getName();
    AppDeploymentSpec spec = app.getSpec();
    Map<String, String> selector = Map.of(Api.APP_LABEL, appName);
    Map<String, String> labels = new TreeMap<>(selector);
    labels.put("app.kubernetes.io/name", appName);
    labels.put("app.kubernetes.io/managed-by", "bc-gitops-operator");
    boolean fromImage = spec.getSource().getType() == AppSource.Type.image;
    return new DeploymentBuilder()
        .withNewMetadata()
          .withName(name(app))
          .withNamespace(app.getMetadata().getNamespace())
          .withLabels(labels)
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(app.getKind())
              .withName(appName).withUid(app.getMetadata().getUid()).withController(true)
              .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withNewSpec()
          .withReplicas(1)
          .withNewSelector().withMatchLabels(selector).endSelector()
          .withRevisionHistoryLimit(3)
          .withProgressDeadlineSeconds(PROGRESS_DEADLINE_SECONDS)
          .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate().withNewMaxUnavailable(0).withNewMaxSurge(1).endRollingUpdate()
          .endStrategy()
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(labels)
              .withAnnotations(Map.of(Api.VERSION_ANNOTATION, spec.getVersion()))
            .endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID)
                  .withRunAsGroup(NON_ROOT_UID).withFsGroup(NON_ROOT_UID)
                  .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
              .withInitContainers(fromImage ? List.of() : List.of(fetchContainer(spec, images)))
              .withContainers(fromImage ? imageContainer(spec) : jvmContainer(spec, images))
              .withVolumes(
                  new VolumeBuilder().withName("app").withNewEmptyDir()
                      .withSizeLimit(new Quantity(APP_VOLUME_SIZE_LIMIT)).endEmptyDir().build(),
                  new VolumeBuilder().withName("tmp").withNewEmptyDir()
                      .withSizeLimit(new Quantity(TMP_VOLUME_SIZE_LIMIT)).endEmptyDir().build())
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /** The init container: this project's fetch command, which downloads and verifies the jar. */
  static Container fetchContainer(AppDeploymentSpec spec, PodImages images) {
    AppSource source = spec.getSource();
    List<String> args = new ArrayList<>(List.of("fetch", "--dest", JAR));
    if (source.getType() == AppSource.Type.release) {
      args.addAll(List.of("--url", source.getUrl()));
    } else {
      args.addAll(List.of("--maven", source.coordinatesFor(spec.getVersion()),
          "--repository", source.getRepository() == null ? images.mavenRepository() : source.getRepository()));
    }
    if (source.getSha256() != null) {
      args.addAll(List.of("--sha256", source.getSha256()));
    }
    if (source.getMainClass() != null) {
      args.addAll(List.of("--main-class", source.getMainClass()));
    }
    ContainerBuilder container = new ContainerBuilder();
    List<EnvVar> credentials = credentialsEnv(source);
    if (!credentials.isEmpty()) {
      // Only when there are some: the API server returns no env for an empty one, which would read as a change.
      container.withEnv(credentials);
    }
    return container
        .withName(FETCH_CONTAINER)
        .withImage(images.operatorImage())
        // The operator's own image is on the node already when it was side-loaded (kind, k3s,
        // minikube) under a mutable tag such as :latest, which would otherwise mean "always pull".
        .withImagePullPolicy("IfNotPresent")
        .withArgs(args)
        .withResources(new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("96Mi"),
                EPHEMERAL_STORAGE, new Quantity(EPHEMERAL_STORAGE_REQUEST)))
            .withLimits(Map.of("memory", new Quantity("256Mi"),
                EPHEMERAL_STORAGE, new Quantity(EPHEMERAL_STORAGE_LIMIT)))
            .build())
        .withVolumeMounts(new VolumeMountBuilder().withName("app").withMountPath("/app").build(),
            new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
        .withSecurityContext(hardened())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  /**
   * The download's credentials, from the Secret source.secretRef names (the operator checked it
   * may be used), as environment variables of the fetch container: never in its arguments, which
   * anyone who can read the Deployment sees. Optional keys: the Secret holds username and password,
   * or bearerToken.
   */
  private static List<EnvVar> credentialsEnv(AppSource source) {
    if (source.getSecretRef() == null || source.getSecretRef().getName() == null) {
      return List.of();
    }
    String secret = source.getSecretRef().getName();
    return List.of(
        secretKey(ArtifactCredentials.USERNAME_ENV, secret, HttpCredentials.USERNAME_KEY),
        secretKey(ArtifactCredentials.PASSWORD_ENV, secret, HttpCredentials.PASSWORD_KEY),
        secretKey(ArtifactCredentials.BEARER_TOKEN_ENV, secret, HttpCredentials.BEARER_TOKEN_KEY));
  }

  private static EnvVar secretKey(String variable, String secret, String key) {
    return new EnvVarBuilder().withName(variable).withNewValueFrom().withNewSecretKeyRef().withName(secret)
        .withKey(key).withOptional(true).endSecretKeyRef().endValueFrom().build();
  }

  private static Container jvmContainer(AppDeploymentSpec spec, PodImages images) {
    List<String> args = new ArrayList<>();
    VmConfig vm = spec.getVmConfig();
    if (vm != null && vm.getMemoryLimit() != null) {
      args.add("-XX:MaxRAMPercentage=" + HEAP_PERCENT);
    }
    if (vm != null && vm.getSchedulerLimit() != null) {
      args.add("-XX:ActiveProcessorCount=" + vm.getSchedulerLimit());
    }
    // extraArgs after the operator's flags: the JVM takes the last of a repeated flag, so the user's win.
    if (vm != null && vm.getExtraArgs() != null) {
      args.addAll(vm.getExtraArgs());
    }
    String mainClass = spec.getSource().getMainClass();
    args.addAll(mainClass == null ? List.of("-jar", JAR) : List.of("-cp", JAR, mainClass));
    if (spec.getArgs() != null) {
      args.addAll(spec.getArgs());
    }
    return appContainer(spec)
        .withImage(images.jreImage())
        .withCommand("java")
        .withArgs(args)
        .withVolumeMounts(new VolumeMountBuilder().withName("app").withMountPath("/app").withReadOnly(true).build(),
            new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
        .build();
  }

  /** An image source runs the image as it is: its own entrypoint, the spec's args. */
  private static Container imageContainer(AppDeploymentSpec spec) {
    return appContainer(spec)
        .withImage(spec.getSource().getImage())
        .withArgs(spec.getArgs() == null ? List.of() : spec.getArgs())
        .withVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
        .build();
  }

  private static ContainerBuilder appContainer(AppDeploymentSpec spec) {
    ContainerBuilder container = new ContainerBuilder()
        .withName(APP_CONTAINER)
        .withEnv(env(spec))
        .withSecurityContext(hardened())
        .withTerminationMessagePolicy("FallbackToLogsOnError");
    VmConfig vm = spec.getVmConfig();
    Map<String, Quantity> limits = new TreeMap<>();
    if (vm != null && vm.getMemoryLimit() != null) {
      limits.put("memory", new Quantity(Quantities.canonicalMemory(MemoryLimits.quantity(vm.getMemoryLimit()))));
    }
    if (vm != null && vm.getSchedulerLimit() != null) {
      limits.put("cpu", new Quantity(String.valueOf(vm.getSchedulerLimit())));
    }
    // Requests of memory and CPU equal to limits: the JVM is sized for its limit, so it gets what it is sized for.
    Map<String, Quantity> requests = new TreeMap<>(limits);
    limits.put(EPHEMERAL_STORAGE, new Quantity(EPHEMERAL_STORAGE_LIMIT));
    requests.put(EPHEMERAL_STORAGE, new Quantity(EPHEMERAL_STORAGE_REQUEST));
    container.withResources(new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build());
    HealthCheck health = spec.getHealth();
    if (health != null) {
      container.addNewPort().withName("health").withContainerPort(health.getPort()).withProtocol("TCP").endPort();
      container.withReadinessProbe(probe(health, 3))
          .withLivenessProbe(probe(health, 3))
          // A JVM may take a while to start: liveness only counts once the app answered once.
          .withStartupProbe(new ProbeBuilder(probe(health, 60)).withPeriodSeconds(2).build());
    }
    return container;
  }

  private static List<EnvVar> env(AppDeploymentSpec spec) {
    List<EnvVar> env = new ArrayList<>();
    if (spec.getEnv() != null) {
      // The API server drops an empty value: send none, or the Deployment never reads back equal.
      new TreeMap<>(spec.getEnv()).forEach((name, value) ->
          env.add(new EnvVar(name, value == null || value.isEmpty() ? null : value, null)));
    }
    return env;
  }

  static Probe probe(HealthCheck health, int failureThreshold) {
    ProbeBuilder probe = new ProbeBuilder()
        .withPeriodSeconds(seconds(health.interval()))
        .withTimeoutSeconds(seconds(health.timeout()))
        .withFailureThreshold(failureThreshold);
    switch (health.getType()) {
      case http -> probe.withNewHttpGet().withPath(health.getPath() == null ? "/" : health.getPath())
          .withNewPort(health.getPort()).endHttpGet();
      case tcp -> probe.withNewTcpSocket().withNewPort(health.getPort()).endTcpSocket();
      case custom -> probe.withNewExec().withCommand(health.getCommand()).endExec();
    }
    return probe.build();
  }

  private static int seconds(Duration duration) {
    return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
  }

  private static SecurityContext hardened() {
    Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
    return new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true).withPrivileged(false).withCapabilities(none).build();
  }
}
