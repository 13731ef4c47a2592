package io.bcgitops.local;

import io.bcgitops.api.Durations;
import io.bcgitops.fetch.FetchCommand;
import io.bcgitops.runtime.Backoff;
import io.bcgitops.runtime.HealthProbe;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod of a vm app's Deployment, run on this machine as a kubelet runs it: the {@code fetch} init
 * container (this project's fetch command, in this JVM), then the app container as a child JVM,
 * restarted with back-off when it exits or fails its liveness probe, Ready while its readiness
 * probe passes. Its state goes into the Pod's status, the same fields a kubelet writes, which is
 * all the operator reads.
 *
 * <p>Every change of state happens on the pod's own control thread; the fetch and the probes run
 * on workers and report back to it, so a probe that hangs never holds up a crash or a stop. Once
 * stopped, the control thread takes no more work: late reports are dropped.
 */
final class VmPod {
  private static final Logger LOG = LoggerFactory.getLogger(VmPod.class);
  /** A run at least this long starts the back-off over, as the kubelet does after a while of running. */
  private static final Duration BACKOFF_RESET = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final Pod pod;
  private final PodFiles files;
  private final Path agentJar;
  private final Map<String, String> hostEnv;
  private final Backoff backoff;
  private final Runnable changed;
  private final ExecutorService workers;
  private final ScheduledThreadPoolExecutor control;
  private final Container fetch;
  private final Container app;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  // Read and written on the control thread only, but for the volatile state the Deployment's status reads.
  private ContainerStatus fetchStatus;
  private ContainerStatus appStatus;
  private volatile boolean ready;
  private volatile boolean gone;
  private Process process;
  private Instant launchedAt;
  private String killedFor;
  private int restarts;
  private int crashStreak;
  private int fetchFailures;
  private int createFailures;
  private boolean stopping;
  private PodStatus published;

  VmPod(KubernetesClient client, Pod pod, PodFiles files, Path agentJar, Map<String, String> hostEnv, Backoff backoff,
      ExecutorService workers, Runnable changed) {
    this.client = client;
    this.pod = pod;
    this.files = files;
    this.agentJar = agentJar;
    this.hostEnv = hostEnv;
    this.backoff = backoff;
    this.workers = workers;
    this.changed = changed;
    this.control = new ScheduledThreadPoolExecutor(1, Threads.daemons("pod-" + pod.getMetadata().getName()));
    control.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    List<Container> init = Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.of());
    this.fetch = init.isEmpty() ? null : init.get(0);
    this.app = pod.getSpec().getContainers().get(0);
  }

  String name() {
    return pod.getMetadata().getName();
  }

  boolean isReady() {
    return ready;
  }

  /** Whether the pod still counts for its Deployment: not yet stopped and deleted. */
  boolean exists() {
    return !gone;
  }

  /** Creates the Pod object, then runs the fetch (if any) and the app. */
  void start() {
    post(this::create);
  }

  /**
   * Stops the app (SIGTERM, then SIGKILL after the grace period) and deletes the Pod object. Asked
   * again, it is the same stop.
   */
  CompletableFuture<Void> stop(Duration grace) {
    if (stopRequested.compareAndSet(false, true)) {
      post(() -> {
        stopping = true;
        ready = false;
        if (process != null) {
          LOG.info("stopping pod {}", name());
          Processes.stop(process.toHandle(), grace);
        }
        try {
          client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(name()).delete();
        } catch (KubernetesClientException e) {
          LOG.debug("pod {} already gone: {}", name(), e.getMessage());
        }
        gone = true;
        control.shutdown();
        stopped.complete(null);
      });
    }
    return stopped;
  }

  private void create() {
    if (stopping) {
      return;
    }
    try {
      files.create(pod.getSpec().getVolumes().stream().map(Volume::getName).toList());
      client.resource(pod).create();
    } catch (IOException | KubernetesClientException e) {
      createFailures++;
      Duration wait = backoff.delay(createFailures);
      LOG.warn("cannot create pod {}: {}; trying again in {}", name(), e.getMessage(), Durations.format(wait));
      schedule(this::create, wait);
      return;
    }
    appStatus = PodStatuses.waiting(app, "PodInitializing", null, null);
    if (fetch != null) {
      runFetch();
    } else {
      launch();
    }
  }

  private void runFetch() {
    if (stopping) {
      return;
    }
    List<String> args = files.mapPaths(fetch, Objects.requireNonNullElse(fetch.getArgs(), List.of()));
    if (args.isEmpty() || !"fetch".equals(args.get(0))) {
      fetchStatus = PodStatuses.waiting(fetch, "CreateContainerError",
          "local mode runs only this project's fetch command", null);
      publish();
      return;
    }
    fetchStatus = PodStatuses.running(fetch, fetchFailures, Instant.now());
    publish();
    Path terminationLog = files.dir().resolve("fetch.termination-log");
    List<String> fetchArgs = new ArrayList<>(args.subList(1, args.size()));
    fetchArgs.addAll(List.of("--termination-log", terminationLog.toString()));
    Instant started = Instant.now();
    workers.execute(() -> {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int exit;
      try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        Map<String, String> env;
        try {
          env = fetchEnv();
        } catch (KubernetesClientException e) {
          // As a kubelet that cannot read the Secret: the container does not start this time.
          out.println("cannot read the Secret of the fetch container's environment: " + e.getMessage());
          env = null;
        }
        exit = env == null ? 1 : FetchCommand.run(fetchArgs.toArray(String[]::new), env, out, out);
      }
      try {
        Files.write(files.log(fetch.getName()), output.toByteArray());
      } catch (IOException e) {
        LOG.debug("cannot keep the fetch log of pod {}: {}", name(), e.getMessage());
      }
      String message = exit == 0 ? null : terminationMessage(terminationLog, output.toString(StandardCharsets.UTF_8));
      post(() -> fetched(exit, message, started));
    });
  }

  /**
   * The fetch container's variables as the kubelet gives them: values, and keys of Secrets
   * (an app's artifact credentials); an optional key that is not there is left out.
   */
  private Map<String, String> fetchEnv() {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : Objects.requireNonNullElse(fetch.getEnv(), List.<EnvVar>of())) {
      SecretKeySelector ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
      if (ref == null) {
        env.put(var.getName(), Objects.requireNonNullElse(var.getValue(), ""));
        continue;
      }
      Secret secret = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
      String value = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
      if (value != null) {
        env.put(var.getName(), new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8));
      }
    }
    return env;
  }

  /** What the fetch wrote to its termination log, or else the end of its output (FallbackToLogsOnError). */
  private static String terminationMessage(Path terminationLog, String output) {
    try {
      if (Files.exists(terminationLog)) {
        return Files.readString(terminationLog);
      }
    } catch (IOException e) {
      // The output says as much.
    }
    return output;
  }

  private void fetched(int exit, String message, Instant started) {
    if (stopping) {
      return;
    }
    ContainerState ended = PodStatuses.terminated(exit, message, started, Instant.now());
    if (exit == 0) {
      fetchStatus = new ContainerStatusBuilder(fetchStatus).withState(ended).withReady(false).build();
      launch();
      return;
    }
    fetchFailures++;
    Duration wait = backoff.delay(fetchFailures);
    fetchStatus = PodStatuses.waiting(fetch, "CrashLoopBackOff", backOffMessage(wait, fetch), ended);
    fetchStatus.setRestartCount(fetchFailures - 1);
    publish();
    schedule(this::runFetch, wait);
  }

  private void launch() {
    if (stopping) {
      return;
    }
    if (!AppCommand.runnable(app)) {
      appStatus = PodStatuses.waiting(app, "CreateContainerError", "local mode runs a vm app's jar in a JVM of this"
          + " machine; the image " + app.getImage() + " needs a cluster", null);
      publish();
      return;
    }
    ProcessBuilder builder = AppCommand.of(app, files, agentJar, hostEnv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log(app.getName()).toFile()));
    launchedAt = Instant.now();
    killedFor = null;
    try {
      process = builder.start();
    } catch (IOException e) {
      crashed(128, "cannot start " + builder.command().get(0) + ": " + e.getMessage());
      return;
    }
    LOG.info("pod {}: started {} (pid {})", name(), String.join(" ", builder.command()), process.pid());
    Process launched = process;
    launched.onExit().thenRun(() -> post(() -> exited(launched)));
    ContainerStatus previous = appStatus;
    appStatus = PodStatuses.running(app, restarts, launchedAt);
    appStatus.setLastState(previous.getLastState());
    appStatus.setStarted(app.getStartupProbe() == null);
    if (app.getStartupProbe() != null) {
      new ProbeLoop(app.getStartupProbe(), launched, this::startupResult).first();
    } else {
      afterStartup(launched);
    }
    publish();
  }

  private void exited(Process exited) {
    if (exited != process || stopping) {
      return;
    }
    process = null;
    String log = files.logTail(app.getName());
    crashed(exited.exitValue(), killedFor == null ? log : killedFor + (log.isEmpty() ? "" : "\n" + log));
  }

  private void crashed(int exit, String message) {
    ready = false;
    Instant now = Instant.now();
    crashStreak = Duration.between(launchedAt, now).compareTo(BACKOFF_RESET) >= 0 ? 1 : crashStreak + 1;
    Duration wait = backoff.delay(crashStreak);
    LOG.info("pod {}: app exited with code {}; restarting in {}", name(), exit, Durations.format(wait));
    appStatus = PodStatuses.waiting(app, "CrashLoopBackOff", backOffMessage(wait, app),
        PodStatuses.terminated(exit, message, launchedAt, now));
    appStatus.setRestartCount(restarts);
    publish();
    schedule(() -> {
      if (!stopping) {
        restarts++;
        launch();
      }
    }, wait);
  }

  private boolean startupResult(ProbeLoop loop, HealthProbe.Result result) {
    if (result.healthy()) {
      appStatus.setStarted(true);
      afterStartup(loop.owner);
      publish();
      return false;
    }
    if (loop.failures >= loop.probe.failureThreshold()) {
      kill(loop.owner, "startup probe failed " + loop.failures + " times: " + result.detail());
      return false;
    }
    return true;
  }

  private void afterStartup(Process owner) {
    if (app.getReadinessProbe() == null) {
      ready = true;
    } else {
      new ProbeLoop(app.getReadinessProbe(), owner, (loop, result) -> {
        boolean wasReady = ready;
        if (result.healthy()) {
          ready = true;
        } else if (loop.failures >= loop.probe.failureThreshold()) {
          ready = false;
        }
        if (wasReady != ready) {
          LOG.info("pod {}: {} ({})", name(), ready ? "ready" : "not ready", result.detail());
          publish();
        }
        return true;
      }).first();
    }
    if (app.getLivenessProbe() != null) {
      new ProbeLoop(app.getLivenessProbe(), owner, (loop, result) -> {
        if (!result.healthy() && loop.failures >= loop.probe.failureThreshold()) {
          kill(loop.owner, "liveness probe failed " + loop.failures + " times: " + result.detail());
          return false;
        }
        return true;
      }).first();
    }
  }

  /** As the kubelet does when a probe says the container is broken: stop it, and let the restart follow. */
  private void kill(Process owner, String why) {
    LOG.info("pod {}: {}; restarting the app", name(), why);
    killedFor = why;
    ready = false;
    workers.execute(() -> Processes.stop(owner.toHandle(), Duration.ofSeconds(
        Objects.requireNonNullElse(pod.getSpec().getTerminationGracePeriodSeconds(), 30L))));
  }

  /** Runs on the control thread; dropped once the pod is stopped. */
  private void post(Runnable task) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException stoppedAlready) {
      LOG.debug("pod {} is stopped: a late event is dropped", name());
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      control.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stoppedAlready) {
      LOG.debug("pod {} is stopped: nothing more is scheduled", name());
    }
  }

  /** What a probe loop does with each result: true to go on probing. */
  private interface ProbeHandler {
    boolean handle(ProbeLoop loop, HealthProbe.Result result);
  }

  /** One probe of one run of the app, every period; stops when the run ends or the handler says so. */
  private final class ProbeLoop {
    private final ContainerProbe probe;
    private final Process owner;
    private final ProbeHandler handler;
    private int failures;

    ProbeLoop(Probe probe, Process owner, ProbeHandler handler) {
      this.probe = new ContainerProbe(probe, app, files, hostEnv);
      this.owner = owner;
      this.handler = handler;
    }

    /** As the kubelet: the first check after the probe's initial delay (0 by default), then one every period. */
    void first() {
      schedule(this::check, probe.initialDelay());
    }

    void next() {
      schedule(this::check, probe.period());
    }

    private boolean current() {
      return owner == process && !stopping;
    }

    private void check() {
      if (!current()) {
        return;
      }
      workers.execute(() -> HealthProbe.checkOnce(probe).ifPresent(found -> post(() -> {
        if (!current()) {
          return;
        }
        failures = found.healthy() ? 0 : failures + 1;
        if (handler.handle(this, found)) {
          next();
        }
      })));
    }
  }

  /** Writes the pod's status when it changed, and tells the Deployment. */
  private void publish() {
    PodStatus status = PodStatuses.of(fetchStatus, appStatus, ready);
    if (status.equals(published) || stopping) {
      return;
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(name()).editStatus(p -> {
        p.setStatus(status);
        return p;
      });
      published = status;
    } catch (KubernetesClientException e) {
      LOG.warn("cannot write the status of pod {}: {}", name(), e.getMessage());
    }
    changed.run();
  }

  private static String backOffMessage(Duration wait, Container container) {
    return "back-off " + Durations.format(wait) + " restarting failed container " + container.getName();
  }
}
