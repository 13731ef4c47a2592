package io.bcgitops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
   * The recorded runtime pool's Deployment, as the server returns the one this version writes:
   * the recording's operator gave the host and the loader one /tmp; this one gives each its own
   * (emptyDirs, which the server leaves as written), so the recording is adapted here, in one place.
   */
  public static Deployment runtimePoolDeployment() {
    Deployment pool = object("deployment-runtime-pool.json", Deployment.class);
    var spec = pool.getSpec().getTemplate().getSpec();
    spec.getVolumes().removeIf(v -> v.getName().equals("tmp"));
    for (var container : spec.getContainers()) {
      spec.getVolumes().add(new VolumeBuilder().withName("tmp-" + container.getName()).withNewEmptyDir().endEmptyDir()
          .build());
      container.getVolumeMounts().stream().filter(m -> m.getName().equals("tmp"))
          .forEach(m -> m.setName("tmp-" + container.getName()));
    }
    return pool;
  }

  private static InputStream open(String file) {
    InputStream in = RealCluster.class.getResourceAsStream("/real-cluster/" + file);
    if (in == null) {
      throw new UncheckedIOException(new IOException("no fixture real-cluster/" + file));
    }
    return in;
  }
}
