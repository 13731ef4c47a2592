package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The {@code suspend} and {@code resume} commands: spec.suspend of a GitOpsSource or an AppDeployment. */
final class SuspendCommand {
  static final String SUSPEND_USAGE = """
      usage: suspend (source|app) <name> [-n <namespace>] [--context <name>]
        source <name>   stop fetching and applying this GitOpsSource: its apps keep running as they are
        app <name>      stop changing this AppDeployment (only one no GitOpsSource manages: a source sets its
                        apps' spec from git, so suspend their source, or write suspend: true in the app's file)
      """ + Cluster.USAGE + """
      exit: 0 suspended (or already), 1 no such object or it cannot be suspended here, 2 wrong arguments
      """;
  static final String RESUME_USAGE = """
      usage: resume (source|app) <name> [-n <namespace>] [--context <name>]
        source <name>   fetch and apply this GitOpsSource again (at once: the operator reconciles on the change)
        app <name>      let the operator change this AppDeployment again (only one no GitOpsSource manages)
      """ + Cluster.USAGE + """
      exit: 0 resumed (or was not suspended), 1 no such object or it cannot be resumed here, 2 wrong arguments
      """;
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(), Set.of(), Map.of(), false);

  private SuspendCommand() {
  }

  static int suspend(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return run("suspend", SUSPEND_USAGE, true, args, kubeconfigs, out, err);
  }

  static int resume(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return run("resume", RESUME_USAGE, false, args, kubeconfigs, out, err);
  }

  private static int run(String verb, String usage, boolean suspend, String[] args, Kubeconfigs kubeconfigs,
      PrintStream out, PrintStream err) throws InterruptedException {
    return ClusterVerb.run(verb, usage, GRAMMAR, line -> {
      ClusterVerb.positional("'source' or 'app'", "a name").check(line);
      if (Kinds.of(line.positional().get(0)) == null) {
        throw new IllegalArgumentException("'" + line.positional().get(0) + "' is not a kind: give source or app");
      }
    }, args, kubeconfigs, err, (line, cluster) -> {
      String name = line.positional().get(1);
      Kinds kind = Kinds.of(line.positional().get(0));
      HasMetadata object;
      boolean suspended;
      if (kind == Kinds.SOURCE) {
        GitOpsSource source = cluster.source(name);
        suspended = source.getSpec() != null && source.getSpec().isSuspend();
        object = source;
      } else {
        AppDeployment app = cluster.app(name);
        refuseManaged(verb, app);
        suspended = app.getSpec() != null && app.getSpec().isSuspend();
        object = app;
      }
      String shown = object.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + name;
      if (suspended == suspend) {
        out.println(shown + " is " + (suspend ? "already suspended" : "not suspended") + "; nothing changed");
        return 0;
      }
      cluster.client().resource(object).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"suspend\":" + suspend + "}}");
      out.println(shown + (suspend ? " suspended" : " resumed") + " in namespace " + cluster.namespace());
      return 0;
    });
  }

  /**
   * A GitOpsSource writes its AppDeployments' spec from git and reverts any other edit at its next
   * reconcile: suspending one here would be undone within an interval, so it is refused with what works.
   */
  private static void refuseManaged(String verb, AppDeployment app) throws CommandFailure {
    List<OwnerReference> owners = Objects.requireNonNullElse(app.getMetadata().getOwnerReferences(), List.of());
    String source = owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())
        && HasMetadata.getKind(GitOpsSource.class).equals(o.getKind())).map(OwnerReference::getName)
        .findFirst().orElse(null);
    if (source == null) {
      return;
    }
    Map<String, String> annotations = Objects.requireNonNullElse(app.getMetadata().getAnnotations(), Map.of());
    String file = annotations.getOrDefault(Api.SPEC_FILE_ANNOTATION, "its app.yaml");
    throw new CommandFailure(1, "appdeployment/" + app.getMetadata().getName() + " is managed by gitopssource/"
        + source + ", which sets its spec from git and would undo this at its next reconcile; " + verb
        + " the source (bcgitops " + verb + " source " + source + "), or write suspend: "
        + verb.equals("suspend") + " in " + file + " and push");
  }
}
