package io.bcgitops.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A request's query parameters, decoded; the first value of a repeated one. */
record Query(Map<String, String> parameters) {

  static Query parse(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        String[] nameAndValue = pair.split("=", 2);
        parameters.putIfAbsent(decode(nameAndValue[0]), nameAndValue.length > 1 ? decode(nameAndValue[1]) : "");
      }
    }
    return new Query(parameters);
  }

  /** The value, or null when absent. */
  String get(String name) {
    return parameters.get(name);
  }

  /** Whether a boolean parameter is set as the API server reads it ({@code watch=true} or {@code watch=1}). */
  boolean isTrue(String name) {
    String value = parameters.get(name);
    return "true".equals(value) || "1".equals(value);
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
