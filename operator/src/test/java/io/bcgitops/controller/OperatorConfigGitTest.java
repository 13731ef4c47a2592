package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The git limits from BCGITOPS_ variables: sizes as bytes or quantities, and a clear error for anything else. */
class OperatorConfigGitTest {
  @Test
  void unsetVariablesAreTheDefaults() {
    assertEquals(OperatorConfig.Git.DEFAULTS, OperatorConfig.fromEnvironment(Map.of()).git());
  }

  @Test
  void everyLimitIsRead() {
    OperatorConfig.Git git = OperatorConfig.fromEnvironment(Map.ofEntries(
        Map.entry("BCGITOPS_MAX_APPS", "50"), Map.entry("BCGITOPS_MAX_SPEC_BYTES", "64Ki"),
        Map.entry("BCGITOPS_MAX_READ_BYTES", "1048576"), Map.entry("BCGITOPS_MAX_TREE_DEPTH", "8"),
        Map.entry("BCGITOPS_MAX_TREE_ENTRIES", "5000"), Map.entry("BCGITOPS_GIT_MAX_OBJECT_BYTES", "1Mi"),
        Map.entry("BCGITOPS_GIT_MAX_FETCH_BYTES", "1Gi"), Map.entry("BCGITOPS_GIT_MAX_OBJECTS", "5000"),
        Map.entry("BCGITOPS_GIT_MAX_REFS_BYTES", "64Ki"), Map.entry("BCGITOPS_GIT_MAX_INFLATED_BYTES", "4Mi"),
        Map.entry("BCGITOPS_GIT_MAX_TIMEOUT", "90s"), Map.entry("BCGITOPS_GIT_FETCH_THREADS", "2"),
        Map.entry("BCGITOPS_GIT_FETCH_QUEUE", "10"))).git();

    assertEquals(50, git.read().apps().value());
    assertEquals(64 * 1024, git.read().specBytes().value());
    assertEquals(1 << 20, git.read().readBytes().value());
    assertEquals(8, git.read().treeDepth().value());
    assertEquals(5000, git.read().treeEntries().value());
    assertEquals(1 << 20, git.fetch().objectBytes().value());
    assertEquals(1L << 30, git.fetch().fetchBytes().value());
    assertEquals(5000, git.fetch().objects().value());
    assertEquals(64 * 1024, git.fetch().refsBytes().value());
    assertEquals(4 << 20, git.fetch().inflatedBytes().value());
    assertEquals(Duration.ofSeconds(90), git.longestTimeout());
    assertEquals(2, git.fetchThreads().value());
    assertEquals(1, git.fetchThreadsPerNamespace().value(), "half the threads, unless set");
    assertEquals(10, git.fetchQueue().value());
    assertEquals(3, OperatorConfig.fromEnvironment(Map.of("BCGITOPS_GIT_FETCH_THREADS", "8",
        "BCGITOPS_GIT_FETCH_THREADS_PER_NAMESPACE", "3")).git().fetchThreadsPerNamespace().value());
    assertEquals(4, OperatorConfig.fromEnvironment(Map.of("BCGITOPS_GIT_FETCH_THREADS", "8")).git()
        .fetchThreadsPerNamespace().value());
  }

  /** A namespace of slow servers takes half the fetch threads at most; a fetch may hold one 2 minutes. */
  @Test
  void theDefaultsLeaveOtherNamespacesTheirShare() {
    assertEquals(4, OperatorConfig.Git.DEFAULTS.fetchThreads().value());
    assertEquals(2, OperatorConfig.Git.DEFAULTS.fetchThreadsPerNamespace().value());
    assertEquals(Duration.ofMinutes(2), OperatorConfig.Git.DEFAULTS.longestTimeout());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BCGITOPS_MAX_APPS|many|BCGITOPS_MAX_APPS must be a positive whole number, got 'many'",
      "BCGITOPS_MAX_APPS|0|BCGITOPS_MAX_APPS must be a positive whole number, got '0'",
      "BCGITOPS_GIT_FETCH_THREADS|1.5|BCGITOPS_GIT_FETCH_THREADS must be a positive whole number, got '1.5'",
      "BCGITOPS_MAX_READ_BYTES|16MB!|BCGITOPS_MAX_READ_BYTES must be a positive size in bytes, or a quantity such as"
          + " 16Mi or 1Gi, got '16MB!'",
      "BCGITOPS_GIT_MAX_TIMEOUT|forever|BCGITOPS_GIT_MAX_TIMEOUT must be a duration of at least 1s (such as 5m or"
          + " 90s), got 'forever'"})
  void aValueThatIsNoAmountNamesItsVariable(String variable, String value, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OperatorConfig.fromEnvironment(Map.of(variable, value)));
    assertEquals(message, e.getMessage());
  }
}
