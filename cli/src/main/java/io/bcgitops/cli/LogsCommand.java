package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Isolation;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.PrintStream;
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
      usage: logs <app> [--tail <lines>] [--all] [-n <namespace>] [--context <name>]
        <app>      the AppDeployment
        --tail     the last lines of each pod's log only (default: all the API server returns)
        --all      embedded apps: the pool's whole log (every app in the pool, and their own output), not
                   only the host's lines about this app
      """ + Cluster.USAGE + """
      A vm app: the log of its app container in each of its pods. An embedded app: the runtime pool's host
      log, filtered to the host's lines about this app (an app's own output is not tagged; --all shows it).
      For following a log: kubectl logs -f <pod> (the pod's name is printed first).
      exit: 0 printed, 1 no such app, no pod yet, or the log could not be read, 2 wrong arguments
      """;
  private static final String TAIL = "--tail";
  private static final String ALL = "--all";
  /** The runtime pool's host container (embedded.RuntimePools names it). */
  private static final String HOST_CONTAINER = "host";
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(TAIL), Set.of(ALL), Map.of(), false);

  private LogsCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("logs", USAGE, GRAMMAR, line -> {
      ClusterVerb.positional("the app's name").check(line);
      line.number(TAIL, 0, 1);
    }, args, kubeconfigs, err, (line, cluster) -> {
      AppDeployment app = cluster.app(line.positional().get(0));
      int tail = (int) Math.min(Integer.MAX_VALUE, line.number(TAIL, 0, 1));
      String name = app.getMetadata().getName();
      if (app.getSpec() != null && app.getSpec().getIsolation() == Isolation.vm) {
        List<Pod> pods = cluster.client().pods().inNamespace(cluster.namespace()).withLabel(Api.APP_LABEL, name)
            .list().getItems().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        if (pods.isEmpty()) {
          throw new CommandFailure(1, "appdeployment/" + name + " has no pod yet; its status: "
              + SourceTree.appState(app));
        }
        for (Pod pod : pods) {
          out.println("==> pod/" + pod.getMetadata().getName() + " <==");
          out.print(withNewline(read(cluster.client().pods().inNamespace(cluster.namespace())
              .withName(pod.getMetadata().getName()), VmDeployments.APP_CONTAINER, tail)));
        }
        return 0;
      }
      String pool = app.getSpec() == null ? "default" : Objects.requireNonNullElse(app.getSpec().getRuntime(), "default");
      String pod = poolPod(cluster, app, pool);
      String log = read(cluster.client().pods().inNamespace(cluster.namespace()).withName(pod), HOST_CONTAINER,
          line.has(ALL) ? tail : 0);
      if (line.has(ALL)) {
        out.println("==> pod/" + pod + " (runtime pool " + pool + ", every app in it) <==");
        out.print(withNewline(log));
        return 0;
      }
      out.println("==> pod/" + pod + " (runtime pool " + pool + "): the host's lines about app " + name
          + "; what the app itself prints is not tagged: --all shows the whole pool log <==");
      String tag = "app " + name + ": ";
      List<String> lines = log.lines().filter(l -> l.contains(tag)).toList();
      lines.subList(tail > 0 ? Math.max(0, lines.size() - tail) : 0, lines.size()).forEach(out::println);
      return 0;
    });
  }

  /** The pool pod the app runs in (its status says), else the pool's first running pod. */
  private static String poolPod(Cluster cluster, AppDeployment app, String pool) throws CommandFailure {
    if (app.getStatus() != null && app.getStatus().getNode() != null) {
      return app.getStatus().getNode();
    }
    return cluster.client().pods().inNamespace(cluster.namespace()).withLabel(Api.RUNTIME_LABEL, pool).list()
        .getItems().stream().map(p -> p.getMetadata().getName()).sorted().findFirst()
        .orElseThrow(() -> new CommandFailure(1, "appdeployment/" + app.getMetadata().getName()
            + " runs in runtime pool " + pool + ", which has no pod yet; its status: " + SourceTree.appState(app)));
  }

  private static String read(PodResource pod, String container, int tail) {
    var log = pod.inContainer(container);
    String text = tail > 0 ? log.tailingLines(tail).getLog() : log.getLog();
    return Objects.requireNonNullElse(text, "");
  }

  private static String withNewline(String text) {
    return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
  }
}
