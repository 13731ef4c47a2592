package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator's memory in its own JVM: idle, after reconciling a source of 1,000 vm apps with both
 * controllers (1,000 AppDeployments and their 1,000 Deployments in its caches), and after more
 * reconciles of that source, each of a new commit that upgrades one app, which must not make it grow. The Deployments'
 * status is written as the Deployment controller would ({@link DeploymentControllerStandIn}); no pod runs.
 */
final class OperatorMemoryBenchmark implements Benchmark {
  private static final int APPS = 1_000;
  private static final int MORE_RECONCILES = 20;
  private static final String NAMESPACE = "bench";
  private static final String SOURCE = "apps";
  private static final long TARGET_RESIDENT = 150 * Units.MIB;
  /** Growth under this over all the extra reconciles is noise (a full GC's live set varies by some KiB). */
  private static final long GROWTH_NOISE = Units.MIB;
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final Duration QUIET = Duration.ofSeconds(2);
  /** Lets the JIT and the first collections settle before memory is read. */
  private static final Duration SETTLE = Duration.ofSeconds(3);
  /**
   * At rest: the thread pools that grew for the work (JOSDK's and Fabric8's cached pools, the JDK HTTP client's)
   * end their idle threads after 60 s, and with them each thread's stack and Jackson's per-thread buffers.
   */
  private static final Duration REST = Duration.ofSeconds(65);

  @Override
  public List<Figure> run(Path work) throws Exception {
    GitRepo repo = GitRepo.createBare(work.resolve("apps.git"));
    repo.commit(SpecFiles.repository(APPS, "1.0.0", false));
    try (MockCluster cluster = MockCluster.start(); OperatorProcess operator = OperatorProcess.start(cluster, work);
        DeploymentControllerStandIn deployments = new DeploymentControllerStandIn(cluster.bench(), NAMESPACE)) {
      Thread.sleep(SETTLE.toMillis());
      OperatorProcess.Memory idle = operator.memory();
      cluster.createSource(NAMESPACE, SOURCE, repo.url(), "1m");
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
        GitOpsSource source = cluster.source(NAMESPACE, SOURCE);
        return source.getStatus() != null && source.getStatus().getAppCount() == APPS
            && cluster.bench().resources(Deployment.class).inNamespace(NAMESPACE).list().getItems().size() == APPS;
      });
      cluster.meter.awaitQuiet(OperatorProcess.CLIENT, QUIET, WAIT);
      Thread.sleep(SETTLE.toMillis());
      OperatorProcess.Memory applied = operator.memory();
      Thread.sleep(REST.minus(SETTLE).toMillis());
      OperatorProcess.Memory loaded = operator.memory();
      for (int i = 0; i < MORE_RECONCILES; i++) {
        String commit = repo.commit(Map.of(SpecFiles.file(i), SpecFiles.spec(i, "1.0.1", false)));
        String requested = "bench-" + i;
        cluster.bench().resources(GitOpsSource.class).inNamespace(NAMESPACE).withName(SOURCE).edit(s -> {
          s.getMetadata().getAnnotations().put(Api.RECONCILE_REQUESTED_AT, requested);
          return s;
        });
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> cluster.source(NAMESPACE, SOURCE)
            .getStatus().getLastAppliedRevision().endsWith(commit));
      }
      cluster.meter.awaitQuiet(OperatorProcess.CLIENT, QUIET, WAIT);
      Thread.sleep(REST.toMillis());
      OperatorProcess.Memory after = operator.memory();
      long growth = after.liveHeapBytes() - loaded.liveHeapBytes();
      return List.of(
          Figure.checked("Operator RSS with 1,000 apps at rest, a minute after the last change (both controllers,"
                  + " own JVM)", "< 150 MiB",
              Units.mib(loaded.residentBytes()) + " (idle " + Units.mib(idle.residentBytes()) + "; just after the apply "
                  + Units.mib(applied.residentBytes()) + ")",
              loaded.residentBytes() < TARGET_RESIDENT),
          Figure.info("Operator live heap with 1,000 apps at rest (after a full GC)",
              Units.mib(loaded.liveHeapBytes()) + " (idle " + Units.mib(idle.liveHeapBytes()) + "; just after the apply "
                  + Units.mib(applied.liveHeapBytes()) + ")"),
          Figure.checked("Operator live heap growth over " + MORE_RECONCILES + " more reconciles, each of a new commit"
                  + " upgrading one app",
              "none (< 1 MiB)", Units.mib(growth) + " (RSS at rest " + Units.mib(after.residentBytes()) + ")",
              growth < GROWTH_NOISE));
    }
  }
}
