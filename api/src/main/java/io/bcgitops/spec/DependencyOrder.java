package io.bcgitops.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one place that orders apps by dependsOn: the order to create them in (each after the apps it
 * depends on), the order to remove them in (each before them), and the dependsOn cycles that no
 * order can satisfy. Ties go by name, so the order is stable. A dependency on a name outside the
 * items is ignored: it is waited for elsewhere (the AppDeployment's readiness gate), not ordered.
 */
public final class DependencyOrder {
  /**
   * @param ordered every item not on a cycle, each after the items it depends on
   * @param cycles each item on a dependsOn cycle, with the shortest cycle through it as names
   *     ("a", "b", "a"), by name
   */
  public record Creation<T>(List<T> ordered, Map<T, List<String>> cycles) {
  }

  /** What Kahn's algorithm could order, and by name what it left: items on a cycle or waiting for one. */
  record Result<T>(List<T> ordered, Map<String, T> left) {
  }

  private DependencyOrder() {
  }

  /**
   * The order to create or update in. An item that waits for one on a cycle is still ordered: its
   * dependency on the cycle member is then outside what is ordered.
   */
  public static <T> Creation<T> creation(Collection<T> items, Function<T, String> name,
      Function<T, List<String>> dependencies) {
    Split<T> split = split(items, name, dependencies);
    List<T> ordered = new ArrayList<>(split.free());
    ordered.addAll(split.waiting());
    return new Creation<>(List.copyOf(ordered), split.cycles());
  }

  /**
   * The order to delete in: each item before the items it depends on, so that no app outlives
   * what it needs. Items on a cycle have no such order: they come after those that wait for them.
   */
  public static <T> List<T> removal(Collection<T> items, Function<T, String> name,
      Function<T, List<String>> dependencies) {
    Split<T> split = split(items, name, dependencies);
    List<T> order = new ArrayList<>(split.waiting());
    Collections.reverse(order);
    order.addAll(split.cycles().keySet());
    List<T> free = new ArrayList<>(split.free());
    Collections.reverse(free);
    order.addAll(free);
    return List.copyOf(order);
  }

  /**
   * The shortest dependsOn path from {@code start} back to itself, as names from and to start;
   * empty when there is none.
   *
   * @param dependencies an app's dependencies by its name; empty for a name it does not know
   */
  public static List<String> cycleThrough(String start, Function<String, List<String>> dependencies) {
    Map<String, String> cameFrom = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      for (String dependency : dependencies.apply(name)) {
        if (start.equals(dependency)) {
          LinkedList<String> path = new LinkedList<>(List.of(start));
          for (String at = name; at != null; at = cameFrom.get(at)) {
            path.addFirst(at);
          }
          return List.copyOf(path);
        }
        if (!cameFrom.containsKey(dependency)) {
          cameFrom.put(dependency, name);
          queue.add(dependency);
        }
      }
    }
    return List.of();
  }

  /**
   * The items in three parts: those Kahn's algorithm orders at once, those on a cycle, and those
   * that wait for one (ordered once the cycles are taken out).
   */
  private record Split<T>(List<T> free, Map<T, List<String>> cycles, List<T> waiting) {
  }

  private static <T> Split<T> split(Collection<T> items, Function<T, String> name,
      Function<T, List<String>> dependencies) {
    Result<T> first = of(items, name, dependencies);
    Map<String, T> left = first.left();
    if (left.isEmpty()) {
      return new Split<>(first.ordered(), Map.of(), List.of());
    }
    Map<T, List<String>> cycles = new LinkedHashMap<>();
    Map<String, T> waiting = new HashMap<>(left);
    Function<String, List<String>> leftDependencies =
        n -> left.containsKey(n) ? dependencies.apply(left.get(n)) : List.of();
    for (Map.Entry<String, T> item : new TreeMap<>(left).entrySet()) {
      List<String> cycle = cycleThrough(item.getKey(), leftDependencies);
      if (!cycle.isEmpty()) {
        cycles.put(item.getValue(), cycle);
        waiting.remove(item.getKey());
      }
    }
    Result<T> rest = of(waiting.values(), name, dependencies);
    if (!rest.left().isEmpty()) {
      throw new IllegalStateException("items left after taking out the cycles: " + rest.left().keySet());
    }
    return new Split<>(first.ordered(), Collections.unmodifiableMap(cycles), rest.ordered());
  }

  /** Kahn's algorithm over named items: each item after the items it depends on, ties by name. */
  static <T> Result<T> of(Collection<T> items, Function<T, String> name, Function<T, List<String>> dependencies) {
    Map<String, T> byName = new HashMap<>();
    items.forEach(item -> byName.put(name.apply(item), item));
    Map<String, Integer> waitingOn = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (T item : items) {
      int count = 0;
      for (String dependency : dependencies.apply(item)) {
        if (byName.containsKey(dependency)) {
          count++;
          dependents.computeIfAbsent(dependency, d -> new ArrayList<>()).add(name.apply(item));
        }
      }
      waitingOn.put(name.apply(item), count);
    }
    PriorityQueue<String> ready = new PriorityQueue<>();
    waitingOn.forEach((n, count) -> {
      if (count == 0) {
        ready.add(n);
      }
    });
    List<T> ordered = new ArrayList<>(items.size());
    while (!ready.isEmpty()) {
      String next = ready.poll();
      ordered.add(byName.remove(next));
      for (String dependent : dependents.getOrDefault(next, List.of())) {
        if (waitingOn.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    return new Result<>(ordered, byName);
  }
}
