package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Isolation;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code logs} command: an app's output, read through the API server. A vm app's is its pods';
 * an embedded app shares its runtime pool's JVM and output, where the host tags its own lines about
 * an app ("app web: ...") but not what the app itself prints: the command says which one it shows.
 */
final class LogsCommand {
  static final String USAGE = """
      usage: logs <app> [-f] [--tail <lines>] [--since <duration>] [--all] [-n <namespace>] [--context <name>]
        <app>           the AppDeployment
        -f, --follow    keep printing the log as it is written, and the logs of the pods that start later (a
                        rollout's new pod, a restarted container) from their first line; Ctrl-C stops
        --tail          the last lines of each pod's log only (default: all the API server returns)
        --since         only lines newer than this (5s, 10m, 1h)
        --all           embedded apps: the pool's whole log (every app in the pool, and their own output), not
                        only the host's lines about this app
      """ + Cluster.USAGE + """
      A vm app: the log of its app container in each of its pods. An embedded app: the runtime pool's host
      log, filtered to the host's lines about this app (an app's own output is not tagged; --all shows it).
      Each pod's lines come under a header "==> pod/<name> <==", again whenever the lines switch pods.
      exit: 0 printed, 1 no such app, no pod yet (without -f), or the log could not be read, 2 wrong arguments,
      130 stopped by Ctrl-C, 141 the output was closed (the reader of a pipe, such as head, ended)
      """;
  private static final String FOLLOW = "--follow";
  private static final String TAIL = "--tail";
  private static final String SINCE = "--since";
  private static final String ALL = "--all";
  /** The runtime pool's host container (embedded.RuntimePools names it). */
  private static final String HOST_CONTAINER = "host";
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(TAIL, SINCE), Set.of(FOLLOW, ALL),
      Map.of("-f", FOLLOW), false);

  private LogsCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("logs", USAGE, GRAMMAR, line -> {
      ClusterVerb.positional("the app's name").check(line);
      line.number(TAIL, 0, 0, Integer.MAX_VALUE);
      line.duration(SINCE, null);
    }, args, kubeconfigs, err, (line, cluster) -> {
      AppDeployment app = cluster.app(line.positional().get(0));
      AppLog log = appLog(app, line.has(ALL));
      LogPrinter printer = new LogPrinter(out);
      LogRequest request = request(line, log);
      if (line.has(FOLLOW)) {
        return new LogFollower(cluster, log, printer, err).run(request);
      }
      List<Pod> pods = pods(cluster, app, log);
      for (Pod pod : pods) {
        AppLog.Opened opened = log.open(cluster, pod, request, printer, err);
        try {
          if (opened != null) {
            log.print(opened, printer);
          }
        } catch (IOException e) {
          throw new CommandFailure(1, "the log of pod/" + pod.getMetadata().getName() + " was cut off: "
              + e.getMessage());
        }
        if (!printer.open()) {
          return LogPrinter.OUTPUT_CLOSED;
        }
      }
      return 0;
    });
  }

  /** A vm app's pods and their app container; an embedded app's pool pods, their host container, and its lines. */
  private static AppLog appLog(AppDeployment app, boolean all) {
    String name = app.getMetadata().getName();
    if (app.getSpec() != null && app.getSpec().getIsolation() == Isolation.vm) {
      return new AppLog(Api.APP_LABEL, name, VmDeployments.APP_CONTAINER, null, "", "appdeployment/" + name);
    }
    String pool = pool(app);
    if (all) {
      return new AppLog(Api.RUNTIME_LABEL, pool, HOST_CONTAINER, null, " (runtime pool " + pool + ", every app in it)",
          "runtime pool " + pool);
    }
    String tag = "app " + name + ": ";
    return new AppLog(Api.RUNTIME_LABEL, pool, HOST_CONTAINER, text -> text.contains(tag), " (runtime pool " + pool
        + "): the host's lines about app " + name + "; what the app itself prints is not tagged: --all shows the"
        + " whole pool log", "runtime pool " + pool);
  }

  private static String pool(AppDeployment app) {
    return app.getSpec() == null ? "default" : Objects.requireNonNullElse(app.getSpec().getRuntime(), "default");
  }

  /**
   * The request for the logs as they are now. --since is relative to the API server's clock (sinceSeconds),
   * except where one log is read twice (an embedded app's last lines, then followed): both reads must cover
   * the same lines, so they ask from one time on.
   */
  private static LogRequest request(CommandLine line, AppLog log) {
    long tail = line.number(TAIL, -1, 0, Integer.MAX_VALUE);
    Integer tailLines = tail < 0 ? null : (int) tail;
    Duration since = line.duration(SINCE, null);
    if (since == null) {
      return new LogRequest(log.container(), false, tailLines, null, null);
    }
    if (log.keep() != null && tailLines != null && line.has(FOLLOW)) {
      String from = Instant.now().minus(since).truncatedTo(ChronoUnit.SECONDS).toString();
      return new LogRequest(log.container(), false, tailLines, null, from);
    }
    return new LogRequest(log.container(), false, tailLines, Math.max(1, since.toSeconds()), null);
  }

  /** The pods whose log is printed: a vm app's (none: exit 1); the pool pod an embedded app runs in. */
  private static List<Pod> pods(Cluster cluster, AppDeployment app, AppLog log) throws CommandFailure {
    String name = app.getMetadata().getName();
    List<Pod> pods = cluster.client().pods().inNamespace(cluster.namespace()).withLabel(log.labelKey(),
        log.labelValue()).list().getItems().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    if (log.labelKey().equals(Api.APP_LABEL)) {
      if (pods.isEmpty()) {
        throw new CommandFailure(1, "appdeployment/" + name + " has no pod yet; its status: "
            + SourceTree.appState(app));
      }
      return pods;
    }
    // The pool pod its status names, else the pool's first.
    String node = app.getStatus() == null ? null : app.getStatus().getNode();
    return pods.stream().filter(p -> node == null || p.getMetadata().getName().equals(node)).findFirst()
        .or(() -> pods.stream().findFirst()).map(List::of)
        .orElseThrow(() -> new CommandFailure(1, "appdeployment/" + name + " runs in runtime pool "
            + log.labelValue() + ", which has no pod yet; its status: " + SourceTree.appState(app)));
  }
}
