package io.bcgitops.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one delivery: its status and JSON body, the line logged for it (none when null), and headers
 * ({@code Allow} for a 405, {@code Retry-After} for a 429).
 */
record Answer(int status, Map<String, Object> body, String log, Map<String, String> headers) {
  Answer {
    body = new LinkedHashMap<>(body);
    headers = Map.copyOf(headers);
  }

  Answer(int status, Map<String, Object> body, String log) {
    this(status, body, log, Map.of());
  }

  static Answer error(int status, String message) {
    return new Answer(status, Map.of("error", message), "rejected (" + status + "): " + message);
  }

  static Answer message(int status, String message) {
    return new Answer(status, Map.of("message", message), message);
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, body, log, more);
  }
}
