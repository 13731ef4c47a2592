package io.bcgitops.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the dashboard's JSON holds: values the page shows, never a Secret's (the operator reads none for it). */
final class Views {
  private Views() {
  }

  /** A condition as the page shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {
  }

  /**
   * An app's icon: an image the page may show as is ({@code src}: an https URL or a data: URL of an image type),
   * else {@code identicon}, the hex of the SHA-256 of the name the page draws its 5x5 identicon from.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record IconView(String src, String identicon) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record InvalidAppView(String file, String error) {
  }

  /** A source: {@code invalidApps} lists the first of its {@code invalidAppCount} invalid spec files. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SourceView(String namespace, String name, String url, String revision, String shortRevision,
      String commitUrl, String fetchedAt, boolean suspended, ConditionView ready, ConditionView stalled,
      int appCount, int readyCount, List<InvalidAppView> invalidApps, int invalidAppCount) {
  }

  /**
   * @param source the GitOpsSource that manages the app (its label); null for one made by hand
   * @param where "pod" (vm) or "pool" (embedded)
   * @param failing whether it is shown first: Failed, Degraded, unhealthy or Stalled
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record AppView(String namespace, String name, String source, String description, IconView icon,
      String desiredVersion, String deployedVersion, String previousVersion, String phase, String health,
      int restarts, String isolation, String where, String node, String runtime, List<String> dependsOn,
      boolean suspended, ConditionView ready, boolean failing) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PoolAppView(String name, String version, String state, String health, Integer restarts, String message) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PoolView(String namespace, String name, String memoryLimit, String cpuLimit, String pod,
      ConditionView ready, List<PoolAppView> apps) {
  }

  /** Everything the overview shows, of what its viewer may see. */
  record Overview(long version, List<String> namespaces, List<SourceView> sources, List<AppView> apps,
      List<PoolView> pools) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EventView(String type, String reason, String message, String lastSeen, int count) {
  }

  /**
   * An app's page.
   *
   * @param events its recent Kubernetes Events, or null when the viewer may not list events in its namespace
   * @param poolApps the other apps of its runtime pool (embedded apps), of what the viewer may see
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record AppDetail(AppView app, List<ConditionView> conditions, String specYaml, List<EventView> events,
      String eventsError, PoolView pool, List<AppView> poolApps) {
  }

  /**
   * A dependency graph node: an app of the source; or a name its apps depend on that is not one: an app of the
   * namespace of another source ({@code otherSource}, that source's name; "" for an app no source manages), or no
   * app at all ({@code missing}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record GraphNode(String name, String phase, boolean failing, boolean missing, boolean onCycle, int layer,
      String otherSource) {
  }

  record GraphEdge(String from, String to, boolean missing, boolean onCycle) {
  }

  /** A source's apps by dependsOn: edges from an app to what it depends on, each node in its layer. */
  record Graph(String namespace, String source, List<GraphNode> nodes, List<GraphEdge> edges,
      List<List<String>> cycles, List<String> missing) {
  }
}
