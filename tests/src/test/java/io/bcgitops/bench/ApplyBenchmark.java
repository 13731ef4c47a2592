package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.PodImages;
import io.bcgitops.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A repository of 1,000 apps through the GitOpsSource controller (in this JVM, against a fresh mock
 * API server each time): from the GitOpsSource's creation until the last AppDeployment exists,
 * against a plain Fabric8 client writing the same 1,000 objects in a loop (the floor). Then the next
 * reconcile of the same revision, when the interval comes round: it must write nothing.
 */
final class ApplyBenchmark implements Benchmark {
  private static final int APPS = 1_000;
  private static final int ROUNDS = 3;
  private static final String NAMESPACE = "bench";
  private static final String SOURCE = "apps";
  /** Short, so that the no-op reconcile comes soon after the first. */
  private static final String INTERVAL = "5s";
  private static final String OPERATOR = "operator";
  private static final String FLOOR = "floor";
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration QUIET = Duration.ofSeconds(1);

  /** What one operator round measured. */
  private record OperatorRound(long applyNanos, long firstCreateNanos, Duration firstFetch, int requestsToApply,
      int requestsToSettle, Duration firstReconcile, NoOp noOp, List<AppDeployment> written) {
    /** From the first create to the last: the part of the apply the floor does too. */
    long createNanos() {
      return applyNanos - firstCreateNanos;
    }
  }

  /** The reconcile at the next interval, with nothing new in git. */
  private record NoOp(Duration took, int writes) {
  }

  @Override
  public List<Figure> run(Path work) throws Exception {
    GitRepo repo = GitRepo.createBare(work.resolve("apps.git"));
    repo.commit(SpecFiles.repository(APPS, "1.0.0", false));
    // The warm-up round: the JIT, and the objects the floor writes (exactly what the operator wrote).
    List<AppDeployment> objects = operatorRound(repo, work.resolve("cache-warm-up")).written();
    floor(objects);
    List<Long> floors = new ArrayList<>();
    List<OperatorRound> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Path cache = work.resolve("cache-" + round);
      // In turn, so that neither always runs second.
      if (round % 2 == 0) {
        floors.add(floor(objects));
        rounds.add(operatorRound(repo, cache));
      } else {
        rounds.add(operatorRound(repo, cache));
        floors.add(floor(objects));
      }
    }
    long floor = Units.median(floors);
    long apply = Units.median(rounds.stream().map(OperatorRound::applyNanos).toList());
    long untilFirstCreate = Units.median(rounds.stream().map(OperatorRound::firstCreateNanos).toList());
    long firstFetch = Units.median(rounds.stream().map(r -> r.firstFetch().toNanos()).toList());
    long creating = Units.median(rounds.stream().map(OperatorRound::createNanos).toList());
    long requests = Units.median(rounds.stream().map(r -> (long) r.requestsToApply()).toList());
    long settled = Units.median(rounds.stream().map(r -> (long) r.requestsToSettle()).toList());
    long first = Units.median(rounds.stream().map(r -> r.firstReconcile().toNanos()).toList());
    long noOp = Units.median(rounds.stream().map(r -> r.noOp().took().toNanos()).toList());
    int writes = rounds.stream().mapToInt(r -> r.noOp().writes()).max().orElseThrow();
    double applyRatio = apply / (double) floor;
    double noOpShare = noOp / (double) first;
    String median = "median of " + ROUNDS;
    return List.of(
        Figure.checked("Apply 1,000 apps: GitOpsSource created → last AppDeployment created, against a plain"
                + " client creating the same 1,000 objects", "≤ 1.2x",
            Units.ratio(applyRatio) + " (" + Units.millis(apply) + " vs " + Units.millis(floor) + ", " + median + ")",
            applyRatio <= 1.2),
        Figure.info("... of it, from the first create to the last, against the floor",
            Units.ratio(creating / (double) floor) + " (" + Units.millis(creating) + "; before the first create, "
                + Units.millis(untilFirstCreate) + ", of which " + Units.millis(firstFetch)
                + " the first fetch and checkout of the 1,000 folders)"),
        Figure.info("API requests for it, operator against the floor",
            Units.count(requests) + " vs " + Units.count(APPS) + " (" + Units.ratio(requests / (double) APPS)
                + "); " + Units.count(settled) + " until the operator is idle"),
        Figure.checked("No-op: writes of the next reconcile of the same revision (at its interval)", "0",
            Units.count(writes) + " (most of " + ROUNDS + ")", writes == 0),
        Figure.checked("No-op: its time against the first reconcile's", "< 5%",
            Units.percent(noOpShare) + " (" + Units.millis(noOp) + " vs " + Units.millis(first) + ", " + median + ")",
            noOpShare < 0.05));
  }

  /** The floor: the same objects written by a plain client, one after the other. */
  private static long floor(List<AppDeployment> objects) throws Exception {
    try (MockCluster cluster = MockCluster.start(); KubernetesClient client = cluster.client(FLOOR)) {
      int mark = cluster.meter.mark();
      long started = System.nanoTime();
      for (AppDeployment object : objects) {
        client.resource(object).create();
      }
      long took = System.nanoTime() - started;
      int requests = cluster.meter.since(mark, FLOOR).size();
      if (requests != APPS) {
        throw new IllegalStateException("the floor made " + requests + " requests for " + APPS + " objects");
      }
      return took;
    }
  }

  private static OperatorRound operatorRound(GitRepo repo, Path cache) throws Exception {
    try (MockCluster cluster = MockCluster.start(); KubernetesClient client = cluster.client(OPERATOR)) {
      TimerSamples timers = new TimerSamples();
      OperatorMetrics metrics = new OperatorMetrics(timers);
      Operator operator = BcGitopsOperator.newOperator(client, null, metrics);
      BcGitopsOperator.registerGitOpsSources(operator, new OperatorConfig(Set.of(NAMESPACE), cache, true,
          PodImages.DEFAULTS, RuntimePoolAddress.CLUSTER_DNS, OperatorConfig.Service.LOCAL), metrics);
      operator.start();
      try {
        int mark = cluster.meter.mark();
        long started = System.nanoTime();
        cluster.createSource(NAMESPACE, SOURCE, repo.url(), INTERVAL);
        String creates = "/apis/bcgitops.io/v1alpha1/namespaces/" + NAMESPACE + "/appdeployments";
        Predicate<ApiMeter.Answer> create = a -> a.method().equals("POST") && a.path().startsWith(creates);
        // The times are the meter's; polling seldom leaves the CPU to the operator and the server.
        ApiMeter.Answer last = await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
            .until(() -> cluster.meter.nth(APPS, mark, OPERATOR, create), Optional::isPresent).orElseThrow();
        ApiMeter.Answer firstCreate = cluster.meter.nth(1, mark, OPERATOR, create).orElseThrow();
        int toApply = (int) cluster.meter.since(mark, OPERATOR).stream().filter(a -> a.atNanos() <= last.atNanos())
            .count();
        cluster.meter.awaitQuiet(OPERATOR, QUIET, WAIT);
        int toSettle = cluster.meter.since(mark, OPERATOR).size();
        List<AppDeployment> written = cluster.apps(NAMESPACE);
        if (written.size() != APPS) {
          throw new IllegalStateException(written.size() + " AppDeployments exist, not " + APPS);
        }
        TimerSamples.Sample fetch = timers.after(OperatorMetrics.GIT_FETCH_DURATION, started).get(0);
        // The fetch runs on a thread of its own; the reconcile that applies it is the first after it.
        TimerSamples.Sample first = timers.after(TimerSamples.RECONCILE, fetch.endedAtNanos()).get(0);
        return new OperatorRound(last.atNanos() - started, firstCreate.atNanos() - started, fetch.took(), toApply,
            toSettle, first.took(), noOp(cluster, timers), written.stream().map(ApplyBenchmark::asWritten).toList());
      } finally {
        operator.stop();
      }
    }
  }

  /** Waits for the next fetch, at the interval, and takes the reconcile it belongs to (it ends after it). */
  private static NoOp noOp(MockCluster cluster, TimerSamples timers) {
    int mark = cluster.meter.mark();
    long since = System.nanoTime();
    TimerSamples.Sample fetch = await().atMost(WAIT).until(
        () -> timers.after(OperatorMetrics.GIT_FETCH_DURATION, since), samples -> !samples.isEmpty()).get(0);
    TimerSamples.Sample reconcile = await().atMost(WAIT).until(
        () -> timers.after(TimerSamples.RECONCILE, fetch.endedAtNanos()), samples -> !samples.isEmpty()).get(0);
    cluster.meter.awaitQuiet(OPERATOR, QUIET, WAIT);
    return new NoOp(reconcile.took(),
        (int) cluster.meter.since(mark, OPERATOR).stream().filter(ApiMeter.Answer::isWrite).count());
  }

  /** The object as the operator sent it: what the server added (uid, resourceVersion, timestamps) left out. */
  private static AppDeployment asWritten(AppDeployment read) {
    AppDeployment object = new AppDeployment();
    object.setMetadata(new ObjectMetaBuilder().withNamespace(read.getMetadata().getNamespace())
        .withName(read.getMetadata().getName()).withLabels(read.getMetadata().getLabels())
        .withAnnotations(read.getMetadata().getAnnotations())
        .withOwnerReferences(read.getMetadata().getOwnerReferences()).build());
    object.setSpec(read.getSpec());
    return object;
  }
}
