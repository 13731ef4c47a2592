package io.bcgitops.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Kahn's algorithm over named items: each item after the items it depends on, ties by name so the
 * order is stable. Dependencies on names outside the collection are ignored.
 */
public final class DependencyOrder {
  /**
   * @param ordered the items that could be ordered
   * @param left by name, the items on a cycle or waiting for one
   */
  public record Result<T>(List<T> ordered, Map<String, T> left) {
  }

  private DependencyOrder() {
  }

  public static <T> Result<T> of(Collection<T> items, Function<T, String> name, Function<T, List<String>> dependencies) {
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
