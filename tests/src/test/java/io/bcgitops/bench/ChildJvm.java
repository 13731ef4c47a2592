package io.bcgitops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** A JVM of its own, started with this JDK and the flags a user would give it; output to a log file. */
final class ChildJvm implements AutoCloseable {
  /** The image's JVM flags: the Dockerfile ENTRYPOINT's words between "java" and "-jar". */
  static final List<String> IMAGE_FLAGS = imageFlags(Path.of("Dockerfile"));
  /**
   * What deploy/'s operator container adds for its JVM and its process (JDK_JAVA_OPTIONS, which
   * the java launcher reads, and glibc's MALLOC_ARENA_MAX), as it sets them.
   */
  static final Map<String, String> OPERATOR_POD_ENV = operatorPodEnv(Path.of("deploy/base/deployment.yaml"));
  /**
   * The operator (deploy/) and a runtime host (RuntimePools) in their 512Mi containers: the image's
   * flags, and the collector the JVM picks itself when it has less than 1792 MB. MaxRAM stands in
   * for the container's limit. The operator also gets {@link #OPERATOR_POD_ENV}.
   */
  static final List<String> IN_512MI_POD = concat(List.of("-XX:MaxRAM=512m"), IMAGE_FLAGS,
      List.of("-XX:+UseSerialGC"));
  /**
   * A vm app as VmDeployments runs it with vm_config memory_limit 256, scheduler_limit 1 and extra_args
   * -XX:+UseSerialGC -Xss512k (as examples/gitops-repo's web app asks).
   */
  static final List<String> VM_APP_256MI = List.of("-XX:MaxRAM=256m", "-XX:MaxRAMPercentage=75.0",
      "-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-Xss512k");

  private static List<String> concat(List<String> a, List<String> b, List<String> c) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    all.addAll(c);
    return List.copyOf(all);
  }

  private static List<String> imageFlags(Path dockerfile) {
    try {
      String entrypoint = null;
      for (String line : Files.readAllLines(dockerfile)) {
        if (line.strip().startsWith("ENTRYPOINT")) {
          entrypoint = line.strip().substring("ENTRYPOINT".length()).strip();
        }
      }
      List<String> words = new ArrayList<>();
      new ObjectMapper().readTree(entrypoint).forEach(w -> words.add(w.asText()));
      if (!words.get(0).equals("java") || !words.contains("-jar")) {
        throw new IllegalStateException("not java ... -jar: " + words);
      }
      return List.copyOf(words.subList(1, words.indexOf("-jar")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> operatorPodEnv(Path deployment) {
    try {
      JsonNode containers = new ObjectMapper(new YAMLFactory()).readTree(deployment.toFile())
          .at("/spec/template/spec/containers");
      Map<String, String> env = new TreeMap<>();
      for (JsonNode container : containers) {
        if (container.path("name").asText().equals("operator")) {
          for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            if (Set.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX").contains(name)) {
              env.put(name, variable.path("value").asText());
            }
          }
        }
      }
      return Map.copyOf(env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java <flags> <arguments>} with {@code env} added to this process's environment. */
  static ChildJvm start(Path log, List<String> flags, List<String> arguments, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    command.addAll(arguments);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new ChildJvm(builder.start(), log);
  }

  long pid() {
    return process.pid();
  }

  long residentBytes() throws IOException {
    return ResidentMemory.bytesOf(process.pid());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, then a kill if it does not end. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
