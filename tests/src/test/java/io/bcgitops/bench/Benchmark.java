package io.bcgitops.bench;

import java.nio.file.Path;
import java.util.List;

/** One part of the benchmark run: measures, and returns its lines of the results table. */
interface Benchmark {
  /** @param work an empty folder of its own */
  List<Figure> run(Path work) throws Exception;
}
