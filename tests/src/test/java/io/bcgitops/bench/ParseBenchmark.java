package io.bcgitops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.RepositoryLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading a repository of 10,000 apps as the operator does (GitOpsRepository.scan: parse,
 * validate, order by dependency), against only reading the same files as YAML trees.
 */
final class ParseBenchmark implements Benchmark {
  private static final int APPS = 10_000;
  private static final int RUNS = 3;

  @Override
  public List<Figure> run(Path work) throws Exception {
    Map<String, String> files = SpecFiles.repository(APPS, "1.0.0", true);
    SpecFiles.write(work, files);
    List<Path> paths = files.keySet().stream().map(work::resolve).toList();
    GitOpsRepository repository = new GitOpsRepository();
    // Ten times the default app limit (BCGITOPS_MAX_APPS): the parser's speed, not a source's size.
    RepositoryLimits limits = RepositoryLimits.of(APPS, GitOpsRepository.MAX_SPEC_BYTES, 1L << 30, 32, 10L * APPS);
    ObjectMapper yaml = new YAMLMapper();
    DesiredState read = repository.scan(work, "apps", limits); // the first run warms the JIT up
    if (read.apps().size() != APPS || !read.invalid().isEmpty()) {
      throw new IllegalStateException("the generated repository did not read as " + APPS + " valid apps: "
          + read.problems().stream().limit(3).toList());
    }
    readTrees(yaml, paths);
    List<Long> scans = new ArrayList<>();
    List<Long> trees = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      long started = System.nanoTime();
      repository.scan(work, "apps", limits);
      scans.add(System.nanoTime() - started);
      started = System.nanoTime();
      readTrees(yaml, paths);
      trees.add(System.nanoTime() - started);
    }
    long scan = Units.median(scans);
    long tree = Units.median(trees);
    return List.of(
        Figure.info("Parse and validate 10,000 specs (GitOpsRepository.scan)",
            Units.count(Math.round(APPS / (scan / 1e9))) + " specs/s (" + Units.millis(scan) + ")"),
        Figure.info("... against reading the same files as plain YAML trees",
            Units.ratio(scan / (double) tree) + " (" + Units.millis(tree) + ")"));
  }

  private static void readTrees(ObjectMapper yaml, List<Path> paths) throws IOException {
    for (Path path : paths) {
      yaml.readTree(Files.readAllBytes(path));
    }
  }
}
