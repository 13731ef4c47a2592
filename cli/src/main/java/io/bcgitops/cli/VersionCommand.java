package io.bcgitops.cli;

import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code version} command: this CLI's version, and the operator's as its Deployment in the cluster says. */
final class VersionCommand {
  static final String USAGE = """
      usage: version [--client] [--context <name>]
        --client   only this CLI's version; no cluster is asked
      """ + Cluster.USAGE + """
      The operator's version is the image tag of its Deployment (labelled app.kubernetes.io/name=bc-gitops-operator,
      as deploy/ installs it, in any namespace you may list; else bc-gitops-system/bc-gitops-operator).
      exit: 0 printed (also when no operator is found: it says so), 1 the cluster could not be read, 2 wrong arguments
      """;
  static final String OPERATOR_LABEL = "app.kubernetes.io/name";
  static final String OPERATOR_NAME = "bc-gitops-operator";
  private static final String OPERATOR_NAMESPACE = "bc-gitops-system";
  private static final String CLIENT = "--client";
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(), Set.of(CLIENT), Map.of(), false);

  private VersionCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    String client = "client: bc-gitops-operator " + Main.version();
    if (List.of(args).contains(CLIENT)) {
      try {
        ClusterVerb.positional().check(CommandLine.parse(args, GRAMMAR, CommandLine.Allow.POSITIONAL));
      } catch (IllegalArgumentException e) {
        err.println("version: " + e.getMessage());
        err.print(USAGE);
        return 2;
      }
      out.println(client);
      return 0;
    }
    return ClusterVerb.run("version", USAGE, GRAMMAR, ClusterVerb.positional(), args, kubeconfigs, err,
        (line, cluster) -> {
          out.println(client);
          out.println("operator: " + operator(cluster));
          return 0;
        });
  }

  private static String operator(Cluster cluster) {
    List<Deployment> found;
    try {
      found = cluster.client().apps().deployments().inAnyNamespace().withLabel(OPERATOR_LABEL, OPERATOR_NAME).list()
          .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // Not allowed to list across namespaces: the install's own place.
      Deployment deployment = cluster.client().apps().deployments().inNamespace(OPERATOR_NAMESPACE)
          .withName(OPERATOR_NAME).get();
      found = deployment == null ? List.of() : List.of(deployment);
    }
    if (found.isEmpty()) {
      return "not found (no Deployment labelled " + OPERATOR_LABEL + "=" + OPERATOR_NAME + " that this user can read)";
    }
    return found.stream().sorted(Comparator.comparing((Deployment d) -> d.getMetadata().getNamespace()))
        .map(VersionCommand::describe).reduce((a, b) -> a + "; " + b).orElseThrow();
  }

  private static String describe(Deployment deployment) {
    String where = "deployment " + deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    Container operator = containers.stream().filter(c -> c.getName().equals("operator")).findFirst()
        .orElse(containers.isEmpty() ? null : containers.get(0));
    if (operator == null || operator.getImage() == null) {
      return "unknown (" + where + " names no image)";
    }
    return tag(operator.getImage()) + " (" + where + ", image " + operator.getImage() + ")";
  }

  /** The image's tag (or digest); "latest" when it has neither, as the runtime reads it. */
  static String tag(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    int colon = image.lastIndexOf(':');
    // A colon before the last slash is a registry's port, not a tag.
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }
}
