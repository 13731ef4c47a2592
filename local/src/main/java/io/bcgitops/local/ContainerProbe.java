package io.bcgitops.local;

import io.bcgitops.runtime.HealthProbe;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A container's probe (httpGet, tcpSocket or exec) run on this machine as the kubelet runs it in
 * the pod: the app's ports are this machine's loopback ports; an exec command runs in the pod's
 * folder with the container's environment and its paths mapped, as the app itself does.
 */
record ContainerProbe(Probe probe, Container container, PodFiles files, Map<String, String> hostEnv)
    implements HealthProbe {
  /** The Kubernetes defaults of a probe's fields. */
  private static final int DEFAULT_PERIOD = 10;
  private static final int DEFAULT_TIMEOUT = 1;
  private static final int DEFAULT_FAILURES = 3;

  Duration initialDelay() {
    return Duration.ofSeconds(Objects.requireNonNullElse(probe.getInitialDelaySeconds(), 0));
  }

  Duration period() {
    return Duration.ofSeconds(Objects.requireNonNullElse(probe.getPeriodSeconds(), DEFAULT_PERIOD));
  }

  int failureThreshold() {
    return Objects.requireNonNullElse(probe.getFailureThreshold(), DEFAULT_FAILURES);
  }

  @Override
  public HealthProbe.Result check() throws InterruptedException {
    int timeoutMillis = 1000 * Objects.requireNonNullElse(probe.getTimeoutSeconds(), DEFAULT_TIMEOUT);
    if (probe.getHttpGet() != null) {
      String path = probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath();
      return HealthProbe.http(port(probe.getHttpGet().getPort()), path, timeoutMillis, HealthProbe.KUBELET_HEALTHY);
    }
    if (probe.getTcpSocket() != null) {
      return HealthProbe.tcp(port(probe.getTcpSocket().getPort()), timeoutMillis);
    }
    if (probe.getExec() != null) {
      return exec(probe.getExec().getCommand(), timeoutMillis);
    }
    return new HealthProbe.Result(false, "the probe has no httpGet, tcpSocket or exec: local mode cannot run it");
  }

  private HealthProbe.Result exec(List<String> command, int timeoutMillis) throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(files.mapPaths(container, command)).directory(files.dir().toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(AppCommand.environment(container, hostEnv));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new HealthProbe.Result(false, "cannot run " + command.get(0) + ": " + e.getMessage());
    }
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      Processes.stop(process.toHandle(), Duration.ZERO);
      return new HealthProbe.Result(false, command.get(0) + " did not end within " + timeoutMillis + " ms");
    }
    return new HealthProbe.Result(process.exitValue() == 0, command.get(0) + " exited " + process.exitValue());
  }

  /** A port by number, or by the name of one of the container's ports. */
  private int port(IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no container port named " + port.getStrVal()))
        .getContainerPort();
  }
}
