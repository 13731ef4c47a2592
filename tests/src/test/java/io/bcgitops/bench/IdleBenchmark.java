package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.controller.ScriptedRuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Both controllers with 1,000 apps that are all Ready and stay so (500 vm apps, their pods written
 * as a kubelet would; 500 embedded apps in 5 runtime pools, whose APIs answer from a script and
 * report a new health check at every look), against the mock API server: what the operator sends
 * the API server in a minute of nothing changing. Every write counts: AppDeployments, their status,
 * Deployments, Events.
 */
final class IdleBenchmark implements Benchmark {
  private static final int APPS = 1_000;
  private static final int POOLS = 5;
  private static final String NAMESPACE = "bench";
  private static final String OPERATOR = "operator";
  private static final String TOKEN = "bench-pool-token";
  /** The source's interval: a fetch finding nothing new happens several times in the minute. */
  private static final String INTERVAL = "15s";
  private static final Duration READY = Duration.ofMinutes(6);
  private static final Duration IDLE = Duration.ofMinutes(1);

  @Override
  public List<Figure> run(Path work) throws Exception {
    GitRepo repo = GitRepo.createBare(work.resolve("apps.git"));
    repo.commit(SpecFiles.mixed(APPS, POOLS, "1.0.0"));
    try (MockCluster cluster = MockCluster.start(); KubernetesClient client = cluster.client(OPERATOR);
        ScriptedRuntimePool pools = new ScriptedRuntimePool(TOKEN)) {
      KubernetesClient bench = cluster.bench();
      for (int pool = 0; pool < POOLS; pool++) {
        InProcessOperator.createPoolToken(bench, NAMESPACE, SpecFiles.runtime(pool, POOLS), TOKEN);
      }
      Operator operator = InProcessOperator.start(client, NAMESPACE, work, pools);
      try {
        cluster.createSource(NAMESPACE, "apps", repo.url(), INTERVAL);
        FakeKubelet kubelet = new FakeKubelet(bench, NAMESPACE);
        for (int pool = 0; pool < POOLS; pool++) {
          kubelet.startPool(RuntimePools.name(SpecFiles.runtime(pool, POOLS)));
        }
        for (int app = 0; app < APPS; app += 2) {
          kubelet.rollOut(SpecFiles.name(app));
        }
        await().atMost(READY).pollInterval(Duration.ofSeconds(1))
            .until(() -> MockCluster.allReady(cluster.source(NAMESPACE, "apps"), APPS));
        // Reads never stop (every embedded app is polled); the last write of the way there is awaited.
        cluster.meter.awaitNoWrites(OPERATOR, Duration.ofSeconds(5), READY);

        int mark = cluster.meter.mark();
        Thread.sleep(IDLE.toMillis());
        List<ApiMeter.Answer> answers = cluster.meter.since(mark, OPERATOR);
        List<ApiMeter.Answer> writes = answers.stream().filter(ApiMeter.Answer::isWrite).toList();
        String what = ApiMeter.summary(writes);
        return List.of(
            Figure.checked("Idle: writes to the API server per minute, 1,000 Ready apps (500 vm, 500 embedded in 5"
                + " pools), nothing changing", "0", Units.count(writes.size()) + (writes.isEmpty() ? "" : " " + what),
                writes.isEmpty()),
            Figure.info("Idle: API requests per minute, the same 1,000 apps",
                Units.count(answers.size()) + " (watches stay open; the runtime pools' APIs are not counted)"));
      } finally {
        operator.stop();
      }
    }
  }

}
