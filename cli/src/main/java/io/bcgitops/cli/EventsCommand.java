package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.local.HumanAge;
import io.bcgitops.text.Columns;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/** The {@code events} command: the Kubernetes Events of GitOpsSources, AppDeployments and RuntimePools, newest last. */
final class EventsCommand {
  static final String USAGE = """
      usage: events [<name>] [-n <namespace> | -A] [--context <name>]
        <name>                only the events of the GitOpsSource, AppDeployment or RuntimePool of this name
        -A, --all-namespaces  every namespace
      """ + Cluster.USAGE + """
      Prints LAST SEEN, TYPE, REASON, OBJECT and MESSAGE, oldest first; the API server keeps events for an
      hour by default.
      exit: 0 printed (also when there is none), 1 the cluster could not be read, 2 wrong arguments
      """;
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(), Set.of(), Map.of(), true);

  private EventsCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("events", USAGE, GRAMMAR, line -> {
      if (line.positional().size() > 1) {
        throw new IllegalArgumentException("give at most one object's name; got " + line.positional());
      }
    }, args, kubeconfigs, err, (line, cluster) -> {
      String name = line.positional().isEmpty() ? null : line.positional().get(0);
      List<Event> events = read(cluster, involved -> name == null || name.equals(involved.getName()));
      if (events.isEmpty()) {
        out.println("no events of " + (name == null ? "bcgitops.io objects" : "'" + name + "'") + " in "
            + cluster.where());
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(cluster.allNamespaces() ? List.of("NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE")
          : List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"));
      Instant now = Instant.now();
      for (Event event : events) {
        List<String> row = new ArrayList<>();
        if (cluster.allNamespaces()) {
          row.add(event.getMetadata().getNamespace());
        }
        int count = Objects.requireNonNullElse(event.getCount(), 1);
        row.add(HumanAge.since(seen(event), now) + (count > 1 ? " (x" + count + ")" : ""));
        row.add(Objects.requireNonNullElse(event.getType(), ""));
        row.add(Objects.requireNonNullElse(event.getReason(), ""));
        row.add(event.getInvolvedObject().getKind().toLowerCase(java.util.Locale.ROOT) + "/"
            + event.getInvolvedObject().getName());
        row.add(Objects.requireNonNullElse(event.getMessage(), "").replaceAll("\\s*\\R\\s*", " "));
        rows.add(row);
      }
      Columns.of(rows).forEach(out::println);
      return 0;
    });
  }

  /** The events of this project's objects in the command's namespaces whose object passes {@code involved}, oldest first. */
  static List<Event> read(Cluster cluster, Predicate<ObjectReference> involved) {
    var events = cluster.allNamespaces() ? cluster.client().v1().events().inAnyNamespace()
        : cluster.client().v1().events().inNamespace(cluster.namespace());
    return events.list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && e.getInvolvedObject().getApiVersion() != null
            && e.getInvolvedObject().getApiVersion().startsWith(Api.GROUP + "/"))
        .filter(e -> involved.test(e.getInvolvedObject()))
        .sorted(Comparator.comparing(EventsCommand::seen))
        .toList();
  }

  /** When the event was last seen, in RFC 3339: lastTimestamp, else eventTime, else the object's creation. */
  static String seen(Event event) {
    if (event.getLastTimestamp() != null) {
      return event.getLastTimestamp();
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    return Objects.requireNonNullElse(event.getMetadata().getCreationTimestamp(), "");
  }
}
