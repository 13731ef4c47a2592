package io.bcgitops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The spec files of a generated GitOps repository: vm apps with every section a real spec has
 * (source with checksum, env, health, vm_config), {@code apps/app-00042/app.yaml} each.
 */
final class SpecFiles {
  private SpecFiles() {
  }

  /**
   * Apps 0 to count-1 by file, at {@code version}.
   *
   * @param chained whether each app but every tenth depends on the one before it (ordering by
   *     dependency is part of reading a repository)
   */
  static Map<String, String> repository(int count, String version, boolean chained) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      files.put(file(i), spec(i, version, chained && i % 10 != 0));
    }
    return files;
  }

  static String file(int app) {
    return "apps/" + name(app) + "/app.yaml";
  }

  static String spec(int app, String version, boolean dependsOnPrevious) {
    String name = name(app);
    return "name: " + name + "\n"
        + "version: \"" + version + "\"\n"
        + "description: Generated app " + app + " of the benchmark\n"
        + "source:\n"
        + "  type: maven\n"
        + "  coordinates: io.example.bench:" + name + "\n"
        + "  sha256: \"" + String.format(Locale.ROOT, "%064x", app) + "\"\n"
        + "env:\n"
        + "  PORT: \"8080\"\n"
        + "  GREETING: \"Hello from " + name + "\"\n"
        + (dependsOnPrevious ? "depends_on: [" + name(app - 1) + "]\n" : "")
        + "health:\n"
        + "  type: http\n"
        + "  path: /health\n"
        + "  port: 8080\n"
        + "  interval: 10s\n"
        + "  timeout: 2s\n"
        + "isolation: vm\n"
        + "vm_config:\n"
        + "  memory_limit: 256\n"
        + "  scheduler_limit: 1\n"
        + "  extra_args: [\"-XX:+UseSerialGC\"]\n";
  }

  /**
   * Apps 0 to count-1, every other one embedded (in one of {@code pools} runtime pools named
   * {@code pool-<n>}) and the rest vm apps as {@link #spec} writes them; none depends on another.
   */
  static Map<String, String> mixed(int count, int pools, String version) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      files.put(file(i), i % 2 == 0 ? spec(i, version, false) : embeddedSpec(i, version, runtime(i, pools)));
    }
    return files;
  }

  /** The runtime pool app {@code app} of {@link #mixed} runs in. */
  static String runtime(int app, int pools) {
    return "pool-" + (app % pools);
  }

  static String embeddedSpec(int app, String version, String runtime) {
    String name = name(app);
    return "name: " + name + "\n"
        + "version: \"" + version + "\"\n"
        + "source:\n"
        + "  type: maven\n"
        + "  coordinates: io.example.bench:" + name + "\n"
        + "env:\n"
        + "  GREETING: \"Hello from " + name + "\"\n"
        + "health:\n"
        + "  type: http\n"
        + "  path: /health\n"
        + "  port: " + (10_000 + app) + "\n"
        + "runtime: " + runtime + "\n";
  }

  static void write(Path root, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
  }

  static String name(int app) {
    return String.format(Locale.ROOT, "app-%05d", app);
  }
}
