package io.bcgitops.cli;

import io.bcgitops.api.Durations;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitRef;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.Liveness;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.dashboard.Dashboard;
import io.bcgitops.http.MonitoringServer;
import io.bcgitops.kube.PodImages;
import io.bcgitops.local.AppTable;
import io.bcgitops.local.FolderServer;
import io.bcgitops.local.LocalApiServer;
import io.bcgitops.local.LocalNode;
import io.bcgitops.local.RepositoryLocation;
import io.bcgitops.local.StateFolder;
import io.bcgitops.metrics.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code local} command: the whole GitOps loop on this machine, without a cluster. The
 * operator's controllers run unchanged against an in-process Kubernetes API on loopback (which
 * kubectl can use through the kubeconfig written to the state folder), and this machine stands in
 * for the cluster's node: vm apps run as child JVMs, embedded apps in a runtime host in this JVM.
 */
final class LocalCommand {
  static final String USAGE = """
      usage: local <repo-url-or-dir> [--branch <name> | --tag <name> | --semver <range> | --commit <sha>]
                   [--path apps] [--interval 10s] [--state-dir .bcgitops-local] [--name <source>]
                   [--api-port 0] [--http-port <port>] [--dashboard-port 0] [--maven-repository <url>]
        <repo-url-or-dir>   a git URL, or a folder in a git work tree (its committed state is deployed)
        --branch ...        the revision to follow (default: the branch checked out in the folder, or main)
        --path              the apps folder, relative to the folder or the repository's root (default apps)
        --interval          how often the repository is fetched (default 10s)
        --state-dir         kubeconfig, logs, git cache and the apps' files (default .bcgitops-local)
        --name              the GitOpsSource's name (default: the folder's or repository's name)
        --api-port          the port of the local Kubernetes API kubectl uses (default 0: any free port)
        --http-port         serve the operator's /metrics, /healthz and /readyz on this loopback port (default:
                            not served)
        --dashboard-port    the dashboard's loopback port (default 0: any free port); the banner prints its URL
        --maven-repository  where Maven sources' jars come from: an http(s) URL, or a folder served on loopback
                            (default: the example apps the build put next to this jar, target/examples/repository,
                            when there; else BCGITOPS_MAVEN_REPOSITORY, else Maven Central)
      Ctrl-C stops every app and exits.
      """;
  private static final Set<String> OPTIONS = Set.of("--branch", "--tag", "--semver", "--commit", "--path",
      "--interval", "--state-dir", "--name", "--api-port", "--http-port", "--dashboard-port", "--maven-repository");
  private static final String NAMESPACE = "default";
  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private LocalCommand() {
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
    CommandLine line;
    RepositoryLocation location;
    GitRef ref;
    try {
      line = CommandLine.parse(args, OPTIONS, CommandLine.Allow.POSITIONAL);
      if (line.positional().size() != 1) {
        throw new IllegalArgumentException("give one repository, a git URL or a folder");
      }
      location = RepositoryLocation.of(line.positional().get(0), line.text("--path", "apps"));
      ref = ref(line, location);
      line.duration("--interval", DEFAULT_INTERVAL);
    } catch (IllegalArgumentException e) {
      err.println("local: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    StateFolder state;
    Path stateDir = Path.of(line.text("--state-dir", ".bcgitops-local"));
    try {
      state = StateFolder.open(stateDir);
    } catch (IllegalArgumentException e) {
      err.println("local: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("local: cannot use " + stateDir.toAbsolutePath() + " as the state folder ("
          + FileErrors.describe(e) + "); give --state-dir a folder you can write");
      return 1;
    }
    PrintStream logFile = new PrintStream(new FileOutputStream(state.log().toFile(), true), true,
        StandardCharsets.UTF_8);
    // The console shows the table; the operator's logs and embedded apps' output go to the log file.
    System.setOut(logFile);
    System.setErr(logFile);
    try {
      return serve(line, location, ref, env, state, out);
    } catch (StartupFailure e) {
      err.println("local: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      e.printStackTrace(logFile);
      err.println("local: " + e.getMessage() + " (details in " + state.log() + ")");
      return 1;
    }
  }

  private static int serve(CommandLine line, RepositoryLocation location, GitRef ref, Map<String, String> env,
      StateFolder state, PrintStream out) throws IOException, URISyntaxException, InterruptedException,
      StartupFailure {
    String repositoryOption = line.text("--maven-repository", null);
    Path repositoryFolder = repositoryOption == null ? builtExamples()
        : repositoryOption.matches("(?i)https?://.*") ? null
        : repositoryOption.startsWith("file:") ? Path.of(URI.create(repositoryOption)) : Path.of(repositoryOption);
    if (repositoryFolder != null && !Files.isDirectory(repositoryFolder)) {
      throw new IllegalArgumentException("--maven-repository: " + repositoryOption + " is not a folder nor an http URL");
    }
    Duration interval = line.duration("--interval", DEFAULT_INTERVAL);
    // Stopped in reverse order of start at shutdown, each whatever the others do; the apps come first.
    Deque<AutoCloseable> running = new ArrayDeque<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("stopping every app...");
      while (!running.isEmpty()) {
        try {
          running.pop().close();
        } catch (Exception e) {
          e.printStackTrace();
        }
      }
      out.println("stopped; no app is left running");
      stopped.countDown();
    }, "local-shutdown"));

    running.push(state);
    FolderServer jars = repositoryFolder == null ? null : FolderServer.start(repositoryFolder);
    if (jars != null) {
      running.push(jars);
    }
    String mavenRepository = jars != null ? jars.url().toString()
        : repositoryOption != null ? repositoryOption
        : env.getOrDefault("BCGITOPS_MAVEN_REPOSITORY", PodImages.DEFAULTS.mavenRepository());
    int apiPort = (int) line.number("--api-port", 0, 0, 65535);
    LocalApiServer api;
    try {
      api = LocalApiServer.start(apiPort, state);
    } catch (IOException e) {
      throw ListenFailure.of("the local Kubernetes API", apiPort, "--api-port", e);
    }
    running.push(api);
    KubernetesClient client = api.client();
    Path kubeconfig = api.writeKubeconfig(state.kubeconfig());
    LocalNode node = new LocalNode(client, state.node(), env);
    OperatorConfig config = new OperatorConfig(Set.of(), state.gitCache(), true,
        new PodImages(PodImages.DEFAULTS.operatorImage(), PodImages.DEFAULTS.jreImage(), mavenRepository), node,
        new OperatorConfig.Service(-1, -1, -1, NAMESPACE, false, null, false));
    OperatorMetrics metrics = OperatorMetrics.prometheus();
    Liveness liveness = new Liveness();
    Operator operator = BcGitopsOperator.create(client, config, metrics, liveness);
    running.push(operator::stop);
    // Closed before the operator stops: a terminal's Ctrl-C has reached the vm apps' JVMs too, and
    // nothing may restart them.
    running.push(node);
    node.start();
    MonitoringServer http = null;
    if (line.has("--http-port")) {
      int httpPort = (int) line.number("--http-port", 0, 0, 65535);
      try {
        http = MonitoringServer.metricsAndProbes(new InetSocketAddress("127.0.0.1", httpPort), metrics::scrape,
            liveness::isLive, () -> operator.getRuntimeInfo().isStarted());
      } catch (IOException e) {
        throw ListenFailure.of(OperatorCommand.METRICS + ", " + OperatorCommand.PROBES, httpPort, "--http-port", e);
      }
      running.push(http);
    }
    int dashboardPort = (int) line.number("--dashboard-port", 0, 0, 65535);
    // Whoever holds this token sees the dashboard, as whoever holds the kubeconfig's uses the API.
    String dashboardToken = HexFormat.of().formatHex(randomBytes());
    Dashboard dashboard;
    try {
      dashboard = Dashboard.local(new InetSocketAddress("127.0.0.1", dashboardPort), operator, client,
          dashboardToken);
    } catch (IOException e) {
      throw ListenFailure.of(OperatorCommand.DASHBOARD, dashboardPort, "--dashboard-port", e);
    }
    running.push(dashboard);
    AppTable table = new AppTable(client, out);
    running.push(table);

    operator.start();
    if (http != null) {
      http.start();
    }
    dashboard.start();
    client.resource(source(line.text("--name", location.name()), location, ref, interval)).create();
    // The token in the fragment: the browser never sends it in a request line (nor a Referer); the page keeps it.
    banner(out, location, ref, interval, mavenRepository, repositoryFolder, kubeconfig, state, http,
        "http://127.0.0.1:" + dashboard.port() + "/#token=" + dashboardToken);
    table.start();
    stopped.await();
    return 0;
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static GitRef ref(CommandLine line, RepositoryLocation location) {
    List<String> given = List.of("--branch", "--tag", "--semver", "--commit").stream().filter(line::has).toList();
    if (given.size() > 1) {
      throw new IllegalArgumentException("give at most one of " + given);
    }
    if (given.isEmpty()) {
      return location.ref();
    }
    GitRef ref = new GitRef();
    String value = line.text(given.get(0));
    switch (given.get(0)) {
      case "--branch" -> ref.setBranch(value);
      case "--tag" -> ref.setTag(value);
      case "--semver" -> ref.setSemver(value);
      default -> ref.setCommit(value);
    }
    return ref;
  }

  private static GitOpsSource source(String name, RepositoryLocation location, GitRef ref, Duration interval) {
    GitOpsSource source = new GitOpsSource();
    source.getMetadata().setName(name);
    source.getMetadata().setNamespace(NAMESPACE);
    GitOpsSourceSpec spec = new GitOpsSourceSpec();
    spec.setUrl(location.url());
    spec.setPath(location.path());
    spec.setRef(ref);
    spec.setInterval(Durations.format(interval));
    source.setSpec(spec);
    return source;
  }

  /**
   * The example apps' Maven repository the build lays out in the checkout's target/, next to this
   * jar (or, run from the build tree, three folders above cli/target/classes); null when absent.
   */
  static Path builtExamples() throws URISyntaxException {
    Path code = Path.of(LocalCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path target = Files.isDirectory(code) ? code.getParent().getParent().getParent().resolve("target")
        : code.getParent();
    Path built = target.resolve("examples").resolve("repository");
    return Files.isDirectory(built) ? built : null;
  }

  private static void banner(PrintStream out, RepositoryLocation location, GitRef ref, Duration interval,
      String mavenRepository, Path repositoryFolder, Path kubeconfig, StateFolder state, MonitoringServer http,
      String dashboardUrl) {
    String revision = ref == null ? "branch main" : ref.getBranch() != null ? "branch " + ref.getBranch()
        : ref.getTag() != null ? "tag " + ref.getTag() : ref.getSemver() != null ? "semver " + ref.getSemver()
        : "commit " + ref.getCommit();
    out.println("bc-gitops local: deploying " + location.url() + " (" + revision + ", path " + location.path()
        + "), fetched every " + Durations.format(interval));
    if (location.uncommitted()) {
      out.println("  note: " + location.path() + " has uncommitted changes; only commits are deployed");
    }
    out.println("  kubectl:  export KUBECONFIG=" + kubeconfig + "   # then: kubectl get gs,appdeployments");
    out.println("  logs:     " + state.log() + " (operator, embedded apps); " + state.node().resolve("pods")
        + "/<namespace>/<pod>/app.log (vm apps)");
    out.println("  jars:     Maven repository " + mavenRepository
        + (repositoryFolder == null ? "" : " (serving " + repositoryFolder + ")"));
    if (http != null) {
      out.println("  metrics:  http://127.0.0.1:" + http.port() + "/metrics");
    }
    out.println("  dashboard: " + dashboardUrl);
    out.println("  Ctrl-C stops every app.");
    out.flush();
  }
}
