package io.bcgitops.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short hash of an object's JSON, the same for equal content in every run (map keys sorted). */
public final class ContentHash {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;
  private static final ObjectMapper SORTED = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private ContentHash() {
  }

  /** 32 hex digits of the SHA-256 of the value's JSON with every object's keys in order. */
  public static String of(Object value) {
    try {
      // Keys sorted: a map's order (Map.of's is another in every JVM) must not change the hash.
      Object tree = SORTED.treeToValue(SERIALIZATION.convertValue(value, JsonNode.class),
          Object.class);
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(SORTED.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("hashing " + value.getClass().getSimpleName(), e);
    }
  }
}
