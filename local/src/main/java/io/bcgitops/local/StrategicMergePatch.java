package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * kubectl patches built-in kinds with strategic merge patches ({@code kubectl label}, {@code annotate}, a second
 * {@code apply}), which the mock store does not read. One with no list and no {@code $} directive means the same
 * as a JSON merge patch, so it can be sent on as one; the others need the kind's schema (lists merged by key),
 * which is not here.
 */
final class StrategicMergePatch {
  static final String MEDIA_TYPE = "application/strategic-merge-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";

  private StrategicMergePatch() {
  }

  /** Whether the patch reads the same as a JSON merge patch: maps and values only, no directive. */
  static boolean isPlainMerge(JsonNode patch) {
    if (patch.isArray()) {
      return false;
    }
    if (!patch.isObject()) {
      return true;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().startsWith("$") || !isPlainMerge(field.getValue())) {
        return false;
      }
    }
    return true;
  }
}
