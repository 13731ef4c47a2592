package io.bcgitops.kube;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The operator's one Fabric8 serialization, shared by its client and its own comparisons. Each
 * KubernetesSerialization has its own Jackson ObjectMapper, which keeps a serializer and a
 * deserializer for every model class it has met: some megabytes once Deployments, pods and the
 * CRDs went through it, the same megabytes again in every other instance.
 */
public final class Serialization {
  public static final KubernetesSerialization SHARED = new KubernetesSerialization();

  private Serialization() {
  }
}
