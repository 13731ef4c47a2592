package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.testing.GitTrees;
import io.bcgitops.testing.HostileClients;
import io.bcgitops.testing.Tarpit;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Issue 12's attacks on the operator in a JVM of its own (the shipped flags, a 512Mi pod's heap),
 * one after the other: a tree bomb, 400 specs of 1 MiB, a git server that trickles, a 300 MB body
 * and stalled connections on its HTTP port. After each, its live heap (after a full GC) against its
 * idle heap: an attack must leave nothing behind. Then the noisy neighbour: while a tree bomb and a
 * tarpit are fetched at every interval, another source's new commit must be applied at its own.
 */
final class AttackBenchmark implements Benchmark {
  private static final String NAMESPACE = "bench";
  /** The noisy neighbours' interval and the good source's: short, so that they compete all the time. */
  private static final String INTERVAL = "5s";
  private static final Duration INTERVAL_DURATION = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Duration SETTLE = Duration.ofSeconds(3);
  /** An attack that leaves the live heap within this of the idle one left nothing behind (a GC's noise). */
  private static final long NOISE = 4 * Units.MIB;
  private static final int STALLED_CONNECTIONS = 32;

  @Override
  public List<Figure> run(Path work) throws Exception {
    try (MockCluster cluster = MockCluster.start(); OperatorProcess operator = OperatorProcess.start(cluster, work);
        Tarpit tarpit = new Tarpit(Tarpit.Mode.HTTP_BODY, Duration.ofMillis(1500))) {
      Thread.sleep(SETTLE.toMillis());
      long empty = operator.memory().liveHeapBytes();
      // Idle is after a first ordinary source: its informers, JGit and the rest that any source loads.
      TestRepo good = TestRepo.create(work.resolve("good"));
      good.write("apps/shop/app.yaml", spec("shop")).commit("shop 1.0");
      cluster.createSource(NAMESPACE, "good", good.fileUrl(), INTERVAL, "10s");
      awaitOutcome(cluster, "good");
      Thread.sleep(SETTLE.toMillis());
      long idle = operator.memory().liveHeapBytes();
      List<Figure> figures = new ArrayList<>();
      figures.add(Figure.info("Operator live heap idle with one ordinary source (against no source at all)",
          Units.mib(idle) + " (" + Units.mib(empty) + ")"));

      long started = System.nanoTime();
      TestRepo bombed = TestRepo.create(work.resolve("bomb"));
      GitTrees bombTrees = new GitTrees(bombed);
      ObjectId bomb = bombTrees.bomb(8, 10);
      bombTrees.commit(Map.of("apps", Map.of("web", Map.of("app.yaml", spec("web")), "bomb", bomb), "bomb", bomb),
          "a tree bomb next to one app");
      cluster.createSource(NAMESPACE, "bomb", bombed.fileUrl(), INTERVAL, "10s");
      String outcome = awaitOutcome(cluster, "bomb");
      figures.add(heapAfter(operator, idle, "a tree bomb (8 levels of 10 folders: 10^8 files in a checkout, a few"
          + " hundred bytes in git), spec.timeout 10s", outcome, started));

      started = System.nanoTime();
      TestRepo large = TestRepo.create(work.resolve("large"));
      GitTrees largeTrees = new GitTrees(large);
      StringBuilder big = new StringBuilder(spec("web"));
      while (big.length() < GitOpsRepository.MAX_SPEC_BYTES - 100) {
        big.append("# padding padding padding padding padding padding padding padding padding padding\n");
      }
      Map<String, Object> apps = new LinkedHashMap<>();
      for (int i = 0; i < 400; i++) {
        apps.put("app-" + i, Map.of("app.yaml", big.toString()));
      }
      largeTrees.commit(Map.of("apps", apps), "400 specs of 1 MiB");
      cluster.createSource(NAMESPACE, "large", large.fileUrl(), INTERVAL, "10s");
      outcome = awaitOutcome(cluster, "large");
      figures.add(heapAfter(operator, idle, "400 specs of 1 MiB each (one blob in git)", outcome, started));

      started = System.nanoTime();
      cluster.createSource(NAMESPACE, "tarpit", tarpit.url(), INTERVAL, "2s");
      outcome = awaitOutcome(cluster, "tarpit");
      figures.add(heapAfter(operator, idle, "a git server sending a byte every 1.5 s, spec.timeout 2s", outcome,
          started));

      started = System.nanoTime();
      HostileClients.Flood flood = HostileClients.flood(operator.healthPort(),
          "POST /healthz HTTP/1.1\r\nHost: operator\r\nContent-Length: 314572800\r\n\r\n", 300L * 1024 * 1024,
          Duration.ofSeconds(60));
      List<Socket> stalled = new ArrayList<>();
      for (int i = 0; i < STALLED_CONNECTIONS; i++) {
        stalled.add(HostileClients.stalled(operator.healthPort(),
            "POST /healthz HTTP/1.1\r\nHost: operator\r\nContent-Length: 1000\r\n\r\nhalf"));
      }
      boolean live = operator.live();
      for (Socket socket : stalled) {
        socket.close();
      }
      figures.add(heapAfter(operator, idle, "a 300 MB body to /healthz, then " + STALLED_CONNECTIONS
          + " connections stalled mid-body", flood.statusLine() + " after " + Units.count(flood.bytesSent() / 1024)
          + " KiB sent; /healthz meanwhile " + (live ? "200" : "failed"), started));

      figures.add(noisyNeighbour(cluster, good));
      if (!operator.live()) {
        throw new IllegalStateException("the operator's /healthz fails after the attacks");
      }
      return figures;
    }
  }

  /** A third source's new commit, while the tree bomb and the tarpit keep being fetched at every interval. */
  private static Figure noisyNeighbour(MockCluster cluster, TestRepo good) {
    good.write("apps/shop/app.yaml", spec("shop").replace("\"1.0\"", "\"1.1\"")).commit("shop 1.1");
    long committed = System.nanoTime();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> good.head().equals(applied(cluster)));
    Duration took = Duration.ofNanos(System.nanoTime() - committed);
    return Figure.checked("Noisy neighbour: a commit to a third source applied, while a tree bomb and a tarpit are"
            + " fetched every " + INTERVAL, "its interval (" + INTERVAL + ") and the apply after its fetch (< 1 s)",
        Units.millis(took.toNanos()), took.compareTo(INTERVAL_DURATION.plusSeconds(1)) <= 0);
  }

  private static String applied(MockCluster cluster) {
    GitOpsSource source = cluster.source(NAMESPACE, "good");
    String revision = source.getStatus() == null ? null : source.getStatus().getLastAppliedRevision();
    return revision == null ? "" : revision.substring(revision.lastIndexOf(':') + 1);
  }

  /** What the source shows once it was reconciled: its Ready condition's reason. */
  private static String awaitOutcome(MockCluster cluster, String name) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> ready(cluster.source(NAMESPACE, name))
        .map(Condition::getReason), Optional::isPresent).orElseThrow();
  }

  private static Optional<Condition> ready(GitOpsSource source) {
    return source == null || source.getStatus() == null ? Optional.empty()
        : Optional.ofNullable(Conditions.find(source.getStatus().getConditions(), Conditions.READY))
            .filter(c -> c.getObservedGeneration() != null
                && c.getObservedGeneration().equals(source.getMetadata().getGeneration()));
  }

  private static Figure heapAfter(OperatorProcess operator, long idle, String attack, String outcome, long started)
      throws Exception {
    long took = System.nanoTime() - started;
    long after = operator.memory().liveHeapBytes();
    return Figure.checked("Operator live heap after " + attack, "idle + < " + Units.mib(NOISE),
        Units.mib(after) + " vs " + Units.mib(idle) + " idle; " + outcome + " in " + Units.millis(took),
        after - idle < NOISE);
  }

  private static String spec(String name) {
    return "name: " + name + "\nversion: \"1.0\"\nsource:\n  type: maven\n  coordinates: io.example:" + name + "\n";
  }
}
