package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.controller.ScriptedRuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 200 embedded apps in 10 runtime pools, all Ready and staying so (the pools' APIs answer from a script and report
 * a new health check at every look), against the mock API server: what the operator asks of the pools' APIs and
 * of the API server in a minute of nothing changing. The target is one poll per pool per interval (10 s): 60 a
 * minute, whatever the number of apps; before RuntimePools each app polled its pool and listed its pods, 1,200
 * calls to the pools and 1,200 pod lists a minute for these apps.
 */
final class PoolPollBenchmark implements Benchmark {
  private static final int APPS = 200;
  private static final int POOLS = 10;
  private static final String NAMESPACE = "bench";
  private static final String OPERATOR = "operator";
  private static final String TOKEN = "bench-pool-token";
  private static final Duration READY = Duration.ofMinutes(4);
  private static final Duration IDLE = Duration.ofMinutes(1);
  /** Polls a minute at one per pool per 10 s; one more per pool for a timer firing at the minute's edge. */
  private static final int TARGET = POOLS * 6;

  @Override
  public List<Figure> run(Path work) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    for (int app = 0; app < APPS; app++) {
      files.put(SpecFiles.file(app), SpecFiles.embeddedSpec(app, "1.0.0", SpecFiles.runtime(app, POOLS)));
    }
    GitRepo repo = GitRepo.createBare(work.resolve("apps.git"));
    repo.commit(files);
    try (MockCluster cluster = MockCluster.start(); KubernetesClient client = cluster.client(OPERATOR);
        ScriptedRuntimePool pools = new ScriptedRuntimePool(TOKEN)) {
      KubernetesClient bench = cluster.bench();
      for (int pool = 0; pool < POOLS; pool++) {
        InProcessOperator.createPoolToken(bench, NAMESPACE, SpecFiles.runtime(pool, POOLS), TOKEN);
      }
      Operator operator = InProcessOperator.start(client, NAMESPACE, work, pools);
      try {
        // A long interval: the source's own fetches are not what is measured here.
        cluster.createSource(NAMESPACE, "apps", repo.url(), "10m");
        FakeKubelet kubelet = new FakeKubelet(bench, NAMESPACE);
        for (int pool = 0; pool < POOLS; pool++) {
          kubelet.startPool(RuntimePools.name(SpecFiles.runtime(pool, POOLS)));
        }
        await().atMost(READY).pollInterval(Duration.ofSeconds(1))
            .until(() -> MockCluster.allReady(cluster.source(NAMESPACE, "apps"), APPS));
        cluster.meter.awaitNoWrites(OPERATOR, Duration.ofSeconds(5), READY);

        int mark = cluster.meter.mark();
        int polledBefore = pools.appListCalls();
        Thread.sleep(IDLE.toMillis());
        int polls = pools.appListCalls() - polledBefore;
        List<ApiMeter.Answer> answers = cluster.meter.since(mark, OPERATOR);
        List<ApiMeter.Answer> writes = answers.stream().filter(ApiMeter.Answer::isWrite).toList();
        String what = ApiMeter.summary(writes);
        return List.of(
            Figure.checked("Pools: calls to the runtime pools' APIs per minute, 200 embedded apps in 10 pools,"
                + " nothing changing", Units.count(TARGET) + " (one poll per pool per 10 s)",
                Units.count(polls), polls <= TARGET + POOLS),
            Figure.checked("Pools: writes to the API server per minute, the same 200 apps", "0",
                Units.count(writes.size()) + (writes.isEmpty() ? "" : " " + what), writes.isEmpty()),
            Figure.info("Pools: API server requests per minute, the same 200 apps",
                Units.count(answers.size()) + " (watches stay open; no pod list, no status write)"));
      } finally {
        operator.stop();
      }
    }
  }

}
