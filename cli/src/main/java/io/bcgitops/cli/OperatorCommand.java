package io.bcgitops.cli;

import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.LeaderLease;
import io.bcgitops.controller.Liveness;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.dashboard.Dashboard;
import io.bcgitops.dashboard.DashboardSettings;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.http.MonitoringServer;
import io.bcgitops.kube.Serialization;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.webhook.WebhookReceiver;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator, and its HTTP endpoints, until the process is told to stop. What keeps it from
 * starting (a wrong setting, its port taken, no cluster, the CRDs missing) ends it at once with one
 * line saying what and how to fix it, instead of a process that serves /healthz and does nothing.
 */
final class OperatorCommand {
  static final String USAGE = """
      usage: operator
        Runs the operator until SIGTERM (or Ctrl-C), against the cluster of the current kubeconfig context
        (KUBECONFIG, else ~/.kube/config) or, in a pod, of its service account. It takes no arguments:
        BCGITOPS_ environment variables configure it (README, "Run the operator"), such as BCGITOPS_HTTP_PORT
        (8080) for /metrics, BCGITOPS_WEBHOOK_PORT (8081) for /hook/, BCGITOPS_HEALTH_PORT (8082) for /healthz
        and /readyz, BCGITOPS_LEADER_ELECTION (true), and BCGITOPS_DASHBOARD (false) with BCGITOPS_DASHBOARD_PORT
        (8083) for the dashboard.
      exit: 1 it cannot start (a port taken, no cluster, the CRDs missing: the line says which), 2 an argument
            or a setting is wrong
      """;
  private static final Logger LOG = LoggerFactory.getLogger(OperatorCommand.class);
  static final String METRICS = "/metrics";
  static final String PROBES = "/healthz and /readyz";
  static final String WEBHOOKS = "webhooks (/hook/)";
  static final String DASHBOARD = "the dashboard";
  /** How often a missing namespace for the Lease is looked for again. */
  private static final Duration LEASE_NAMESPACE_POLL = Duration.ofSeconds(5);

  private OperatorCommand() {
  }

  /**
   * The operator, its HTTP listeners (metrics, probes, webhooks) and its client, running; closing stops them (the
   * leader hands its Lease back).
   */
  record Running(Operator operator, List<AutoCloseable> listeners, KubernetesClient client) implements AutoCloseable {
    @Override
    public void close() {
      operator.stop();
      closeAll(listeners, client);
    }
  }

  static int run(String[] args, Map<String, String> env, PrintStream err) throws InterruptedException {
    // The client's settings as kubectl finds them: KUBECONFIG, ~/.kube/config, or the pod's service account.
    return run(args, env, () -> Config.autoConfigure(null), err);
  }

  /** As {@link #run(String[], Map, PrintStream)}, with the client's settings from {@code kubeconfig}. */
  static int run(String[] args, Map<String, String> env, Supplier<Config> kubeconfig, PrintStream err)
      throws InterruptedException {
    if (args.length > 0) {
      err.println("operator: takes no arguments, got '" + String.join(" ", args)
          + "'; BCGITOPS_ environment variables configure it");
      err.print(USAGE);
      return 2;
    }
    OperatorConfig config;
    DashboardSettings dashboard;
    try {
      config = OperatorConfig.fromEnvironment(env);
      dashboard = DashboardSettings.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      err.println("operator: " + e.getMessage());
      return 2;
    }
    Running running;
    try {
      running = start(config, dashboard, read(kubeconfig), LEASE_NAMESPACE_POLL);
    } catch (StartupFailure e) {
      err.println("operator: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  private static Config read(Supplier<Config> kubeconfig) throws StartupFailure {
    try {
      return kubeconfig.get();
    } catch (RuntimeException e) {
      throw new StartupFailure("cannot read the kubeconfig (KUBECONFIG, else ~/.kube/config): " + rootMessage(e));
    }
  }

  /**
   * Starts serving, checks the cluster, waits for the Lease's namespace (with leader election), and
   * starts the operator; on a failure stops whatever it started before saying why.
   *
   * @param leaseNamespacePoll how often a missing namespace of the Lease is looked for again
   */
  static Running start(OperatorConfig config, Config kubeconfig, Duration leaseNamespacePoll)
      throws StartupFailure, InterruptedException {
    return start(config, new DashboardSettings(false, 0), kubeconfig, leaseNamespacePoll);
  }

  /** As {@link #start(OperatorConfig, Config, Duration)}, serving the dashboard when {@code dashboard} says so. */
  static Running start(OperatorConfig config, DashboardSettings dashboard, Config kubeconfig,
      Duration leaseNamespacePoll) throws StartupFailure, InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kubeconfig)
        .withKubernetesSerialization(Serialization.SHARED).build();
    OperatorMetrics metrics = OperatorMetrics.prometheus();
    Liveness liveness = new Liveness();
    AtomicReference<Operator> operator = new AtomicReference<>();
    OperatorConfig.Service service = config.service();
    List<AutoCloseable> listeners = new ArrayList<>();
    // Watched namespaces, and BCGITOPS_WEBHOOK_SECRET in the operator's own namespace.
    WebhookReceiver receiver = new WebhookReceiver(client, config.namespaces(), config.service().ownNamespace(),
        config.service().webhookSecret());
    // First, as they are the quickest to find taken; /healthz answers while the rest starts.
    try {
      MonitoringServer probes = listen(listeners, client, PROBES, service.healthPort(), "BCGITOPS_HEALTH_PORT",
          address -> MonitoringServer.probes(address, liveness::isLive,
              () -> operator.get() != null && operator.get().getRuntimeInfo().isStarted()));
      MonitoringServer scrapes = listen(listeners, client, METRICS, service.httpPort(), "BCGITOPS_HTTP_PORT",
          address -> MonitoringServer.metrics(address, metrics::scrape));
      // Closed after its listener (the last bound is closed first): it stops watching sources.
      listeners.add(receiver);
      BoundedHttpServer webhooks = listen(listeners, client, WEBHOOKS, service.webhookPort(), "BCGITOPS_WEBHOOK_PORT",
          address -> new BoundedHttpServer("bcgitops-webhooks", address, HttpLimits.WEBHOOKS, receiver));
      probes.start();
      scrapes.start();
      webhooks.start();
    } catch (IOException e) {
      closeAll(listeners, client);
      throw new StartupFailure("cannot serve HTTP: " + rootMessage(e));
    }
    try {
      ClusterCheck.check(kubeconfig);
      receiver.start(); // once the cluster answers: its sources are watched from here on
      if (service.leaderElection()) {
        awaitLeaseNamespace(client, service.ownNamespace(), leaseNamespacePoll);
      }
      operator.set(BcGitopsOperator.create(client, config, metrics, liveness));
      if (dashboard.enabled()) {
        // Reads the controllers' caches, so made once they are registered; serves once they start.
        listen(listeners, client, DASHBOARD, dashboard.port(), DashboardSettings.PORT,
            address -> Dashboard.inCluster(address, operator.get(), client)).start();
      }
      operator.get().start();
      return new Running(operator.get(), listeners, client);
    } catch (StartupFailure | InterruptedException e) {
      closeAll(listeners, client);
      throw e;
    } catch (IOException e) {
      closeAll(listeners, client);
      throw new StartupFailure("cannot serve " + DASHBOARD + ": " + rootMessage(e));
    } catch (RuntimeException e) {
      // JOSDK has stopped what it started; this is what it could not (no permission to list, say).
      closeAll(listeners, client);
      throw new StartupFailure("cannot start: " + rootMessage(e));
    }
  }

  /** A listener that binds an address. */
  @FunctionalInterface
  private interface Listener<T extends AutoCloseable> {
    T bind(InetSocketAddress address) throws IOException;
  }

  /**
   * Binds {@code what} on {@code port} and adds it to {@code listeners}; when the port cannot be bound, closes what
   * was bound before and says which setting picks another port.
   */
  private static <T extends AutoCloseable> T listen(List<AutoCloseable> listeners, KubernetesClient client,
      String what, int port, String setting, Listener<T> listener) throws StartupFailure {
    try {
      T bound = listener.bind(new InetSocketAddress(port));
      listeners.add(bound);
      return bound;
    } catch (IOException e) {
      closeAll(listeners, client);
      throw ListenFailure.of(what, port, setting, e);
    }
  }

  /** Closes the listeners, the last bound first, then the client. */
  private static void closeAll(List<AutoCloseable> listeners, KubernetesClient client) {
    for (int i = listeners.size() - 1; i >= 0; i--) {
      try {
        listeners.get(i).close();
      } catch (Exception e) {
        LOG.debug("closing a listener", e);
      }
    }
    client.close();
  }

  /**
   * Returns once the Lease can be created in its namespace. A namespace that does not exist is said
   * once, as an error, then looked for again quietly: JOSDK's elector would instead retry with a
   * warning and a stack trace every 2 s, and never say what to change.
   */
  private static void awaitLeaseNamespace(KubernetesClient client, String namespace, Duration poll)
      throws InterruptedException {
    boolean said = false;
    while (!LeaderLease.namespaceExists(client, namespace)) {
      if (!said) {
        LOG.error("Leader election waits for the namespace '{}' of its Lease '{}', which does not exist: create it,"
            + " set BCGITOPS_OPERATOR_NAMESPACE to the operator's namespace, or set BCGITOPS_LEADER_ELECTION=false"
            + " to run a single replica without leader election", namespace, BcGitopsOperator.LEASE_NAME);
        said = true;
      }
      Thread.sleep(poll.toMillis());
    }
    if (said) {
      LOG.info("The namespace '{}' exists: running for leader", namespace);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
