package io.bcgitops.dashboard;

import java.util.List;
import java.util.Map;

/** Who looks at the dashboard: the identity a token belongs to, as the API server's TokenReview names it. */
record Viewer(String user, String uid, List<String> groups, Map<String, List<String>> extra) {
  Viewer {
    groups = groups == null ? List.of() : List.copyOf(groups);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
