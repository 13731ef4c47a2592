package io.bcgitops.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * The operator's one Fabric8 serialization, shared by its client and its own comparisons. Each
 * KubernetesSerialization has its own Jackson ObjectMapper, which keeps a serializer and a
 * deserializer for every model class it has met: some megabytes once Deployments, pods and the
 * CRDs went through it, the same megabytes again in every other instance.
 */
public final class Serialization {
  /** Values up to this length are read into one String each (a Kubernetes name is at most 253 characters). */
  static final int CANONICAL_MAX_LENGTH = 256;

  public static final KubernetesSerialization SHARED = new KubernetesSerialization(JsonMapper.builder()
      .addModule(new SimpleModule("canonical-strings").addDeserializer(String.class, new CanonicalStrings()))
      .build(), true);

  private Serialization() {
  }

  /**
   * Each informer reads its own copy of every object, and every copy its own Strings: the same apiVersion, kind,
   * namespace, labels, uid, image, condition reasons and messages, once per object and per cache. Read through
   * the JVM's string table instead (whose entries go when no object holds their String any more), the values
   * repeated across 1,000 apps' objects are held once: about 6 MiB less live heap. Jackson already does this
   * for field names; longer values (a Secret's data, a long message) are rarely repeated and are left alone.
   */
  static final class CanonicalStrings extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String value = super.deserialize(p, ctxt);
      return value != null && value.length() <= CANONICAL_MAX_LENGTH ? value.intern() : value;
    }
  }
}
