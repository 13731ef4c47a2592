package io.bcgitops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
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

  private static InputStream open(String file) {
    InputStream in = RealCluster.class.getResourceAsStream("/real-cluster/" + file);
    if (in == null) {
      throw new UncheckedIOException(new IOException("no fixture real-cluster/" + file));
    }
    return in;
  }
}
