package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {
  record Item(String name, List<String> deps) {
    static Item of(String name, String... deps) {
      return new Item(name, List.of(deps));
    }
  }

  private static DependencyOrder.Result<Item> order(Item... items) {
    return DependencyOrder.of(List.of(items), Item::name, Item::deps);
  }

  private static List<String> names(DependencyOrder.Result<Item> result) {
    return result.ordered().stream().map(Item::name).toList();
  }

  @Test
  void emptyInput() {
    DependencyOrder.Result<Item> result = order();

    assertEquals(List.of(), result.ordered());
    assertEquals(Map.of(), result.left());
  }

  @Test
  void independentItemsAreSortedByName() {
    assertEquals(List.of("a", "b", "c"), names(order(Item.of("c"), Item.of("a"), Item.of("b"))));
  }

  @Test
  void dependencyComesBeforeDependent() {
    DependencyOrder.Result<Item> result = order(Item.of("a", "z"), Item.of("z"));

    assertEquals(List.of("z", "a"), names(result));
    assertTrue(result.left().isEmpty());
  }

  @Test
  void diamondWithTiesByName() {
    DependencyOrder.Result<Item> result = order(
        Item.of("top", "left", "right"),
        Item.of("right", "base"),
        Item.of("left", "base"),
        Item.of("base"),
        Item.of("aside"));

    assertEquals(List.of("aside", "base", "left", "right", "top"), names(result));
  }

  @Test
  void tieBreakIsAmongReadyItemsOnly() {
    // "b" is ready before "c" is, even though "a2" sorts before "b": a2 waits for c.
    DependencyOrder.Result<Item> result = order(Item.of("a2", "c"), Item.of("b"), Item.of("c"));

    assertEquals(List.of("b", "c", "a2"), names(result));
  }

  @Test
  void dependenciesOutsideTheCollectionAreIgnored() {
    assertEquals(List.of("a", "b"), names(order(Item.of("b", "elsewhere"), Item.of("a", "gone"))));
  }

  @Test
  void cycleMembersAndTheirDependentsAreLeft() {
    DependencyOrder.Result<Item> result = order(
        Item.of("a", "b"), Item.of("b", "a"), Item.of("c", "a"), Item.of("free"));

    assertEquals(List.of("free"), names(result));
    assertEquals(Set.of("a", "b", "c"), result.left().keySet());
    assertEquals(Item.of("c", "a"), result.left().get("c"));
  }

  @Test
  void selfLoopIsLeft() {
    DependencyOrder.Result<Item> result = order(Item.of("a", "a"), Item.of("b"));

    assertEquals(List.of("b"), names(result));
    assertEquals(Set.of("a"), result.left().keySet());
  }

  private static DependencyOrder.Creation<Item> creation(Item... items) {
    return DependencyOrder.creation(List.of(items), Item::name, Item::deps);
  }

  private static List<String> removal(Item... items) {
    return DependencyOrder.removal(List.of(items), Item::name, Item::deps).stream().map(Item::name).toList();
  }

  @Test
  void creationTakesOutEachCycleNamingItAndOrdersWhatWaitsForOne() {
    DependencyOrder.Creation<Item> order = creation(Item.of("d", "c"), Item.of("c", "a"), Item.of("a", "b"),
        Item.of("b", "a"), Item.of("x", "z"), Item.of("y", "x"), Item.of("z", "y"), Item.of("base"),
        Item.of("top", "base"));

    assertEquals(List.of("base", "top", "c", "d"), order.ordered().stream().map(Item::name).toList());
    Map<String, List<String>> cycles = new java.util.TreeMap<>();
    order.cycles().forEach((item, cycle) -> cycles.put(item.name(), cycle));
    assertEquals(Map.of("a", List.of("a", "b", "a"), "b", List.of("b", "a", "b"), "x", List.of("x", "z", "y", "x"),
        "y", List.of("y", "x", "z", "y"), "z", List.of("z", "y", "x", "z")), cycles);
  }

  @Test
  void creationWithoutCyclesIsTheDependencyOrder() {
    DependencyOrder.Creation<Item> order = creation(Item.of("web", "api", "db"), Item.of("api", "db"), Item.of("db"));

    assertEquals(List.of("db", "api", "web"), order.ordered().stream().map(Item::name).toList());
    assertEquals(Map.of(), order.cycles());
  }

  /** Each app is deleted before what it depends on; a cycle after what waits for it, before what it needs. */
  @Test
  void removalDeletesDependentsFirst() {
    assertEquals(List.of("web", "other", "api", "db"), // the creation order (db, api, other, web) reversed
        removal(Item.of("web", "api", "db"), Item.of("api", "db"), Item.of("db"), Item.of("other")));
    assertEquals(List.of("d", "c", "a", "b", "base"),
        removal(Item.of("d", "c"), Item.of("c", "a"), Item.of("a", "b", "base"), Item.of("b", "a"), Item.of("base")));
  }

  @Test
  void cycleThroughFindsTheShortestWayBack() {
    Map<String, List<String>> deps = Map.of("a", List.of("b", "c"), "b", List.of("d"), "c", List.of("a"),
        "d", List.of("a"), "e", List.of("a"));
    assertEquals(List.of("a", "c", "a"), DependencyOrder.cycleThrough("a", n -> deps.getOrDefault(n, List.of())));
    assertEquals(List.of("b", "d", "a", "b"), DependencyOrder.cycleThrough("b", n -> deps.getOrDefault(n, List.of())));
    assertEquals(List.of(), DependencyOrder.cycleThrough("e", n -> deps.getOrDefault(n, List.of())));
    assertEquals(List.of(), DependencyOrder.cycleThrough("unknown", n -> deps.getOrDefault(n, List.of())));
  }
}
