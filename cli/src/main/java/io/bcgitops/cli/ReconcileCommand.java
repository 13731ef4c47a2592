package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code reconcile source} command: asks the operator to reconcile a GitOpsSource now (the
 * {@code bcgitops.io/reconcile-requested-at} annotation) and, with {@code --wait}, waits until the
 * operator says it handled that request, then prints the revision applied and what changed.
 */
final class ReconcileCommand {
  static final String USAGE = """
      usage: reconcile source <name> [--wait] [--timeout 2m] [-n <namespace>] [--context <name>]
        <name>      the GitOpsSource to fetch and apply now, without waiting for its interval
        --wait      wait until the operator has handled the request, then print the revision applied and
                    what changed
        --timeout   how long --wait waits (default 2m)
      """ + Cluster.USAGE + """
      exit: 0 requested (with --wait: handled, and not failed), 1 no such source, suspended, the reconcile
      failed (its condition's message is printed) or --timeout passed, 2 wrong arguments
      """;
  private static final String WAIT = "--wait";
  private static final String TIMEOUT = "--timeout";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(TIMEOUT), Set.of(WAIT), Map.of(),
      false);

  private ReconcileCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("reconcile", USAGE, GRAMMAR, line -> {
      ClusterVerb.positional("'source'", "the source's name").check(line);
      if (!Kinds.SOURCE.equals(Kinds.of(line.positional().get(0)))) {
        throw new IllegalArgumentException("only a source is reconciled on request (reconcile source <name>);"
            + " got '" + line.positional().get(0) + "'");
      }
      line.duration(TIMEOUT, DEFAULT_TIMEOUT);
    }, args, kubeconfigs, err, (line, cluster) -> {
      String name = line.positional().get(1);
      GitOpsSource source = cluster.source(name);
      if (source.getSpec() != null && source.getSpec().isSuspend()) {
        throw new CommandFailure(1, "gitopssource/" + name + " is suspended; resume it first: bcgitops resume source "
            + name);
      }
      // The value only has to differ from the last one; a timestamp also says when it was asked.
      Instant requested = Instant.now();
      String token = requested.toString();
      String patch = new KubernetesSerialization().asJson(
          Map.of("metadata", Map.of("annotations", Map.of(Api.RECONCILE_REQUESTED_AT, token))));
      cluster.client().resources(GitOpsSource.class).inNamespace(cluster.namespace()).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      out.println("requested a reconcile of gitopssource/" + name + " in namespace " + cluster.namespace()
          + " (" + Api.RECONCILE_REQUESTED_AT + ": " + token + ")");
      if (!line.has(WAIT)) {
        return 0;
      }
      Duration timeout = line.duration(TIMEOUT, DEFAULT_TIMEOUT);
      GitOpsSource handled;
      try {
        handled = cluster.client().resources(GitOpsSource.class).inNamespace(cluster.namespace()).withName(name)
            .waitUntilCondition(s -> s == null || (s.getStatus() != null
                && token.equals(s.getStatus().getLastHandledReconcileAt())), timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (KubernetesClientTimeoutException e) {
        GitOpsSource now = cluster.client().resources(GitOpsSource.class).inNamespace(cluster.namespace())
            .withName(name).get();
        throw new CommandFailure(1, "timed out after " + io.bcgitops.api.Durations.format(timeout)
            + ": the operator has not handled the request (is it running? bcgitops version says)"
            + (now == null || now.getStatus() == null ? "" : "; the source is "
            + SourceTree.readiness(now.getStatus().getConditions())));
      }
      if (handled == null) {
        throw new CommandFailure(1, "gitopssource/" + name + " was deleted while waiting");
      }
      return report(handled, requested, cluster, out);
    });
  }

  /** What the handled reconcile did: its failure (exit 1), or the revision applied and the changes its events name. */
  private static int report(GitOpsSource source, Instant requested, Cluster cluster, PrintStream out)
      throws CommandFailure {
    GitOpsSourceStatus status = source.getStatus();
    List<Condition> conditions = status.getConditions();
    Condition failed = failure(conditions);
    if (failed != null) {
      throw new CommandFailure(1, "reconcile of gitopssource/" + source.getMetadata().getName() + " failed: "
          + failed.getReason() + ": " + failed.getMessage());
    }
    out.println("applied revision " + Objects.requireNonNullElse(status.getLastAppliedRevision(), "-"));
    // The operator's events since the request say what it did (events are written to the second).
    String since = requested.truncatedTo(ChronoUnit.SECONDS).toString();
    List<Event> changes = EventsCommand.read(cluster, involved -> source.getMetadata().getUid() != null
        && source.getMetadata().getUid().equals(involved.getUid())).stream()
        .filter(e -> EventsCommand.seen(e).compareTo(since) >= 0)
        .filter(e -> !"Warning".equals(e.getType()))
        .toList();
    if (changes.isEmpty()) {
      out.println("no change: the cluster already held this revision's apps");
    }
    changes.forEach(e -> out.println("  " + e.getReason() + ": " + e.getMessage()));
    out.println(status.getReadyCount() + "/" + status.getAppCount() + " apps ready; the source is "
        + SourceTree.readiness(conditions));
    return 0;
  }

  /** The condition that says the reconcile failed: Stalled, FetchFailed, or Ready=False for a reason other than progress. */
  private static Condition failure(List<Condition> conditions) {
    for (String type : List.of(Conditions.STALLED, Conditions.FETCH_FAILED)) {
      Condition condition = Conditions.find(conditions, type);
      if (condition != null && "True".equals(condition.getStatus())) {
        return condition;
      }
    }
    Condition ready = Conditions.find(conditions, Conditions.READY);
    if (ready != null && "False".equals(ready.getStatus())
        && !Conditions.Reasons.PROGRESSING.equals(ready.getReason())) {
      return ready;
    }
    return null;
  }
}
