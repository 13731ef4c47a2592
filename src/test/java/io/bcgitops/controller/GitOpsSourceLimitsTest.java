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
import io.bcgitops.spec.Limit;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.testing.GitTrees;
import io.bcgitops.testing.Tarpit;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    assertTrue(ready.getMessage().contains("past 16 MiB, the limit BCGITOPS_MAX_READ_BYTES sets"), ready.getMessage());
    assertTrue(ready.getMessage().contains("no AppDeployment was changed"), ready.getMessage());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(before, resourceVersions());
  }

  @Test
  void anObjectOverTheLimitIsRepositoryTooLargeAndAFetchFailure() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).write("docs/manual.txt", "m".repeat(64 * 1024));
    repo.commit("a manual of 64 KiB");
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS, new OperatorConfig.Git(
        RepositoryLimits.DEFAULTS, new FetchLimits(Limit.bytes("BCGITOPS_GIT_MAX_OBJECT_BYTES", 32 * 1024),
        FetchLimits.DEFAULTS.fetchBytes()), OperatorConfig.Git.DEFAULTS.maxTimeout(),
        OperatorConfig.Git.DEFAULTS.fetchThreads(), OperatorConfig.Git.DEFAULTS.fetchQueue()));

    operator.createSource(ns, "docs", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "docs", "RepositoryTooLarge");
    assertTrue(condition(source, "Ready").orElseThrow().getMessage()
        .contains("larger than 32 KiB, the limit BCGITOPS_GIT_MAX_OBJECT_BYTES sets"));
    assertEquals("True", condition(source, "FetchFailed").orElseThrow().getStatus());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
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
    startOperator(OperatorHarness.Controllers.ALL, new OperatorConfig.Git(RepositoryLimits.DEFAULTS,
        FetchLimits.DEFAULTS, OperatorConfig.Git.DEFAULTS.maxTimeout(),
        OperatorConfig.Git.DEFAULTS.fetchThreads().withValue(2), OperatorConfig.Git.DEFAULTS.fetchQueue()));
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

  @Test
  void aTimeoutOverTheLongestAllowedIsAnInvalidSource() {
    startOperator(false);

    operator.createSource(ns, "patient", "https://git.example.com/shop.git", spec -> spec.setTimeout("1h"));

    GitOpsSource source = operator.awaitReady(ns, "patient", "InvalidSource");
    assertEquals("spec.timeout: 1h is more than 5m, the longest fetch the operator allows (BCGITOPS_GIT_MAX_TIMEOUT)",
        condition(source, "Ready").orElseThrow().getMessage());
  }
}
