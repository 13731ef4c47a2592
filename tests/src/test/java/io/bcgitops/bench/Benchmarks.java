package io.bcgitops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks README's "Benchmarks" quotes; only {@code mvn -Pbench verify} runs them. Every
 * figure is a ratio or a count measured in this one run, because absolute times on a shared machine
 * are noise. Prints the table and writes it to {@code <build dir>/bench/results.md}. A missed
 * target is reported in the table, not failed: the figures are for reading.
 */
class Benchmarks {
  private static final List<Benchmark> ALL = List.of(new ParseBenchmark(), new GitFetchBenchmark(),
      new ApplyBenchmark(), new IdleBenchmark(), new PoolPollBenchmark(), new OperatorMemoryBenchmark(), new AttackBenchmark(),
      new DensityBenchmark());

  @TempDir
  Path work;

  @Test
  void run() throws Exception {
    List<Figure> figures = new ArrayList<>();
    try {
      // -Dbcgitops.bench.only=OperatorMemoryBenchmark,...: some of them (while working on one figure).
      String only = System.getProperty("bcgitops.bench.only", "");
      for (Benchmark benchmark : ALL) {
        if (!only.isBlank() && !List.of(only.split(",")).contains(benchmark.getClass().getSimpleName())) {
          continue;
        }
        figures.addAll(benchmark.run(work.resolve(benchmark.getClass().getSimpleName())));
      }
    } finally {
      // What was measured before a benchmark failed is still worth reading.
      String table = ResultTable.render(figures);
      ResultTable.write(Path.of(System.getProperty("bcgitops.bench.dir", "target/bench")).resolve("results.md"),
          table);
      System.out.println("\n" + table);
    }
  }
}
