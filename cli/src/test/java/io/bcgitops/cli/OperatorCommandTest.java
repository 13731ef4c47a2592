package io.bcgitops.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.dashboard.DashboardSettings;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.testing.HostileClients;
import io.bcgitops.testing.HostileClients.Flood;
import io.bcgitops.testing.Ports;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operator command's start and stop, as a user sees them: what keeps it from starting ends it
 * at once, exit 1, with one line on stderr that says what and how to fix it; a missing namespace
 * for the Lease is said once; SIGTERM hands the Lease back. Against Fabric8's mock API server, with
 * what a real one answers where CRUD mode cannot (discovery without the CRDs, dry runs, rule reviews).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorCommandTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path tmp;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  /** Not the defaults 8081 and 8082: a test may not depend on what else listens on this machine. */
  private int webhookPort;
  private int healthPort;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger commandLogger = (Logger) LoggerFactory.getLogger(OperatorCommand.class);

  @BeforeAll
  static void registerCrds() throws IOException {
    OperatorHarness.registerCrds(client);
    // What a real API server answers JOSDK before it runs for the Lease: Leases are allowed.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update", "patch").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
  }

  @BeforeEach
  void pickPorts() throws IOException {
    webhookPort = Ports.free();
    healthPort = Ports.free();
  }

  @AfterEach
  void detachLog() {
    commandLogger.detachAppender(log);
  }

  private Map<String, String> env(int httpPort, boolean leaderElection, String namespace) {
    return env(httpPort, webhookPort, leaderElection, namespace);
  }

  private Map<String, String> env(int httpPort, int webhookPort, boolean leaderElection, String namespace) {
    return Map.of("BCGITOPS_HTTP_PORT", String.valueOf(httpPort),
        "BCGITOPS_WEBHOOK_PORT", String.valueOf(webhookPort),
        "BCGITOPS_HEALTH_PORT", String.valueOf(healthPort),
        "BCGITOPS_LEADER_ELECTION", String.valueOf(leaderElection),
        "BCGITOPS_OPERATOR_NAMESPACE", namespace,
        "BCGITOPS_CACHE_DIR", tmp.resolve("cache").toString());
  }

  private int run(Map<String, String> env, Config kubeconfig, String... args) throws InterruptedException {
    return OperatorCommand.run(args, env, () -> kubeconfig, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> errLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static Config mockConfig() {
    return new ConfigBuilder(client.getConfiguration()).build();
  }

  /** A port nothing listens on: the system's pick, released. */
  private static Config closedPort() throws IOException {
    return new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + Ports.free() + "/").build();
  }

  /** Whether the port can be bound again: the failed start left nothing serving /healthz. */
  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aTakenPortIsOneLineNamingThePortAndItsVariable() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      int port = taken.getLocalPort();

      int code = run(env(port, false, "default"), mockConfig());

      assertEquals(1, code, err::toString);
      assertEquals(List.of("operator: cannot serve /metrics on port " + port
          + ": another process listens there; stop it, or set BCGITOPS_HTTP_PORT to a free port"), errLines());
      assertTrue(free(healthPort), "the probes' port is released");
    }
  }

  @Test
  void aTakenHealthPortIsOneLineNamingItsVariable() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      healthPort = taken.getLocalPort();

      int code = run(env(Ports.free(), false, "default"), mockConfig());

      assertEquals(1, code, err::toString);
      assertEquals(List.of("operator: cannot serve /healthz and /readyz on port " + healthPort
          + ": another process listens there; stop it, or set BCGITOPS_HEALTH_PORT to a free port"), errLines());
    }
  }

  @Test
  void aTakenWebhookPortIsOneLineNamingItsVariable() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      int port = taken.getLocalPort();
      int httpPort = Ports.free();

      int code = run(env(httpPort, port, false, "default"), mockConfig());

      assertEquals(1, code, err::toString);
      assertEquals(List.of("operator: cannot serve webhooks (/hook/) on port " + port
          + ": another process listens there; stop it, or set BCGITOPS_WEBHOOK_PORT to a free port"), errLines());
      assertTrue(free(httpPort), "the metrics port is released");
      assertTrue(free(healthPort), "the probes' port is released");
    }
  }

  /** BCGITOPS_DASHBOARD=true serves the dashboard on its port, next to the operator; off, nothing listens there. */
  @Test
  void theDashboardIsServedWhenEnabled() throws Exception {
    int port = Ports.free();
    int dashboardPort = Ports.free();
    Map<String, String> env = new HashMap<>(env(port, false, "default"));
    env.put("BCGITOPS_DASHBOARD", "true");
    env.put("BCGITOPS_DASHBOARD_PORT", String.valueOf(dashboardPort));
    try (OperatorCommand.Running running = OperatorCommand.start(OperatorConfig.fromEnvironment(env),
        DashboardSettings.fromEnvironment(env), mockConfig(), Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(healthPort, "/readyz") == 200);
      assertEquals(200, get(dashboardPort, "/"));
      assertEquals(401, get(dashboardPort, "/api/overview"), "no token, no data");
    }
    try (OperatorCommand.Running running = OperatorCommand.start(OperatorConfig.fromEnvironment(env(port, false,
        "default")), DashboardSettings.fromEnvironment(Map.of("BCGITOPS_DASHBOARD_PORT",
        String.valueOf(dashboardPort))), mockConfig(), Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(healthPort, "/readyz") == 200);
      assertThrows(java.net.ConnectException.class, () -> get(dashboardPort, "/"));
    }
  }

  /**
   * The probes' listener is not the webhooks': a flood of deliveries (every connection the webhook listener takes,
   * held half-sent or mid-body, and a 300 MB body) never reaches /healthz and /readyz.
   */
  @Test
  void aWebhookFloodDoesNotReachTheProbes() throws Exception {
    int port = Ports.free();
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("hooks")
        .endMetadata().addToStringData("token", "s3cr3t").build()).createOr(NonDeletingOperation::update);
    Map<String, String> env = new HashMap<>(env(port, false, "default"));
    env.put("BCGITOPS_WEBHOOK_SECRET", "hooks");
    List<Socket> flood = new ArrayList<>();
    try (OperatorCommand.Running running = OperatorCommand.start(OperatorConfig.fromEnvironment(env), mockConfig(),
        Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(healthPort, "/readyz") == 200);
      for (int i = 0; i < HttpLimits.WEBHOOKS.maxConnections(); i++) {
        flood.add(HostileClients.stalled(webhookPort, i % 2 == 0 ? "POST /hook/github HTTP/1.1\r\nHost: x\r\nX-Hub-"
            : "POST /hook/github HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"ref\":"));
      }
      CompletableFuture<Flood> huge = CompletableFuture.supplyAsync(() -> {
        try {
          return HostileClients.flood(webhookPort, "POST /hook/github HTTP/1.1\r\nHost: x\r\nContent-Length: "
              + (300L << 20) + "\r\n\r\n", 300L << 20, Duration.ofSeconds(30));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      long start = System.nanoTime();
      assertEquals(200, get(healthPort, "/healthz"));
      assertEquals(200, get(healthPort, "/readyz"));
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(took < 2000, "the probes answered after " + took + " ms");

      // The 300 MB delivery waited for a connection, then was refused on its head.
      Flood refused = huge.get(60, TimeUnit.SECONDS);
      assertEquals("HTTP/1.1 413 Payload Too Large", refused.statusLine(), refused.answer());
      assertTrue(refused.bytesSent() < 64L << 20, refused.bytesSent() + " bytes sent");
    } finally {
      for (Socket socket : flood) {
        socket.close();
      }
    }
  }

  /**
   * The probes have a port of their own, which no Service has: slow connections that reopen as soon as closed, three
   * times the limit of the metrics' port (which every pod reaches through the Service), never reach them. Before,
   * the probes shared that port, and 14 of 20 failed (3 s timeout) under 70 such connections.
   */
  @Test
  void aFloodOfTheMetricsPortDoesNotReachTheProbes() throws Exception {
    int port = Ports.free();
    try (OperatorCommand.Running running = OperatorCommand.start(OperatorConfig.fromEnvironment(env(port, false,
        "default")), mockConfig(), Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(healthPort, "/readyz") == 200);
      assertEquals(404, get(port, "/healthz"), "the probes are not on the metrics' port");
      assertEquals(404, get(healthPort, "/metrics"), "nor the metrics on the probes'");
      try (HostileClients.Reopening flood = HostileClients.reopening(port, 3 * HttpLimits.METRICS.maxConnections(),
          HostileClients.otherLoopback(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-a")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> flood.opened() > 3 * HttpLimits.METRICS.maxConnections());
        for (int i = 0; i < 10; i++) {
          long start = System.nanoTime();
          assertEquals(200, get(healthPort, "/healthz"));
          long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
          assertTrue(took < 2000, "/healthz answered after " + took + " ms");
        }
        // Prometheus too gets through: the flood's own connections make room.
        assertEquals(200, get(port, "/metrics"));
      }
    }
  }

  @Test
  void noClusterIsOneLineWithinSecondsAndNothingKeepsServing() throws Exception {
    int port = Ports.free();
    Config nowhere = closedPort();
    long start = System.nanoTime();

    int code = run(env(port, false, "default"), nowhere);

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(1, code, err::toString);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "said after " + took);
    List<String> lines = errLines();
    assertEquals(1, lines.size(), err::toString);
    assertEquals("operator: cannot reach the Kubernetes API at " + nowhere.getMasterUrl() + " (connection refused);"
        + " point KUBECONFIG, or the current context of ~/.kube/config, at a running cluster (kubectl cluster-info"
        + " checks it), or run the operator in a pod", lines.get(0));
    assertTrue(free(port), "port " + port + " is released");
  }

  /** A real API server answers 404 to discovery of a group no CRD serves: a mock server in expectations mode does too. */
  @Test
  void missingCrdsAreOneLineSayingHowToInstallThem() throws Exception {
    KubernetesMockServer bare = new KubernetesMockServer(false);
    bare.init();
    try {
      int port = Ports.free();
      Config cluster = new ConfigBuilder(Config.empty()).withMasterUrl(bare.url("/")).build();

      int code = run(env(port, false, "default"), cluster);

      assertEquals(1, code, err::toString);
      assertEquals(List.of("operator: the Kubernetes API at " + cluster.getMasterUrl()
          + " has no CRD gitopssources.bcgitops.io nor appdeployments.bcgitops.io nor runtimepools.bcgitops.io;"
          + " install them with:"
          + " kubectl apply -f crds/ (kubectl apply -k deploy/ installs them with the operator)"), errLines());
      assertTrue(free(port), "port " + port + " is released");
    } finally {
      bare.destroy();
    }
  }

  @Test
  void aWrongSettingOrAnArgumentExitsTwoWithOneLine() throws Exception {
    Map<String, String> env = new HashMap<>(env(0, false, "default"));
    env.put("BCGITOPS_HTTP_PORT", "eighty");

    assertEquals(2, run(env, mockConfig()));
    assertEquals(List.of("operator: BCGITOPS_HTTP_PORT must be a port number (0 to 65535), got 'eighty'"), errLines());

    err.reset();
    assertEquals(2, run(env(0, false, "default"), mockConfig(), "--namespace", "shop"));
    assertTrue(errLines().get(0).startsWith("operator: takes no arguments, got '--namespace shop'"), err::toString);
  }

  /**
   * The Lease's namespace does not exist (what a real API server answers a dry-run create there): one
   * error naming the namespace and BCGITOPS_LEADER_ELECTION, however often it is looked for; the
   * operator serves /healthz meanwhile, not /readyz, and runs for leader once the namespace exists.
   */
  @Test
  void aMissingLeaseNamespaceIsSaidOnceAndWaitedFor() throws Exception {
    String namespace = "not-yet";
    String dryRun = "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases?dryRun=All";
    server.expect().post().withPath(dryRun).andReturn(404, Map.of("kind", "Status", "apiVersion", "v1",
        "status", "Failure", "code", 404, "reason", "NotFound", "message", "namespaces \"" + namespace + "\" not found",
        "details", Map.of("name", namespace, "kind", "namespaces"))).times(6);
    server.expect().post().withPath(dryRun).andReturn(201, new LeaseBuilder().withNewMetadata()
        .withName(BcGitopsOperator.LEASE_NAME).withNamespace(namespace).endMetadata().build()).always();
    log.start();
    commandLogger.addAppender(log);
    int port = Ports.free();
    OperatorConfig config = OperatorConfig.fromEnvironment(env(port, true, namespace));

    CompletableFuture<OperatorCommand.Running> started = CompletableFuture.supplyAsync(() -> {
      try {
        return OperatorCommand.start(config, mockConfig(), Duration.ofMillis(50));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> !errors().isEmpty());
    assertEquals(200, get(healthPort, "/healthz"));
    assertEquals(503, get(healthPort, "/readyz"));

    try (OperatorCommand.Running running = started.get(30, TimeUnit.SECONDS)) {
      List<String> errors = errors();
      assertEquals(1, errors.size(), errors::toString);
      assertEquals("Leader election waits for the namespace 'not-yet' of its Lease 'bc-gitops-operator', which does"
          + " not exist: create it, set BCGITOPS_OPERATOR_NAMESPACE to the operator's namespace, or set"
          + " BCGITOPS_LEADER_ELECTION=false to run a single replica without leader election", errors.get(0));
      await().atMost(Duration.ofSeconds(20)).until(() -> lease(namespace) != null
          && lease(namespace).getSpec().getHolderIdentity() != null);
      assertEquals(200, get(healthPort, "/readyz"));
    }
  }

  private List<String> errors() {
    return new ArrayList<>(log.list).stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static Lease lease(String namespace) {
    return client.leases().inNamespace(namespace).withName(BcGitopsOperator.LEASE_NAME).get();
  }

  private static int get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The command in a JVM of its own, as the image runs it: a start failure ends the process, no stack trace anywhere. */
  @Test
  void asAProcessAStartFailureEndsItWithOneLine() throws Exception {
    Map<String, String> failing = new HashMap<>(env(Ports.free(), false, "default"));
    failing.put("KUBERNETES_MASTER", closedPort().getMasterUrl());
    Path out = tmp.resolve("failing.out");
    Path errFile = tmp.resolve("failing.err");
    Process process = operatorProcess(failing, out, errFile);
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the operator exits when it cannot start");
    assertEquals(1, process.exitValue());
    List<String> errLines = Files.readAllLines(errFile);
    assertEquals(1, errLines.size(), () -> String.join("\n", errLines));
    assertTrue(errLines.get(0).startsWith("operator: cannot reach the Kubernetes API"), errLines.get(0));
    assertFalse(Files.readString(out).contains("Exception"), () -> "no stack trace:\n" + readQuietly(out));
  }

  /** A running leader stopped by SIGTERM (what the kubelet sends) hands its Lease back. */
  @Test
  void asAProcessSigtermHandsTheLeaseBack() throws Exception {
    String namespace = "ops";
    server.expect().post().withPath("/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases?dryRun=All")
        .andReturn(201, new LeaseBuilder().withNewMetadata().withName(BcGitopsOperator.LEASE_NAME)
            .withNamespace(namespace).endMetadata().build()).always();
    Map<String, String> leader = new HashMap<>(env(Ports.free(), true, namespace));
    leader.put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
    leader.put("HOSTNAME", "operator-0");
    Path leaderOut = tmp.resolve("leader.out");
    Process running = operatorProcess(leader, leaderOut, tmp.resolve("leader.err"));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        assertTrue(running.isAlive(), () -> "the operator exited: " + readQuietly(leaderOut));
        Lease lease = lease(namespace);
        return lease != null && "operator-0".equals(lease.getSpec().getHolderIdentity());
      });
      assertEquals(15, lease(namespace).getSpec().getLeaseDurationSeconds());

      running.destroy(); // SIGTERM

      assertTrue(running.waitFor(20, TimeUnit.SECONDS), "the operator stops on SIGTERM");
      assertEquals(1, lease(namespace).getSpec().getLeaseDurationSeconds(),
          () -> "released: " + lease(namespace).getSpec() + "\n" + readQuietly(leaderOut));
    } finally {
      running.destroyForcibly();
    }
  }

  private static Process operatorProcess(Map<String, String> env, Path out, Path err) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.bcgitops.cli.Main", "operator")
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BCGITOPS_") || k.startsWith("KUBE"));
    builder.environment().putAll(env);
    builder.environment().putAll(Map.of("KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"));
    return builder.start();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
