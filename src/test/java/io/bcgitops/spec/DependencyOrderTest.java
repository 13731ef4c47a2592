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
}
