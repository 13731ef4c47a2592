package io.bcgitops.cli;

import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.LeaderLease;
import io.bcgitops.controller.Liveness;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.http.OperatorHttpServer;
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
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
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
        (8080) for /metrics, /healthz and /readyz, BCGITOPS_WEBHOOK_PORT (8081) for /hook/, and
        BCGITOPS_LEADER_ELECTION (true).
      exit: 1 it cannot start (a port taken, no cluster, the CRDs missing: the line says which), 2 an argument
            or a setting is wrong
      """;
  private static final Logger LOG = LoggerFactory.getLogger(OperatorCommand.class);
  static final String ENDPOINTS = "/metrics, /healthz and /readyz";
  static final String WEBHOOKS = "webhooks (/hook/)";
  /** /healthz: the operator is alive while it serves; a check of its own work plugs in here. */
  /** How often a missing namespace for the Lease is looked for again. */
  private static final Duration LEASE_NAMESPACE_POLL = Duration.ofSeconds(5);

  private OperatorCommand() {
  }

  /**
   * The operator, its HTTP endpoints (metrics and probes; webhooks) and its client, running; closing stops them (the
   * leader hands its Lease back).
   */
  record Running(Operator operator, OperatorHttpServer http, BoundedHttpServer webhooks, KubernetesClient client)
      implements AutoCloseable {
    @Override
    public void close() {
      operator.stop();
      webhooks.close();
      http.close();
      client.close();
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
    try {
      config = OperatorConfig.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      err.println("operator: " + e.getMessage());
      return 2;
    }
    Running running;
    try {
      running = start(config, read(kubeconfig), LEASE_NAMESPACE_POLL);
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
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kubeconfig).build();
    OperatorMetrics metrics = OperatorMetrics.prometheus();
    Liveness liveness = new Liveness();
    AtomicReference<Operator> operator = new AtomicReference<>();
    OperatorHttpServer http;
    BoundedHttpServer webhooks;
    int port = config.service().httpPort();
    int webhookPort = config.service().webhookPort();
    // First, as they are the quickest to find taken; /healthz answers while the rest starts.
    try {
      // First, as it is the quickest to find taken; /healthz answers while the rest starts.
      http = httpServer(new InetSocketAddress(port), metrics, liveness::isLive,
          () -> operator.get() != null && operator.get().getRuntimeInfo().isStarted());
    } catch (IOException e) {
      client.close();
      throw ListenFailure.of(ENDPOINTS, port, "BCGITOPS_HTTP_PORT", e);
    }
    try {
      webhooks = new BoundedHttpServer("bcgitops-webhooks", new InetSocketAddress(webhookPort), HttpLimits.WEBHOOKS,
          WebhookReceiver.create(client, config));
    } catch (IOException e) {
      http.close();
      client.close();
      throw ListenFailure.of(WEBHOOKS, webhookPort, "BCGITOPS_WEBHOOK_PORT", e);
    }
    try {
      http.start();
      webhooks.start();
    } catch (IOException e) {
      webhooks.close();
      http.close();
      client.close();
      throw new StartupFailure("cannot serve HTTP: " + rootMessage(e));
    }
    try {
      ClusterCheck.check(kubeconfig);
      if (config.service().leaderElection()) {
        awaitLeaseNamespace(client, config.service().ownNamespace(), leaseNamespacePoll);
      }
      operator.set(BcGitopsOperator.create(client, config, metrics, liveness));
      operator.get().start();
      return new Running(operator.get(), http, webhooks, client);
    } catch (StartupFailure | InterruptedException e) {
      webhooks.close();
      http.close();
      client.close();
      throw e;
    } catch (RuntimeException e) {
      // JOSDK has stopped what it started; this is what it could not (no permission to list, say).
      webhooks.close();
      http.close();
      client.close();
      throw new StartupFailure("cannot start: " + rootMessage(e));
    }
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

  /** /metrics, /healthz (failing while {@code live} says the operator is wedged) and /readyz (ready once it started). */
  static OperatorHttpServer httpServer(InetSocketAddress address, OperatorMetrics metrics, BooleanSupplier live,
      BooleanSupplier ready) throws IOException {
    return new OperatorHttpServer(address, metrics, live, ready);
  }
}
