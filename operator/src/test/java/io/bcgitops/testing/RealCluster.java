package io.bcgitops.testing;


import com.fasterxml.jackson.databind.JsonNode;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Objects exactly as a real API server (v1.28) returned them, from src/test/resources/real-cluster
 * (see its README): server defaults, canonical quantities, status written by controllers.
 */
public final class RealCluster {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  private static final String REVISION = "deployment.kubernetes.io/revision";

  private RealCluster() {
  }

  /** The object in {@code file}, a `kubectl get -o json` of one object. */
  public static <T extends HasMetadata> T object(String file, Class<T> type) {
    return SERIALIZATION.unmarshal(open(file), type);
  }

  /** The items of {@code file}, a `kubectl get -o json` of a list. */
  public static <T extends HasMetadata> List<T> items(String file, Class<T> type) {
    JsonNode list = SERIALIZATION.unmarshal(open(file), JsonNode.class);
    List<T> items = new ArrayList<>();
    list.get("items").forEach(item -> items.add(SERIALIZATION.convertValue(item, type)));
    return items;
  }

  /** The one item of {@code file} named {@code name}. */
  public static <T extends HasMetadata> T item(String file, Class<T> type, String name) {
    return items(file, type).stream().filter(i -> name.equals(i.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + name + " in " + file));
  }

  /**
   * The recorded runtime pool's Deployment, as the server returns the one this version writes.
   * The recording's operator gave the host and the loader one /tmp; this one gives each its own
   * (emptyDirs, which the server leaves as written). It bounds what the pod may write
   * (see {@link #withStorageBounds}). And each container answers its probes on a port of its own
   * (see {@link #withHealthPorts}). The recording is adapted here, in one place.
   */
  public static Deployment runtimePoolDeployment() {
    Deployment pool = object("deployment-runtime-pool.json", Deployment.class);
    // Recorded before pools were RuntimePools: this version's operator adopts it, owned by runtimePool().
    pool.getMetadata().setOwnerReferences(java.util.List.of(RuntimePools.ownerReference(runtimePool())));
    asThisVersionWritesThePool(pool.getSpec().getTemplate().getSpec());
    return pool;
  }

  /** The recorded pool's pod spec made the one this version writes (see {@link #runtimePoolDeployment}). */
  private static void asThisVersionWritesThePool(PodSpec spec) {
    spec.getVolumes().removeIf(v -> v.getName().equals("tmp"));
    for (var container : spec.getContainers()) {
      spec.getVolumes().add(new VolumeBuilder().withName("tmp-" + container.getName()).withNewEmptyDir().endEmptyDir()
          .build());
      container.getVolumeMounts().stream().filter(m -> m.getName().equals("tmp"))
          .forEach(m -> m.setName("tmp-" + container.getName()));
    }
    withStorageBounds(spec, RuntimePools.deployment(runtimePool(), PodImages.DEFAULTS));
    withHealthPorts(spec);
    withTokenFiles(spec);
  }

  /**
   * The recording's operator gave both containers the pool's token in BCGITOPS_RUNTIME_TOKEN (a secretKeyRef); this
   * one mounts a Secret volume per container, each with its one key, read-only, with defaultMode 0400 (256: the
   * server keeps what was sent and defaults nothing else of a secret volume whose defaultMode is set), and passes its
   * path as an argument. The recording gets those in place of the variable.
   */
  private static void withTokenFiles(PodSpec have) {
    PodSpec want = RuntimePools.deployment(runtimePool(), PodImages.DEFAULTS).getSpec().getTemplate().getSpec();
    for (Container container : have.getContainers()) {
      Container target = want.getContainers().stream().filter(c -> c.getName().equals(container.getName()))
          .findFirst().orElseThrow();
      container.setEnv(null);
      List<String> args = new ArrayList<>(container.getArgs());
      args.addAll(target.getArgs().subList(target.getArgs().size() - 2, target.getArgs().size()));
      container.setArgs(args);
      target.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(RuntimeApi.TOKEN_DIR))
          .forEach(container.getVolumeMounts()::add);
    }
    want.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(have.getVolumes()::add);
  }

  /**
   * The RuntimePool of the recorded runtime pool, as the operator creates it for the recorded embedded apps (the
   * recording predates RuntimePools): every default, labelled as the operator's, with a uid of its own.
   */
  public static RuntimePool runtimePool() {
    RuntimePool pool = RuntimePools.withDefaults("gitops-demo", "default");
    pool.getMetadata().setLabels(java.util.Map.of(Api.CREATED_BY_LABEL, Api.CREATED_BY_OPERATOR));
    pool.getMetadata().setUid("5f0c1d2e-0000-4000-8000-0000000000aa");
    return pool;
  }

  /**
   * The recording's operator probed each pool container with a TCP connect to its API's port (9090, 9091), and the
   * server stored those probes with its defaults ({@code timeoutSeconds: 1}, {@code successThreshold: 1},
   * {@code failureThreshold: 3}). This one has each container serve {@code /healthz} and {@code /readyz} on a port
   * of its own ({@code --health-port}, a second container port) and probes them with httpGet, with a timeout of 3 s:
   * the recording gets those, with what the server adds to them as it did to the vm app's httpGet probes in
   * deployment-vm-app.json ({@code scheme: HTTP}) and to every container port ({@code protocol: TCP}); the
   * thresholds it recorded stay.
   */
  private static void withHealthPorts(PodSpec have) {
    for (Container container : have.getContainers()) {
      int healthPort = container.getName().equals("host") ? RuntimeApi.HOST_HEALTH_PORT : RuntimeApi.LOADER_HEALTH_PORT;
      List<String> args = new ArrayList<>(container.getArgs());
      args.addAll(List.of("--health-port", String.valueOf(healthPort)));
      container.setArgs(args);
      container.getPorts().add(new ContainerPortBuilder().withName(container.getName() + "-health")
          .withContainerPort(healthPort).withProtocol("TCP").build());
      for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
        probe.setTcpSocket(null);
        probe.setHttpGet(new HTTPGetActionBuilder().withPath(probe == container.getReadinessProbe() ? "/readyz"
            : "/healthz").withNewPort(healthPort).withScheme("HTTP").build());
        probe.setTimeoutSeconds(3);
      }
    }
  }

  /**
   * The recorded vm app's Deployment (app web), as the server returns the one this version writes
   * (see {@link #withStorageBounds}).
   */
  public static Deployment vmAppDeployment() {
    Deployment web = object("deployment-vm-app.json", Deployment.class);
    withStorageBounds(web.getSpec().getTemplate().getSpec(), desiredWeb());
    return web;
  }

  /**
   * The recorded ReplicaSets, the vm app's current one (the Deployment's revision) with the pod
   * template {@link #vmAppDeployment} has, and the runtime pool's (its only one) with the template
   * {@link #runtimePoolDeployment} has, as the Deployment controller would have made them: a
   * template that differs from the Deployment's would be an older revision.
   */
  public static List<ReplicaSet> replicaSets() {
    String revision = object("deployment-vm-app.json", Deployment.class).getMetadata().getAnnotations()
        .get(REVISION);
    String pool = object("deployment-runtime-pool.json", Deployment.class).getMetadata().getName();
    List<ReplicaSet> sets = items("replicasets.json", ReplicaSet.class);
    sets.stream().filter(rs -> rs.getMetadata().getOwnerReferences().stream().anyMatch(o -> o.getName().equals("web"))
            && revision.equals(rs.getMetadata().getAnnotations().get(REVISION)))
        .forEach(rs -> withStorageBounds(rs.getSpec().getTemplate().getSpec(), desiredWeb()));
    sets.stream().filter(rs -> rs.getMetadata().getOwnerReferences().stream().anyMatch(o -> o.getName().equals(pool)))
        .forEach(rs -> asThisVersionWritesThePool(rs.getSpec().getTemplate().getSpec()));
    return sets;
  }

  private static Deployment desiredWeb() {
    return VmDeployments.desired(item("appdeployments.json", AppDeployment.class, "web"), PodImages.DEFAULTS);
  }

  /**
   * The recording's operator set no emptyDir sizeLimit and no ephemeral-storage request or limit;
   * this one does, in canonical quantities (512Mi, 1Gi: StorageQuantitiesTest checks the form), which
   * the API server stores and returns as written, with nothing defaulted around them. So the
   * recording gets the desired object's values for exactly these fields, and every other field
   * stays as the server returned it.
   */
  private static void withStorageBounds(PodSpec have, Deployment desired) {
    PodSpec want = desired.getSpec().getTemplate().getSpec();
    for (Volume volume : have.getVolumes()) {
      want.getVolumes().stream().filter(v -> v.getName().equals(volume.getName()) && v.getEmptyDir() != null)
          .findFirst().ifPresent(v -> volume.getEmptyDir().setSizeLimit(v.getEmptyDir().getSizeLimit()));
    }
    List<Container> wanted = new ArrayList<>(want.getContainers());
    wanted.addAll(want.getInitContainers());
    List<Container> recordedContainers = new ArrayList<>(have.getContainers());
    recordedContainers.addAll(have.getInitContainers());
    for (Container container : recordedContainers) {
      Container target = wanted.stream().filter(c -> c.getName().equals(container.getName())).findFirst()
          .orElseThrow();
      container.getResources().getRequests().put(EPHEMERAL_STORAGE,
          target.getResources().getRequests().get(EPHEMERAL_STORAGE));
      container.getResources().getLimits().put(EPHEMERAL_STORAGE,
          target.getResources().getLimits().get(EPHEMERAL_STORAGE));
    }
  }

  private static InputStream open(String file) {
    InputStream in = RealCluster.class.getResourceAsStream("/real-cluster/" + file);
    if (in == null) {
      throw new UncheckedIOException(new IOException("no fixture real-cluster/" + file));
    }
    return in;
  }
}
