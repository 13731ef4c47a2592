package io.bcgitops.dashboard;

import io.bcgitops.dashboard.Views.AppView;
import io.bcgitops.dashboard.Views.Graph;
import io.bcgitops.dashboard.Views.GraphEdge;
import io.bcgitops.dashboard.Views.GraphNode;
import io.bcgitops.spec.DependencyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A source's apps as a layered graph: each app one layer below the deepest app it depends on (layer 0 depends on
 * none of them), so the page draws edges downwards. Cycles (as {@link DependencyOrder} finds them, the same the
 * source's status reports) and names depended on that no app of the source has are marked: an app of the namespace
 * from another source (dependsOn names any AppDeployment of the namespace), or missing.
 */
final class DependencyGraph {
  private DependencyGraph() {
  }

  /**
   * @param apps the source's apps
   * @param namespaceApps every app of the namespace: where a name the source's apps depend on is looked up
   */
  static Graph of(String namespace, String source, List<AppView> apps, List<AppView> namespaceApps) {
    Map<String, AppView> byName = new HashMap<>();
    apps.forEach(a -> byName.put(a.name(), a));
    DependencyOrder.Creation<AppView> order = DependencyOrder.creation(apps, AppView::name, AppView::dependsOn);
    Set<String> onCycle = new TreeSet<>();
    Set<List<String>> cycles = new LinkedHashSet<>();
    order.cycles().forEach((app, cycle) -> {
      onCycle.add(app.name());
      cycles.add(canonical(cycle));
    });
    List<AppView> laid = new ArrayList<>(order.ordered());
    order.cycles().keySet().stream().sorted(Comparator.comparing(AppView::name)).forEach(laid::add);
    Map<String, AppView> others = new HashMap<>();
    namespaceApps.stream().filter(a -> !byName.containsKey(a.name())).forEach(a -> others.put(a.name(), a));
    // Outside the source (another source's, or missing): drawn at the top, as what the source's apps depend on.
    Set<String> outside = new TreeSet<>();
    apps.forEach(a -> a.dependsOn().stream().filter(d -> !byName.containsKey(d)).forEach(outside::add));
    Set<String> missing = new TreeSet<>(outside);
    missing.removeAll(others.keySet());
    Map<String, Integer> layers = new HashMap<>();
    laid.forEach(app -> layer(app, byName, onCycle, outside, layers));
    List<GraphNode> nodes = new ArrayList<>();
    for (String name : outside) {
      AppView other = others.get(name);
      nodes.add(other == null ? new GraphNode(name, null, true, true, false, 0, null)
          : new GraphNode(name, other.phase(), other.failing(), false, false, 0, Objects.requireNonNullElse(other.source(), "")));
    }
    for (AppView app : laid) {
      nodes.add(new GraphNode(app.name(), app.phase(), app.failing(), false, onCycle.contains(app.name()),
          layers.get(app.name()), null));
    }
    List<GraphEdge> edges = new ArrayList<>();
    for (AppView app : laid) {
      for (String dependency : new LinkedHashSet<>(app.dependsOn())) {
        edges.add(new GraphEdge(app.name(), dependency, missing.contains(dependency),
            onCycle.contains(app.name()) && onCycle.contains(dependency)));
      }
    }
    return new Graph(namespace, source, nodes, edges, List.copyOf(cycles), List.copyOf(missing));
  }

  /**
   * One below the deepest of what the app depends on (a name outside the source sits in layer 0). Every cycle is made of apps
   * on a cycle only, so without the edges between two such apps the graph has none, and this ends.
   */
  private static int layer(AppView app, Map<String, AppView> byName, Set<String> onCycle, Set<String> outside,
      Map<String, Integer> layers) {
    Integer known = layers.get(app.name());
    if (known != null) {
      return known;
    }
    int layer = 0;
    for (String dependency : app.dependsOn()) {
      if (outside.contains(dependency)) {
        layer = Math.max(layer, 1);
      } else if (!(onCycle.contains(app.name()) && onCycle.contains(dependency))) {
        layer = Math.max(layer, layer(byName.get(dependency), byName, onCycle, outside, layers) + 1);
      }
    }
    layers.put(app.name(), layer);
    return layer;
  }

  /** A cycle ("b", "a", "b") from its smallest name ("a", "b", "a"), so each is listed once. */
  private static List<String> canonical(List<String> cycle) {
    List<String> ring = cycle.subList(0, cycle.size() - 1);
    int start = ring.indexOf(new TreeSet<>(ring).first());
    List<String> out = new ArrayList<>(ring.subList(start, ring.size()));
    out.addAll(ring.subList(0, start));
    out.add(out.get(0));
    return out;
  }
}
