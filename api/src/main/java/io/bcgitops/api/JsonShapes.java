package io.bcgitops.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a JSON or YAML value of a Java type looks like, in words, for messages about a value of the wrong shape. */
public final class JsonShapes {
  private static final int MAX_VALUE_LENGTH = 60;

  private JsonShapes() {
  }

  /**
   * "a string", "a list", "one of embedded, vm", ...: what a value read into {@code type} must be;
   * null when there are no plain words for it. Collections arrive as their implementation
   * (ArrayList, LinkedHashMap), not as List or Map.
   */
  public static String expected(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == IntOrString.class) {
      return "an integer or a string";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping";
    }
    if (type.isEnum()) {
      // The model's enums are named by their wire values.
      return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
          .collect(Collectors.joining(", "));
    }
    if (type.isRecord() || !(type.isPrimitive() || type.getName().startsWith("java."))) {
      return "a mapping";
    }
    return null;
  }

  /** Where a value is, as messages name a field: "health.port", "args[2]". */
  public static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : references) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** A value as a message quotes it: a string in quotes, anything else as JSON; one line, cut when long. */
  public static String quote(JsonNode value) {
    String text = value.isTextual() ? value.asText() : value.toString();
    text = text.replaceAll("\\s*\\R\\s*", " ");
    if (text.length() > MAX_VALUE_LENGTH) {
      text = text.substring(0, MAX_VALUE_LENGTH) + "...";
    }
    return value.isTextual() ? "'" + text + "'" : text;
  }
}
