package io.bcgitops.controller;

import static io.bcgitops.controller.GitOpsSourceReconcilerTest.app;
import static io.bcgitops.controller.OperatorHarness.condition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.source.FetchLimits;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.testing.GitTrees;
import io.bcgitops.testing.Tarpit;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's hostile repositories, as a user sees them on the GitOpsSource: a tree bomb and a
 * flood of large specs cost nothing and say which limit they hit, a server that trickles is cut off
 * at spec.timeout, and while every fetch thread waits on such servers, AppDeployments are still
 * reconciled at once.
 */
class GitOpsSourceLimitsTest extends OperatorTestBase {
  private TestRepo repo;
  private Tarpit tarpit;

  @AfterEach
  void closeServers() {
    if (tarpit != null) {
      tarpit.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  private static Map<String, Object> map(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> out = new TreeMap<>();
    operator.apps(ns).forEach(a -> out.put(a.getMetadata().getName(), a.getMetadata().getResourceVersion()));
    return out;
  }

  @Test
  void aTreeBombIsNotCheckedOutAndTheAppsBesideItAreApplied() {
    repo = TestRepo.create(tmp.resolve("repo"));
    GitTrees trees = new GitTrees(repo);
    ObjectId bomb = trees.bomb(8, 10);
    trees.commit(map("apps", map("web", map("app.yaml", app("web", "1.0")), "bomb", bomb), "bomb", bomb),
        "100,000,000 files in a checkout");
    startOperator(true);
    long started = System.nanoTime();

    operator.createSource(ns, "bombed", repo.fileUrl(), spec -> spec.setTimeout("10s"));
    GitOpsSource source = operator.awaitReady(ns, "bombed", "Succeeded");

    long took = (System.nanoTime() - started) / 1_000_000;
    assertEquals("1.0", operator.app(ns, "web").getSpec().getVersion());
    assertEquals(1, source.getStatus().getAppCount());
    System.out.printf("tree bomb source: Ready after %d ms%n", took);
  }

  @Test
  void fourHundredSpecsOfOneMebibyteAreRepositoryTooLargeAndChangeNothing() {
    repo = TestRepo.create(tmp.resolve("repo"));
    GitTrees trees = new GitTrees(repo);
    trees.commit(map("apps", map("web", map("app.yaml", app("web", "1.0")))), "one app");
    startOperator(true);
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");
    Map<String, String> before = resourceVersions();

    StringBuilder big = new StringBuilder(app("web", "2.0"));
    while (big.length() < GitOpsRepository.MAX_SPEC_BYTES - 100) {
      big.append("# padding padding padding padding padding padding padding padding padding padding\n");
    }
    Map<String, Object> apps = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      apps.put("app-" + i, map("app.yaml", big.toString()));
    }
    trees.commit(map("apps", apps), "400 specs of 1 MiB, a few KB in git");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "RepositoryTooLarge");
    Condition ready = condition(source, "Ready").orElseThrow();
    assertTrue(ready.getMessage().contains("past 4 MiB, the limit BCGITOPS_MAX_READ_BYTES sets"), ready.getMessage());
    assertTrue(ready.getMessage().contains("no AppDeployment was changed"), ready.getMessage());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(before, resourceVersions());
  }

  @Test
  void anObjectOverTheLimitIsRepositoryTooLargeAndAFetchFailure() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).write("docs/manual.txt", "m".repeat(64 * 1024));
    repo.commit("a manual of 64 KiB");
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS,
        OperatorConfig.Git.DEFAULTS.withFetch(FetchLimits.DEFAULTS.withObjectBytes(32 * 1024)));

    operator.createSource(ns, "docs", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "docs", "RepositoryTooLarge");
    assertTrue(condition(source, "Ready").orElseThrow().getMessage()
        .contains("larger than 32 KiB, the limit BCGITOPS_GIT_MAX_OBJECT_BYTES sets"));
    assertEquals("True", condition(source, "FetchFailed").orElseThrow().getStatus());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(List.of(), operator.apps(ns));
  }

  @Test
  void aPackOfMoreObjectsThanTheLimitIsRepositoryTooLarge() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0"));
    for (int i = 0; i < 20; i++) {
      repo.write("junk/" + i, String.valueOf(i));
    }
    repo.commit("20 small files");
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS,
        OperatorConfig.Git.DEFAULTS.withFetch(FetchLimits.DEFAULTS.withObjects(10)));

    operator.createSource(ns, "junk", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "junk", "RepositoryTooLarge");
    assertTrue(condition(source, "Ready").orElseThrow().getMessage()
        .contains("its pack holds 26 objects, more than 10, the limit BCGITOPS_GIT_MAX_OBJECTS sets"),
        condition(source, "Ready").orElseThrow().getMessage());
    assertEquals("True", condition(source, "FetchFailed").orElseThrow().getStatus());
    assertEquals(List.of(), operator.apps(ns));
  }

  @Test
  void aServerThatTricklesIsCutOffAtSpecTimeout() {
    tarpit = new Tarpit(Tarpit.Mode.HTTP_BODY, Duration.ofMillis(1500));
    startOperator(false);
    long started = System.nanoTime();

    operator.createSource(ns, "slow", tarpit.url(), spec -> spec.setTimeout("2s"));

    GitOpsSource source = operator.awaitReady(ns, "slow", "FetchFailed");
    long took = (System.nanoTime() - started) / 1_000_000;
    Condition failed = condition(source, "FetchFailed").orElseThrow();
    assertEquals("True", failed.getStatus());
    assertTrue(failed.getMessage().contains("did not finish within 2s (spec.timeout)"), failed.getMessage());
    assertTrue(took < 4_000, "FetchFailed after " + took + " ms");
    assertTrue(operator.liveness.isLive(), "a slow server is no wedged operator");
    System.out.printf("tarpit source (timeout 2s): FetchFailed after %d ms%n", took);
  }

  @Test
  void tarpitsTakingEveryFetchThreadDoNotDelayAppDeployments() {
    tarpit = new Tarpit(Tarpit.Mode.HTTP_HEADERS, Duration.ofMillis(1500));
    // Two fetch threads and 50 sources of a server that never answers, each allowed 60 s.
    OperatorConfig.Git defaults = OperatorConfig.Git.DEFAULTS;
    startOperator(OperatorHarness.Controllers.ALL, new OperatorConfig.Git(RepositoryLimits.DEFAULTS,
        FetchLimits.DEFAULTS, defaults.maxTimeout(), defaults.fetchThreads().withValue(2),
        defaults.fetchThreadsPerNamespace().withValue(2), defaults.fetchQueue(), defaults.namespaceAppBytes()));
    for (int i = 0; i < 50; i++) {
      operator.createSource(ns, "slow-" + i, tarpit.url(), spec -> spec.setTimeout("60s"));
    }
    await().atMost(OperatorHarness.WAIT).until(() -> tarpit.connections() >= 2);
    long started = System.nanoTime();

    client.resource(TestApps.vm(ns, "web", "1.0", spec -> { })).create();

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
      AppDeployment app = operator.app(ns, "web");
      return app.getStatus() != null && app.getStatus().getPhase() != null;
    });
    long took = (System.nanoTime() - started) / 1_000_000;
    assertEquals(2, tarpit.open(), "two fetches hold the tarpit, the other 48 wait for a fetch thread");
    assertTrue(operator.liveness.isLive());
    System.out.printf("50 tarpit sources on 2 fetch threads: an AppDeployment had its status after %d ms%n", took);
  }

  /** Two fetch threads, one for each namespace at most. */
  private static OperatorConfig.Git twoThreads() {
    OperatorConfig.Git defaults = OperatorConfig.Git.DEFAULTS;
    return new OperatorConfig.Git(defaults.read(), defaults.fetch(), defaults.maxTimeout(),
        defaults.fetchThreads().withValue(2), defaults.fetchThreadsPerNamespace().withValue(1), defaults.fetchQueue(),
        defaults.namespaceAppBytes());
  }

  /**
   * The review's queue attack: 20 sources of one namespace on a server that never answers, each
   * allowed 5 s, every 1 s. In one FIFO queue of 2 threads, a source of another namespace waited
   * behind all of them (20 x 5 s / 2 = 50 s) for each fetch. Its commit is now applied within its
   * interval and one fetch.
   */
  @Test
  void tarpitsOfOneNamespaceDoNotDelayTheSourcesOfAnother() {
    tarpit = new Tarpit(Tarpit.Mode.HTTP_HEADERS, Duration.ofMillis(500));
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).commit("one app");
    String hostile = ns + "-hostile";
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS, twoThreads(), Set.of(ns, hostile));
    for (int i = 0; i < 20; i++) {
      operator.createSource(hostile, "slow-" + i, tarpit.url(), spec -> {
        spec.setTimeout("5s");
        spec.setInterval("1s");
      });
    }
    await().atMost(OperatorHarness.WAIT).until(() -> tarpit.connections() >= 1);

    long started = System.nanoTime();
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> spec.setInterval("2s"));
    operator.awaitReady(ns, "shop", "Succeeded");
    long firstMs = (System.nanoTime() - started) / 1_000_000;
    repo.write("apps/web/app.yaml", app("web", "2.0")).commit("web 2.0");
    long committed = System.nanoTime();
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> "2.0".equals(operator.app(ns, "web").getSpec().getVersion()));
    long appliedMs = (System.nanoTime() - committed) / 1_000_000;

    assertTrue(firstMs < 3_000, "the first fetch waited " + firstMs + " ms");
    assertTrue(appliedMs < 2_000 + 2_000, "the commit was applied " + appliedMs + " ms after it was pushed,"
        + " more than the interval (2 s) and a fetch");
    assertEquals(1, tarpit.open(), "the hostile namespace holds one fetch thread, its share");
    System.out.printf("20 tarpit sources in another namespace: first fetch after %d ms, a commit applied after %d"
        + " ms (interval 2 s)%n", firstMs, appliedMs);
  }

  /** A fetch cut off at spec.timeout held a thread that long: its source rests as long before the next. */
  @Test
  void aSourceWhoseFetchRanIntoItsTimeoutRestsAsLong() {
    tarpit = new Tarpit(Tarpit.Mode.HTTP_HEADERS, Duration.ofMillis(500));
    startOperator(false);

    operator.createSource(ns, "slow", tarpit.url(), spec -> {
      spec.setTimeout("2s");
      spec.setInterval("1s");
    });
    await().atMost(OperatorHarness.WAIT).until(() -> tarpit.connections() >= 1);
    long first = System.nanoTime();
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(20)).until(() -> tarpit.connections() >= 2);
    long gapMs = (System.nanoTime() - first) / 1_000_000;

    // 2 s of fetch, then 2 s of rest (the timeout, being longer than the interval), not 1 s.
    assertTrue(gapMs >= 3_800, "the next fetch started " + gapMs + " ms after the last");
  }

  /**
   * The operator keeps every source's apps between fetches: what one namespace's sources keep
   * together is bounded, so that many sources (or many copies of one) cannot fill the heap. The
   * source that would go past it is RepositoryTooLarge; a source of another namespace is not.
   */
  @Test
  void theAppsOneNamespaceKeepsAreBounded() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).commit("one app");
    TestRepo big = TestRepo.create(tmp.resolve("big"));
    StringBuilder env = new StringBuilder("env:\n");
    for (int e = 0; e < 100; e++) {
      env.append("  E").append(e).append(": v\n");
    }
    for (int i = 0; i < 4; i++) {
      big.write("apps/big-" + i + "/app.yaml", app("big-" + i, "1.0") + env);
    }
    String bigRevision = "main@sha1:" + big.commit("four apps of 100 env entries, about 19 KiB each as kept");
    String other = ns + "-other";
    OperatorConfig.Git defaults = OperatorConfig.Git.DEFAULTS;
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS, new OperatorConfig.Git(defaults.read(),
        defaults.fetch(), defaults.maxTimeout(), defaults.fetchThreads(), defaults.fetchThreadsPerNamespace(),
        defaults.fetchQueue(), defaults.namespaceAppBytes().withValue(128 * 1024)), Set.of(ns, other));
    try (big) {
      operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });
      operator.awaitReady(ns, "shop", "Succeeded");
      operator.createSource(ns, "big-1", big.fileUrl(), spec -> { });
      operator.awaitReady(ns, "big-1", "Succeeded");

      operator.createSource(ns, "big-2", big.fileUrl(), spec -> { });

      GitOpsSource refused = operator.awaitReady(ns, "big-2", "RepositoryTooLarge");
      assertTrue(condition(refused, "Ready").orElseThrow().getMessage().matches("the apps of "
          + bigRevision.replace("@", "\\@") + " would take about \\d+\\.\\d KiB of the operator's memory, and the other"
          + " sources of namespace " + ns + " hold \\d+\\.\\d KiB: together past 128 KiB, the limit"
          + " BCGITOPS_MAX_NAMESPACE_APP_BYTES sets; no AppDeployment was changed"),
          condition(refused, "Ready").orElseThrow().getMessage());
      assertEquals("True", condition(refused, "Stalled").orElseThrow().getStatus());
      operator.createSource(other, "big-1", big.fileUrl(), spec -> { });
      operator.awaitReady(other, "big-1", "Succeeded");
      assertEquals(4, operator.apps(other).size());
    }
  }

  @Test
  void aTimeoutOverTheLongestAllowedIsAnInvalidSource() {
    startOperator(false);

    operator.createSource(ns, "patient", "https://git.example.com/shop.git", spec -> spec.setTimeout("1h"));

    GitOpsSource source = operator.awaitReady(ns, "patient", "InvalidSource");
    assertEquals("spec.timeout: 1h is more than 2m, the longest fetch the operator allows (BCGITOPS_GIT_MAX_TIMEOUT)",
        condition(source, "Ready").orElseThrow().getMessage());
  }
}
