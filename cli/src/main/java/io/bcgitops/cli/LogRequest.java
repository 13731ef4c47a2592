package io.bcgitops.cli;

/**
 * What to ask the API server for of a container's log (the pod log endpoint's parameters).
 *
 * @param container the container
 * @param follow keep the request open and receive the lines as the container writes them
 * @param tailLines the last lines only; null for all
 * @param sinceSeconds only lines newer than this many seconds before the request (the server's clock); null for all
 * @param sinceTime only lines from this RFC 3339 time on; null for all (used instead of sinceSeconds when two
 *     requests must cover one window)
 */
record LogRequest(String container, boolean follow, Integer tailLines, Long sinceSeconds, String sinceTime) {

  /** The whole log of the container. */
  static LogRequest all(String container) {
    return new LogRequest(container, false, null, null, null);
  }

  LogRequest following(boolean follow) {
    return new LogRequest(container, follow, tailLines, sinceSeconds, sinceTime);
  }

  LogRequest withoutTail() {
    return new LogRequest(container, follow, null, sinceSeconds, sinceTime);
  }

  String query() {
    StringBuilder query = new StringBuilder("container=").append(container);
    if (follow) {
      query.append("&follow=true");
    }
    if (tailLines != null) {
      query.append("&tailLines=").append(tailLines);
    }
    if (sinceSeconds != null) {
      query.append("&sinceSeconds=").append(sinceSeconds);
    }
    if (sinceTime != null) {
      query.append("&sinceTime=").append(sinceTime);
    }
    return query.toString();
  }
}
