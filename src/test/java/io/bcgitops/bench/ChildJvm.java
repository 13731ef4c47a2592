package io.bcgitops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM of its own, started with this JDK and the flags a user would give it; output to a log file. */
final class ChildJvm implements AutoCloseable {
  /**
   * The operator (deploy/) and a runtime host (RuntimePools) in their 512Mi containers: the image's
   * -XX:MaxRAMPercentage=75.0 of what the container gives it, and the collector the JVM picks itself
   * when it has less than 1792 MB. MaxRAM stands in for the container's limit.
   */
  static final List<String> IN_512MI_POD = List.of("-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=75.0",
      "-XX:+UseSerialGC");
  /**
   * A vm app as VmDeployments runs it with vm_config memory_limit 256, scheduler_limit 1 and extra_args
   * -XX:+UseSerialGC -Xss512k (as examples/gitops-repo's web app asks).
   */
  static final List<String> VM_APP_256MI = List.of("-XX:MaxRAM=256m", "-XX:MaxRAMPercentage=75.0",
      "-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-Xss512k");

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
