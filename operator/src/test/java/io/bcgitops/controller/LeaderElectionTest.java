package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two replicas: one holds the Lease and reconciles; when it dies, the other takes over. */
class LeaderElectionTest extends OperatorTestBase {

  private Operator replica(String identity) {
    return replica(identity, Duration.ofSeconds(2));
  }

  private Operator replica(String identity, Duration leaseDuration) {
    return replica(identity, leaseDuration, () -> {
      throw new AssertionError(identity + " lost its Lease without being stopped");
    });
  }

  private Operator replica(String identity, Duration leaseDuration, Runnable lost) {
    OperatorConfig config = new OperatorConfig(Set.of(ns), tmp.resolve("cache-" + identity), true, PodImages.DEFAULTS,
        RuntimePoolAddress.CLUSTER_DNS, OperatorConfig.Service.LOCAL);
    Operator replica = BcGitopsOperator.newOperator(client, new LeaderLease(
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(BcGitopsOperator.LEASE_NAME)
            .withLeaseNamespace(ns).withIdentity(identity)
            .withLeaseDuration(leaseDuration).withRenewDeadline(Duration.ofMillis(1500))
            .withRetryPeriod(Duration.ofMillis(200))
            .build(), lost));
    BcGitopsOperator.registerGitOpsSources(replica, config);
    replica.start();
    return replica;
  }

  private String holder() {
    Lease lease = lease();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private Lease lease() {
    return client.leases().inNamespace(ns).withName(BcGitopsOperator.LEASE_NAME).get();
  }

  /** What a real API server answers an operator whose RBAC grants it Leases (JOSDK checks before electing). */
  private void leasesAllowed() {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
  }

  @Test
  void aLeaderThatLosesItsLeaseWithoutBeingStoppedGivesUp() throws Exception {
    leasesAllowed();
    java.util.concurrent.CountDownLatch lost = new java.util.concurrent.CountDownLatch(1);
    Operator first = replica("first", Duration.ofSeconds(2), lost::countDown);
    try {
      await().atMost(OperatorHarness.WAIT).until(() -> "first".equals(holder()));

      // Another replica holds the Lease now, as when this one could not renew it in time (a long GC, a partition).
      client.leases().inNamespace(ns).withName(BcGitopsOperator.LEASE_NAME).edit(lease -> {
        lease.getSpec().setHolderIdentity("second");
        lease.getSpec().setLeaseDurationSeconds(60);
        lease.getSpec().setRenewTime(java.time.ZonedDateTime.now());
        return lease;
      });

      // In production the process exits (LeaderLease's default), so that only the new leader reconciles.
      org.junit.jupiter.api.Assertions.assertTrue(lost.await(20, java.util.concurrent.TimeUnit.SECONDS),
          "the leader went on as if it still held the Lease");
    } finally {
      first.stop();
    }
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItDies() {
    leasesAllowed();
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "1.0"));
    repo.commit("db 1.0");
    Operator first = replica("first");
    await().atMost(OperatorHarness.WAIT).until(() -> "first".equals(holder()));
    Operator second = replica("second");
    try (AppsBecomeReady ready = new AppsBecomeReady(client, ns)) {
      operator = new OperatorHarness(server, client);
      operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });
      operator.awaitReady(ns, "shop", "Succeeded");
      assertEquals("first", holder());

      first.stop();

      await().atMost(OperatorHarness.WAIT).until(() -> "second".equals(holder()));
      repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "2.0"));
      repo.commit("db 2.0");
      operator.requestReconcile(ns, "shop");
      await().atMost(OperatorHarness.WAIT).until(() -> "2.0".equals(operator.app(ns, "db").getSpec().getVersion()));
    } finally {
      second.stop();
    }
  }

  /**
   * A stopping leader hands its Lease back (Fabric8's LeaderElector#release: a duration of 1 s from
   * now, and no holder, which a JSON merge patch that leaves out the null holder keeps as it was),
   * so a rolling restart has a new leader within the others' retry period instead of after the
   * Lease's duration (15 s by default; a minute here, which the takeover must not wait for).
   */
  @Test
  void aStoppedLeaderReleasesItsLeaseAndAnotherLeadsAtOnce() {
    leasesAllowed();
    Operator first = replica("first", Duration.ofMinutes(1));
    await().atMost(OperatorHarness.WAIT).until(() -> "first".equals(holder()));
    Operator second = replica("second", Duration.ofMinutes(1));
    try {
      first.stop();

      assertEquals(1, lease().getSpec().getLeaseDurationSeconds(), () -> "released: " + lease().getSpec());
      await().atMost(Duration.ofSeconds(10)).until(() -> "second".equals(holder()));
    } finally {
      second.stop();
    }
  }
}
