package io.bcgitops.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The process that stands for a vm app's container on this machine: the container's {@code java}
 * command run by this machine's JVM, with what the container would have given it.
 *
 * <p>The container's memory limit becomes {@code -XX:MaxRAM}: in a pod the JVM sizes its heap
 * ({@code -XX:MaxRAMPercentage}) from the cgroup limit, here from that flag. The environment holds
 * the container's variables and the few a JVM needs from this machine, nothing else (not the
 * local command's own, which may hold credentials).
 */
final class AppCommand {
  /** SystemRoot: on Windows a JVM cannot open a socket without it. */
  private static final List<String> PASSED_FROM_HOST = List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR", "SystemRoot");

  private AppCommand() {
  }

  /** Whether this machine can run the container: a JVM from a jar (an image source cannot run without a cluster). */
  static boolean runnable(Container container) {
    return List.of("java").equals(container.getCommand());
  }

  static ProcessBuilder of(Container container, PodFiles files, Path agentJar, Map<String, String> hostEnv) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Quantity memory = container.getResources() == null || container.getResources().getLimits() == null ? null
        : container.getResources().getLimits().get("memory");
    if (memory != null) {
      command.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(memory).toBigInteger());
    }
    command.add(ParentWatchJar.option(agentJar));
    command.addAll(files.mapPaths(container, Objects.requireNonNullElse(container.getArgs(), List.of())));
    ProcessBuilder builder = new ProcessBuilder(command).directory(files.dir().toFile());
    builder.environment().clear();
    builder.environment().putAll(environment(container, hostEnv));
    return builder;
  }

  /** The container's variables, and the few of this machine's a process needs to run at all. */
  static Map<String, String> environment(Container container, Map<String, String> hostEnv) {
    Map<String, String> env = new HashMap<>();
    PASSED_FROM_HOST.forEach(name -> {
      if (hostEnv.get(name) != null) {
        env.put(name, hostEnv.get(name));
      }
    });
    for (EnvVar var : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      env.put(var.getName(), Objects.requireNonNullElse(var.getValue(), ""));
    }
    return env;
  }
}
