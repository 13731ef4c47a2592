package io.bcgitops.embedded;

import io.bcgitops.api.Api;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.vm.VmImages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A runtime pool (DESIGN.md section 6): per namespace and runtime name, a Deployment
 * {@code bcgitops-runtime-<runtime>} whose pod runs the runtime host and the loader sidecar over a
 * shared folder, a Service in front of both APIs, and the Secret holding the pool's API token.
 */
public final class RuntimePools {
  public static final String TOKEN_KEY = "token";
  private static final long NON_ROOT_UID = 65532L;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The runtime host's /tmp: its JVM's, and the apps' own temporary files. */
  static final String HOST_TMP_SIZE_LIMIT = "256Mi";
  /** The loader's /tmp: its JVM's hsperfdata, nothing more (downloads go to /apps). */
  static final String LOADER_TMP_SIZE_LIMIT = "64Mi";
  private static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  /** An answer, not only a connect: a JVM's pause (a full GC of the host's heap) may take more than the default 1 s. */
  private static final int PROBE_TIMEOUT_SECONDS = 3;

  private RuntimePools() {
  }

  public static String name(String runtime) {
    return "bcgitops-runtime-" + runtime;
  }

  public static String tokenSecretName(String runtime) {
    return name(runtime) + "-token";
  }

  public static Map<String, String> labels(String runtime) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(Api.RUNTIME_LABEL, runtime);
    labels.put("app.kubernetes.io/name", "bcgitops-runtime");
    labels.put("app.kubernetes.io/instance", runtime);
    labels.put("app.kubernetes.io/managed-by", "bc-gitops-operator");
    return labels;
  }

  /** A new token: 32 random bytes. Never logged; it reaches the containers from the Secret only. */
  public static Secret tokenSecret(String namespace, String runtime) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    return new SecretBuilder()
        .withNewMetadata().withName(tokenSecretName(runtime)).withNamespace(namespace).withLabels(labels(runtime))
        .endMetadata()
        .withType("Opaque")
        .addToData(TOKEN_KEY, Base64.getEncoder().encodeToString(
            Base64.getUrlEncoder().withoutPadding().encodeToString(token).getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /** The token under {@code key} of a pool's Secret, decoded; empty when the Secret or the key is not there. */
  public static Optional<String> token(Secret secret, String key) {
    return secret == null || secret.getData() == null || secret.getData().get(key) == null ? Optional.empty()
        : Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
  }

  public static Service service(String namespace, String runtime) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name(runtime)).withNamespace(namespace).withLabels(labels(runtime)).endMetadata()
        .withNewSpec()
          .withSelector(Map.of(Api.RUNTIME_LABEL, runtime))
          .addNewPort().withName("host").withPort(RuntimeApi.HOST_PORT).withNewTargetPort("host").endPort()
          .addNewPort().withName("loader").withPort(RuntimeApi.LOADER_PORT).withNewTargetPort("loader").endPort()
        .endSpec()
        .build();
  }

  public static Deployment deployment(String namespace, String runtime, VmImages images) {
    Map<String, String> labels = labels(runtime);
    return new DeploymentBuilder()
        .withNewMetadata().withName(name(runtime)).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec()
          .withReplicas(1)
          .withNewSelector().withMatchLabels(Map.of(Api.RUNTIME_LABEL, runtime)).endSelector()
          // One host at a time: the operator talks to "the" pool, and a second pod would hold other apps.
          .withNewStrategy().withType("Recreate").endStrategy()
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID).withRunAsGroup(NON_ROOT_UID)
                .withFsGroup(NON_ROOT_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .withContainers(
                  container("host", images.operatorImage(), RuntimeApi.HOST_PORT, RuntimeApi.HOST_HEALTH_PORT, true,
                      runtime, List.of("runtime-host", "--port", String.valueOf(RuntimeApi.HOST_PORT), "--dir",
                          RuntimeApi.SHARED_DIR, "--health-port", String.valueOf(RuntimeApi.HOST_HEALTH_PORT)),
                      "512Mi", "256Mi", "1Gi"),
                  // The loader writes /apps: its limit carries the folder's 2Gi in the pod's sum of limits.
                  container("loader", images.operatorImage(), RuntimeApi.LOADER_PORT, RuntimeApi.LOADER_HEALTH_PORT,
                      false, runtime, List.of("loader", "--port", String.valueOf(RuntimeApi.LOADER_PORT), "--dir",
                          RuntimeApi.SHARED_DIR, "--maven-repository", images.mavenRepository(), "--health-port",
                          String.valueOf(RuntimeApi.LOADER_HEALTH_PORT)),
                      "256Mi", "512Mi", "2Gi"))
              // Every emptyDir bounded: past its sizeLimit the kubelet evicts the pod. The loader keeps
              // /apps under its own limit (RuntimeApi.APPS_MAX_TOTAL_BYTES), so one app's jar fails
              // instead of the pool being evicted.
              .addNewVolume().withName("apps").withNewEmptyDir()
                .withSizeLimit(new Quantity(RuntimeApi.SHARED_DIR_SIZE_LIMIT)).endEmptyDir().endVolume()
              // A /tmp per container: two JVMs of one user in one /tmp fight over hsperfdata_<user>/1.
              .addNewVolume().withName(tmpVolume("host")).withNewEmptyDir()
                .withSizeLimit(new Quantity(HOST_TMP_SIZE_LIMIT)).endEmptyDir().endVolume()
              .addNewVolume().withName(tmpVolume("loader")).withNewEmptyDir()
                .withSizeLimit(new Quantity(LOADER_TMP_SIZE_LIMIT)).endEmptyDir().endVolume()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static String tmpVolume(String container) {
    return "tmp-" + container;
  }

  /**
   * @param healthPort where the container answers its probes: {@code GET /readyz} and {@code /healthz}, with no token
   *     (the API needs the pool's, which a probe cannot carry), on a listener in no Service
   * @param storageRequest its ephemeral storage requested: its logs, and its share of the pod's emptyDirs
   * @param storageLimit its most: the pod is evicted once its containers and emptyDirs use more than
   *     the sum of its containers' limits (3Gi: /apps 2Gi, /tmp 256Mi and 64Mi, and the logs)
   */
  private static Container container(String name, String image, int port, int healthPort, boolean readOnlyApps,
      String runtime, List<String> args, String memory, String storageRequest, String storageLimit) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        // As for a vm app's init container: the operator's image, perhaps side-loaded under :latest.
        .withImagePullPolicy("IfNotPresent")
        .withArgs(args)
        .addNewPort().withName(name).withContainerPort(port).withProtocol("TCP").endPort()
        .addNewPort().withName(name + "-health").withContainerPort(healthPort).withProtocol("TCP").endPort()
        .withEnv(new EnvVarBuilder().withName(RuntimeApi.TOKEN_ENV).withNewValueFrom().withNewSecretKeyRef()
            .withName(tokenSecretName(runtime)).withKey(TOKEN_KEY).endSecretKeyRef().endValueFrom().build())
        // Not a TCP connect to the API's port: a flood of slow connections there (it is in the Service) would fail
        // it, and the kubelet would restart the container and every app of the pool.
        .withReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/readyz").withNewPort(healthPort)
            .endHttpGet().withPeriodSeconds(5).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).build())
        .withLivenessProbe(new ProbeBuilder().withNewHttpGet().withPath("/healthz").withNewPort(healthPort)
            .endHttpGet().withPeriodSeconds(10).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).withFailureThreshold(3)
            .build())
        .withResources(new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity(memory),
                EPHEMERAL_STORAGE, new Quantity(storageRequest)))
            .withLimits(Map.of("memory", new Quantity(memory), EPHEMERAL_STORAGE, new Quantity(storageLimit)))
            .build())
        .withVolumeMounts(new VolumeMountBuilder().withName("apps").withMountPath(RuntimeApi.SHARED_DIR)
                // false is sent as nothing: the API server drops a false readOnly (a plain bool).
                .withReadOnly(readOnlyApps ? true : null).build(),
            new VolumeMountBuilder().withName(tmpVolume(name)).withMountPath("/tmp").build())
        .withSecurityContext(new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true).withPrivileged(false).withNewCapabilities().withDrop("ALL")
            .endCapabilities().build())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }
}
