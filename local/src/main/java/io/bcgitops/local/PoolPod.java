package io.bcgitops.local;

import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.fetch.ArtifactFetcher;
import io.bcgitops.fetch.LoaderServer;
import io.bcgitops.http.BearerToken;
import io.bcgitops.kube.ReplicaSets;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.Backoff;
import io.bcgitops.runtime.HostSettings;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeHost;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime pool's Deployment on this machine: its two containers, the runtime host and the loader,
 * run in this JVM (the same code as in the pool's pod) on loopback ports, over a folder of the
 * state directory, each with its key of the pool's token Secret. The apps run in this JVM: local mode keeps nothing
 * from them (one user's machine). Its Pod (owned by the template's ReplicaSet) and the Deployment's status say
 * it is available, as a kubelet and the Deployment controller would once it listens.
 */
final class PoolPod {
  private static final Logger LOG = LoggerFactory.getLogger(PoolPod.class);

  private final KubernetesClient client;
  private final Deployment deployment;
  private final Path dir;
  private final String template;
  private RuntimeHost host;
  private ApiServer hostApi;
  private ApiServer loaderApi;
  private String podName;

  PoolPod(KubernetesClient client, Deployment deployment, Path dir) {
    this.client = client;
    this.deployment = deployment;
    this.dir = dir;
    this.template = client.getKubernetesSerialization().asJson(deployment.getSpec().getTemplate());
  }

  /** Whether this pod runs the Deployment's current pod template. */
  boolean runs(Deployment latest) {
    return template.equals(client.getKubernetesSerialization().asJson(latest.getSpec().getTemplate()));
  }

  /** Starts the host and the loader; throws when the pool's token Secret is not there (yet). */
  synchronized void start() throws IOException {
    Container hostContainer = container("host");
    Container loaderContainer = container("loader");
    // Each container's credential from its own token volume, as the kubelet mounts it.
    String token = tokenFile(loaderContainer, RuntimePools.TOKEN_KEY);
    String hostTokenSha256 = tokenFile(hostContainer, RuntimePools.HOST_TOKEN_SHA256_KEY);
    Path apps = dir.resolve("apps");
    loaderApi = new LoaderServer(apps, mavenRepository(loaderContainer),
        new ArtifactFetcher(ArtifactFetcher.Settings.defaults()))
        .routes(new ApiServer(new InetSocketAddress("127.0.0.1", 0), token)).start();
    host = new RuntimeHost(new HostSettings(apps, Backoff.DEFAULT, HostSettings.DEFAULT_STARTUP_WINDOW,
        HostSettings.DEFAULT_STOP_TIMEOUT));
    hostApi = host.routes(new ApiServer(new InetSocketAddress("127.0.0.1", 0),
        BearerToken.ofSha256(hostTokenSha256))).start();
    LOG.info("runtime pool {}/{}: host on 127.0.0.1:{}, loader on 127.0.0.1:{}, apps in {}",
        deployment.getMetadata().getNamespace(), deployment.getMetadata().getName(), hostApi.port(),
        loaderApi.port(), apps);
    podName = deployment.getMetadata().getName() + "-local";
    String now = Instant.now().toString();
    // Owned by its template's ReplicaSet, as the Deployment controller makes it: the operator counts no other pod.
    ReplicaSet replicaSet = ReplicaSets.ofTemplate(client, deployment, template);
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(podName)
          .withNamespace(deployment.getMetadata().getNamespace())
          .withLabels(replicaSet.getSpec().getTemplate().getMetadata().getLabels())
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
            .withName(replicaSet.getMetadata().getName()).withUid(replicaSet.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
          .withCreationTimestamp(now)
        .endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .editSpec().withNodeName(LocalNode.NODE_NAME).endSpec()
        .build();
    client.resource(pod).create();
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(podName).editStatus(p -> {
      p.setStatus(new PodStatusBuilder()
          .withPhase("Running").withHostIP("127.0.0.1").withPodIP("127.0.0.1")
          .addNewCondition().withType("Ready").withStatus("True").endCondition()
          .withContainerStatuses(List.of(hostContainer, loaderContainer).stream()
              .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(true)
                  .withRestartCount(0).withStarted(true).withState(new ContainerStateBuilder().withNewRunning()
                      .withStartedAt(now).endRunning().build()).build())
              .toList())
          .build());
      return p;
    });
    client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
        .withName(deployment.getMetadata().getName()).editStatus(d -> {
          d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
              .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
              .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable")
              .endCondition()
              .build());
          return d;
        });
  }

  synchronized URI host() {
    return URI.create("http://127.0.0.1:" + hostApi.port());
  }

  synchronized URI loader() {
    return URI.create("http://127.0.0.1:" + loaderApi.port());
  }

  /** Stops every app of the pool (each gets its stop timeout), then the two APIs; deletes the Pod. */
  synchronized void stop() {
    if (hostApi != null) {
      hostApi.close();
    }
    if (host != null) {
      host.close();
    }
    if (loaderApi != null) {
      loaderApi.close();
    }
    if (podName != null) {
      try {
        client.pods().inNamespace(deployment.getMetadata().getNamespace()).withName(podName).delete();
      } catch (KubernetesClientException e) {
        LOG.debug("pod {} already gone: {}", podName, e.getMessage());
      }
    }
  }

  private Container container(String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> name.equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("runtime pool " + deployment.getMetadata().getName()
            + " has no container " + name));
  }

  /**
   * The file {@code file} of the Secret volume the container mounts at {@link RuntimeApi#TOKEN_DIR}, as the kubelet
   * would write it: the Secret's key of that item.
   */
  private String tokenFile(Container container, String file) throws IOException {
    String volumeName = Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of()).stream()
        .filter(m -> RuntimeApi.TOKEN_DIR.equals(m.getMountPath())).map(VolumeMount::getName).findFirst()
        .orElseThrow(() -> new IllegalStateException("the " + container.getName() + " container mounts nothing at "
            + RuntimeApi.TOKEN_DIR));
    SecretVolumeSource source = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> volumeName.equals(v.getName()) && v.getSecret() != null).map(Volume::getSecret).findFirst()
        .orElseThrow(() -> new IllegalStateException("volume " + volumeName + " is not a Secret's"));
    String key = Objects.requireNonNullElse(source.getItems(), List.<KeyToPath>of()).stream()
        .filter(i -> file.equals(i.getPath())).map(KeyToPath::getKey).findFirst().orElse(file);
    Secret secret = client.secrets().inNamespace(deployment.getMetadata().getNamespace())
        .withName(source.getSecretName()).get();
    return RuntimePools.token(secret, key).orElseThrow(() -> new IOException("Secret " + source.getSecretName()
        + " with key " + key + " is not there yet"));
  }

  private static String mavenRepository(Container loader) {
    List<String> args = loader.getArgs();
    int at = args.indexOf("--maven-repository");
    if (at < 0 || at + 1 >= args.size()) {
      throw new IllegalStateException("the loader container has no --maven-repository");
    }
    return args.get(at + 1);
  }
}
