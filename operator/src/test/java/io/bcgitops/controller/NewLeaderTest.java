package io.bcgitops.controller;

import static io.bcgitops.controller.OperatorHarness.writes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.testing.GitHttpServer;
import io.bcgitops.testing.TestRepo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new leader (after a failover, or a restart) has fetched nothing itself: it fetches each source
 * when the status shows its interval due, not every source at once.
 */
class NewLeaderTest extends OperatorTestBase {
  private static final Duration INTERVAL = Duration.ofSeconds(12);

  private TestRepo repo() {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "1.0"));
    repo.commit("db");
    return repo;
  }

  /** The first operator fetches and applies the source, then stops; returns when its status says it fetched. */
  private Instant handledByAFirstLeader(GitHttpServer git) {
    startOperator(false).createSource(ns, "shop", git.url(), spec -> spec.setInterval("12s"));
    operator.awaitReady(ns, "shop", "Succeeded");
    Instant fetchedAt = Instant.parse(operator.source(ns, "shop").getStatus().getArtifact().getFetchedAt());
    operator.close();
    return fetchedAt;
  }

  /** The new leader: nothing in memory, a cache of its own, the same API server. */
  private void newLeader() {
    operator = new OperatorHarness(server, client, ns, tmp.resolve("cache-new-leader"), false,
        OperatorHarness.Controllers.SOURCES_WITH_READY_APPS, RuntimePoolAddress.CLUSTER_DNS);
  }

  @Test
  void aNewLeaderFetchesWhenTheIntervalIsDueAndWritesNothingBefore() throws Exception {
    try (GitHttpServer git = GitHttpServer.anonymous(repo())) {
      Instant fetchedAt = handledByAFirstLeader(git);
      int fetches = git.uploadPackRequests();
      operator.drainRequests();

      newLeader();
      Duration untilShortlyBeforeDue = Duration.between(Instant.now(), fetchedAt.plus(INTERVAL).minusSeconds(2));
      Thread.sleep(Math.max(untilShortlyBeforeDue.toMillis(), 3000));

      assertEquals(fetches, git.uploadPackRequests(), "the new leader fetched before the interval was due");
      assertEquals(List.of(), writes(operator.drainRequests()), "the new leader wrote before its first fetch");
      await().atMost(Duration.ofSeconds(10)).until(() -> git.uploadPackRequests() > fetches);
      Instant fetched = Instant.now();
      assertFalse(fetched.isBefore(fetchedAt.plus(INTERVAL).minusMillis(500)),
          "fetched at " + fetched + ", before " + fetchedAt + " + " + INTERVAL);
      // The revision is unchanged: the fetch writes nothing, and the status keeps its fetchedAt.
      Thread.sleep(1000);
      assertEquals(List.of(), writes(operator.drainRequests()));
      assertEquals(fetchedAt.toString(), operator.source(ns, "shop").getStatus().getArtifact().getFetchedAt());
    }
  }

  /** A reconcile asked for while no operator led is one the status does not show handled: fetched at once. */
  @Test
  void aReconcileRequestedMeanwhileIsFetchedAtOnce() throws Exception {
    try (GitHttpServer git = GitHttpServer.anonymous(repo())) {
      handledByAFirstLeader(git);
      int fetches = git.uploadPackRequests();
      String requested = new OperatorHarness(server, client).requestReconcile(ns, "shop");

      newLeader();

      await().atMost(Duration.ofSeconds(5)).until(() -> git.uploadPackRequests() > fetches);
      await().atMost(OperatorHarness.WAIT).until(() ->
          requested.equals(operator.source(ns, "shop").getStatus().getLastHandledReconcileAt()));
    }
  }
}
