package io.bcgitops.embedded;

import io.bcgitops.api.Api;
import io.bcgitops.api.MemoryLimits;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolSpec;
import io.bcgitops.api.VmConfig;
import io.bcgitops.http.BearerToken;
import io.bcgitops.kube.PodImages;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.RuntimeApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A runtime pool (DESIGN.md sections 6 and 8): per RuntimePool, a Deployment {@code bcgitops-runtime-<name>}
 * whose pod runs the runtime host and the loader sidecar over a shared folder, sized from the pool's spec, a
 * Service in front of both APIs, the Secret holding the pool's API token, and the NetworkPolicy admitting only the
 * operator to the APIs; each owned by the RuntimePool.
 */
public final class RuntimePools {
  /** The pool's token, mounted into the loader only: it opens the loader's API, and the host's token derives from it. */
  public static final String TOKEN_KEY = RuntimeApi.TOKEN_FILE_NAME;
  /** The SHA-256 of the host's token ({@link PoolToken#hostToken}): all the host container gets. */
  public static final String HOST_TOKEN_SHA256_KEY = RuntimeApi.HOST_TOKEN_SHA256_FILE_NAME;
  /** Read by the container's user only (with the pod's fsGroup the kubelet adds the group's read: 0440). */
  private static final int TOKEN_FILE_MODE = 0400;
  /** The operator's pods, as deploy/ labels them: the only ones the pools' NetworkPolicies admit to their APIs. */
  public static final Map<String, String> OPERATOR_POD_LABELS = Map.of("app.kubernetes.io/name", "bc-gitops-operator");
  /** Set on every namespace by the API server (1.21 and later), and not to be changed by anyone. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  private static final long NON_ROOT_UID = 65532L;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The runtime host's /tmp: its JVM's, and the apps' own temporary files. */
  static final String HOST_TMP_SIZE_LIMIT = "256Mi";
  /** The loader's /tmp: its JVM's hsperfdata, nothing more (downloads go to /apps). */
  static final String LOADER_TMP_SIZE_LIMIT = "64Mi";
  private static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  /** An answer, not only a connect: a JVM's pause (a full GC of the host's heap) may take more than the default 1 s. */
  private static final int PROBE_TIMEOUT_SECONDS = 3;
  /** The host's memory limit when the pool's spec sets none. */
  public static final String DEFAULT_HOST_MEMORY = "512Mi";
  private static final String DEFAULT_HOST_CPU_REQUEST = "100m";
  /** The java launcher reads the JVM's extra arguments here: the image's entry point is {@code java ... -jar}. */
  static final String JVM_OPTIONS_ENV = "JDK_JAVA_OPTIONS";
  private static final int MAX_EXTRA_ARGS = 64;
  private static final int MAX_EXTRA_ARG_LENGTH = 1024;
  private static final BigDecimal MAX_CPUS = BigDecimal.valueOf(1024);

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

  /**
   * A new token Secret: 32 random bytes as the pool's token, and the SHA-256 of the host's token derived from it.
   * Never logged; the token reaches the loader container from the Secret only.
   */
  public static Secret tokenSecret(RuntimePool pool) {
    Secret secret = new SecretBuilder()
        .withNewMetadata().withName(tokenSecretName(pool.getMetadata().getName()))
          .withNamespace(pool.getMetadata().getNamespace()).endMetadata()
        .withType("Opaque")
        .build();
    return completedTokenSecret(secret, pool, newToken());
  }

  /** 32 random bytes, base64url. */
  public static String newToken() {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * {@code secret} (a token Secret an earlier version wrote, say) as the pool wants it: labelled and owned by the pool,
   * holding {@code token} and the digest of the host's token derived from it; its other keys kept.
   */
  public static Secret completedTokenSecret(Secret secret, RuntimePool pool, String token) {
    Map<String, String> data = new TreeMap<>(secret.getData() == null ? Map.of() : secret.getData());
    data.put(TOKEN_KEY, base64(token));
    data.put(HOST_TOKEN_SHA256_KEY, base64(BearerToken.sha256Hex(PoolToken.hostToken(token))));
    Map<String, String> labels = new TreeMap<>(secret.getMetadata().getLabels() == null ? Map.of()
        : secret.getMetadata().getLabels());
    labels.putAll(labels(pool.getMetadata().getName()));
    return new SecretBuilder(secret).editMetadata().withLabels(labels).withOwnerReferences(ownerReference(pool))
        .endMetadata().withData(data).build();
  }

  /** Whether a token Secret holds a token and the digest of the host's token derived from it. */
  public static boolean isComplete(Secret secret) {
    try {
      Optional<String> token = token(secret, TOKEN_KEY);
      return token.isPresent() && !token.get().isBlank() && token(secret, HOST_TOKEN_SHA256_KEY)
          .filter(digest -> digest.equals(BearerToken.sha256Hex(PoolToken.hostToken(token.get())))).isPresent();
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The token under {@code key} of a pool's Secret, decoded; empty when the Secret or the key is not there. */
  public static Optional<String> token(Secret secret, String key) {
    return secret == null || secret.getData() == null || secret.getData().get(key) == null ? Optional.empty()
        : Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
  }

  public static Service service(RuntimePool pool) {
    String runtime = pool.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata().withName(name(runtime)).withNamespace(pool.getMetadata().getNamespace())
          .withLabels(labels(runtime)).withOwnerReferences(ownerReference(pool)).endMetadata()
        .withNewSpec()
          .withSelector(Map.of(Api.RUNTIME_LABEL, runtime))
          .addNewPort().withName("host").withPort(RuntimeApi.HOST_PORT).withNewTargetPort("host").endPort()
          .addNewPort().withName("loader").withPort(RuntimeApi.LOADER_PORT).withNewTargetPort("loader").endPort()
        .endSpec()
        .build();
  }

  /**
   * Who may reach the pool's pod: its two APIs (9090, 9091) only the operator's pods (labelled {@link
   * #OPERATOR_POD_LABELS} in {@code operatorNamespace}: both selectors in one peer, so a tenant's pod labelled as the
   * operator in another namespace is no match); every other port, TCP or UDP, anyone, as without the policy, since
   * the apps' own ports are theirs to expose (the ranges rely on 9090 to 9093 being the pool's four ports). The probes' ports (9092, 9093) are in no rule: the kubelet probes from the
   * pod's node, which NetworkPolicies always admit. Egress is not restricted.
   */
  public static NetworkPolicy networkPolicy(RuntimePool pool, String operatorNamespace) {
    String runtime = pool.getMetadata().getName();
    return new NetworkPolicyBuilder()
        .withNewMetadata().withName(name(runtime)).withNamespace(pool.getMetadata().getNamespace())
          .withLabels(labels(runtime)).withOwnerReferences(ownerReference(pool)).endMetadata()
        .withNewSpec()
          .withNewPodSelector().withMatchLabels(Map.of(Api.RUNTIME_LABEL, runtime)).endPodSelector()
          .withPolicyTypes("Ingress")
          .addNewIngress()
            .addNewFrom()
              .withNewNamespaceSelector().withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, operatorNamespace))
              .endNamespaceSelector()
              .withNewPodSelector().withMatchLabels(OPERATOR_POD_LABELS).endPodSelector()
            .endFrom()
            .withPorts(port("TCP", RuntimeApi.HOST_PORT, null), port("TCP", RuntimeApi.LOADER_PORT, null))
          .endIngress()
          .addNewIngress()
            .withPorts(port("TCP", 1, RuntimeApi.HOST_PORT - 1), port("TCP", RuntimeApi.LOADER_HEALTH_PORT + 1, 65535),
                port("UDP", 1, RuntimeApi.HOST_PORT - 1), port("UDP", RuntimeApi.LOADER_HEALTH_PORT + 1, 65535))
          .endIngress()
        .endSpec()
        .build();
  }

  private static NetworkPolicyPort port(String protocol, int port, Integer endPort) {
    return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).withEndPort(endPort)
        .build();
  }

  /** A RuntimePool with every default: what the operator creates for an embedded app naming a pool with none. */
  public static RuntimePool withDefaults(String namespace, String runtime) {
    RuntimePool pool = new RuntimePool();
    pool.setMetadata(new ObjectMetaBuilder().withName(runtime).withNamespace(namespace).build());
    pool.setSpec(new RuntimePoolSpec());
    return pool;
  }

  /** The owner reference of each object a pool owns: deleting the RuntimePool deletes them. */
  public static OwnerReference ownerReference(RuntimePool pool) {
    return new OwnerReferenceBuilder().withApiVersion(HasMetadata.getApiVersion(RuntimePool.class))
        .withKind(HasMetadata.getKind(RuntimePool.class)).withName(pool.getMetadata().getName())
        .withUid(pool.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
  }

  /** The host container's memory limit: the spec's, or {@link #DEFAULT_HOST_MEMORY}. */
  public static Quantity hostMemory(RuntimePoolSpec spec) {
    return spec.getMemoryLimit() == null ? new Quantity(DEFAULT_HOST_MEMORY) : MemoryLimits.quantity(spec.getMemoryLimit());
  }

  /**
   * What is wrong with a pool's spec, each "spec.field: why" in words a user can act on; empty when the pool can be
   * sized from it. The API server checks types and patterns; these are the rules its schema cannot say.
   */
  public static List<String> problems(RuntimePoolSpec spec) {
    List<String> problems = new ArrayList<>(spec.readErrors());
    if (!problems.isEmpty()) {
      return problems;
    }
    if (spec.getMemoryLimit() != null) {
      String problem = MemoryLimits.problem(spec.getMemoryLimit());
      if (problem != null) {
        problems.add("spec.memoryLimit: " + problem);
      }
    }
    if (spec.getCpuLimit() != null) {
      try {
        BigDecimal cpus = Quantity.getAmountInBytes(cpu(spec.getCpuLimit()));
        if (cpus.signum() <= 0 || cpus.compareTo(MAX_CPUS) > 0) {
          problems.add("spec.cpuLimit: " + shown(spec.getCpuLimit()) + " is outside 1m..1024 CPUs");
        }
      } catch (IllegalArgumentException e) {
        problems.add("spec.cpuLimit: " + shown(spec.getCpuLimit()) + " is not CPUs (an integer) or a quantity like 500m");
      }
    }
    if (spec.getReplicas() != null && (spec.getReplicas() < 0 || spec.getReplicas() > 1)) {
      problems.add("spec.replicas: " + spec.getReplicas() + " is not 0 or 1: a pool is one JVM, each app loaded into it");
    }
    List<String> args = spec.getExtraArgs() == null ? List.of() : spec.getExtraArgs();
    if (args.size() > MAX_EXTRA_ARGS) {
      problems.add("spec.extraArgs: " + args.size() + " arguments, at most " + MAX_EXTRA_ARGS);
    }
    for (int i = 0; i < Math.min(args.size(), MAX_EXTRA_ARGS); i++) {
      String arg = args.get(i);
      // The java launcher splits JDK_JAVA_OPTIONS at white space and reads quotes: an argument is kept whole only
      // without them. Its value is not repeated (an argument may carry a secret).
      if (arg == null || arg.isEmpty() || arg.length() > MAX_EXTRA_ARG_LENGTH || arg.chars().anyMatch(c ->
          Character.isWhitespace(c) || c == '"' || c == '\'' || Character.isISOControl(c))) {
        problems.add("spec.extraArgs[" + i + "]: a JVM argument must be 1 to " + MAX_EXTRA_ARG_LENGTH
            + " characters without spaces or quotes");
      }
    }
    return problems;
  }

  private static String shown(IntOrString value) {
    return value.getIntVal() != null ? String.valueOf(value.getIntVal()) : "'" + value.getStrVal() + "'";
  }

  /** CPUs: the integer n is n CPUs, a string is read as a quantity. */
  private static Quantity cpu(IntOrString limit) {
    if (limit.getIntVal() != null) {
      return new Quantity(String.valueOf(limit.getIntVal()));
    }
    if (limit.getStrVal() == null || !limit.getStrVal().matches(VmConfig.QUANTITY_PATTERN)) {
      throw new IllegalArgumentException("not a quantity");
    }
    return Quantity.parse(limit.getStrVal());
  }

  /** The pool's Deployment, sized from its spec; call only with a spec {@link #problems} finds nothing in. */
  public static Deployment deployment(RuntimePool pool, PodImages images) {
    String namespace = pool.getMetadata().getNamespace();
    String runtime = pool.getMetadata().getName();
    RuntimePoolSpec spec = pool.getSpec();
    String image = spec.getImage() == null || spec.getImage().isBlank() ? images.operatorImage() : spec.getImage();
    Map<String, String> labels = labels(runtime);
    Container host = container("host", image, RuntimeApi.HOST_PORT, RuntimeApi.HOST_HEALTH_PORT, true,
        List.of("runtime-host", "--port", String.valueOf(RuntimeApi.HOST_PORT), "--dir",
            RuntimeApi.SHARED_DIR, "--health-port", String.valueOf(RuntimeApi.HOST_HEALTH_PORT),
            "--token-sha256-file", RuntimeApi.HOST_TOKEN_SHA256_FILE),
        hostMemory(spec), "256Mi", "1Gi");
    if (spec.getCpuLimit() != null) {
      // Request what it is limited to, as a vm app's JVM: it is sized for its limit.
      Quantity cpus = cpu(spec.getCpuLimit());
      host.getResources().getRequests().put("cpu", cpus);
      host.getResources().getLimits().put("cpu", cpus);
    }
    if (spec.getExtraArgs() != null && !spec.getExtraArgs().isEmpty()) {
      host.setEnv(new ArrayList<>(List.of(new EnvVar(JVM_OPTIONS_ENV, String.join(" ", spec.getExtraArgs()),
          null))));
    }
    return new DeploymentBuilder()
        .withNewMetadata().withName(name(runtime)).withNamespace(namespace).withLabels(labels)
          .withOwnerReferences(ownerReference(pool)).endMetadata()
        .withNewSpec()
          .withReplicas(spec.getReplicas() == null ? 1 : spec.getReplicas())
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
              .withContainers(host,
                  // The loader writes /apps: its limit carries the folder's 2Gi in the pod's sum of limits.
                  container("loader", image, RuntimeApi.LOADER_PORT, RuntimeApi.LOADER_HEALTH_PORT,
                      false, List.of("loader", "--port", String.valueOf(RuntimeApi.LOADER_PORT), "--dir",
                          RuntimeApi.SHARED_DIR, "--maven-repository", images.mavenRepository(), "--health-port",
                          String.valueOf(RuntimeApi.LOADER_HEALTH_PORT), "--token-file", RuntimeApi.TOKEN_FILE),
                      new Quantity("256Mi"), "512Mi", "2Gi"))
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
              // A volume per container, each with its one key of the token Secret: the pool's token is in the
              // loader's only. The host's apps read what the host reads, so it gets the host token's digest alone.
              .addToVolumes(tokenVolume("host", HOST_TOKEN_SHA256_KEY, runtime),
                  tokenVolume("loader", TOKEN_KEY, runtime))
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static String tmpVolume(String container) {
    return "tmp-" + container;
  }

  private static String tokenVolume(String container) {
    return "token-" + container;
  }

  private static Volume tokenVolume(String container, String key, String runtime) {
    return new VolumeBuilder().withName(tokenVolume(container)).withNewSecret().withSecretName(tokenSecretName(runtime))
        .withDefaultMode(TOKEN_FILE_MODE).addNewItem().withKey(key).withPath(key).endItem().endSecret().build();
  }

  /**
   * @param healthPort where the container answers its probes: {@code GET /readyz} and {@code /healthz}, with no token
   *     (the API needs the pool's, which a probe cannot carry), on a listener in no Service
   * @param storageRequest its ephemeral storage requested: its logs, and its share of the pod's emptyDirs
   * @param storageLimit its most: the pod is evicted once its containers and emptyDirs use more than
   *     the sum of its containers' limits (3Gi: /apps 2Gi, /tmp 256Mi and 64Mi, and the logs)
   */
  private static Container container(String name, String image, int port, int healthPort, boolean readOnlyApps,
      List<String> args, Quantity memory, String storageRequest, String storageLimit) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        // As for a vm app's init container: the operator's image, perhaps side-loaded under :latest.
        .withImagePullPolicy("IfNotPresent")
        .withArgs(args)
        .addNewPort().withName(name).withContainerPort(port).withProtocol("TCP").endPort()
        .addNewPort().withName(name + "-health").withContainerPort(healthPort).withProtocol("TCP").endPort()
        // Not a TCP connect to the API's port: a flood of slow connections there (it is in the Service) would fail
        // it, and the kubelet would restart the container and every app of the pool.
        .withReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/readyz").withNewPort(healthPort)
            .endHttpGet().withPeriodSeconds(5).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).build())
        .withLivenessProbe(new ProbeBuilder().withNewHttpGet().withPath("/healthz").withNewPort(healthPort)
            .endHttpGet().withPeriodSeconds(10).withTimeoutSeconds(PROBE_TIMEOUT_SECONDS).withFailureThreshold(3)
            .build())
        .withResources(new ResourceRequirementsBuilder()
            .withRequests(new TreeMap<>(Map.of("cpu", new Quantity(DEFAULT_HOST_CPU_REQUEST), "memory", memory,
                EPHEMERAL_STORAGE, new Quantity(storageRequest))))
            .withLimits(new TreeMap<>(Map.of("memory", memory, EPHEMERAL_STORAGE, new Quantity(storageLimit))))
            .build())
        .withVolumeMounts(new VolumeMountBuilder().withName("apps").withMountPath(RuntimeApi.SHARED_DIR)
                // false is sent as nothing: the API server drops a false readOnly (a plain bool).
                .withReadOnly(readOnlyApps ? true : null).build(),
            new VolumeMountBuilder().withName(tmpVolume(name)).withMountPath("/tmp").build(),
            new VolumeMountBuilder().withName(tokenVolume(name)).withMountPath(RuntimeApi.TOKEN_DIR).withReadOnly(true)
                .build())
        .withSecurityContext(new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true).withPrivileged(false).withNewCapabilities().withDrop("ALL")
            .endCapabilities().build())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }
}
