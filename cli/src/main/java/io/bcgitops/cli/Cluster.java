package io.bcgitops.cli;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The cluster a command talks to, chosen as kubectl and flux choose it: the kubeconfig's current
 * context (or {@code --context}), its namespace (or {@code -n}). Requests are not retried and time
 * out within seconds, so that a wrong kubeconfig is one line at once, not a wait.
 */
final class Cluster implements AutoCloseable {
  static final String CONTEXT = "--context";
  static final String NAMESPACE = "--namespace";
  static final String ALL_NAMESPACES = "--all-namespaces";
  static final String USAGE = """
        --context           the kubeconfig context to use (default: the current one; KUBECONFIG as kubectl)
        -n, --namespace     the namespace (default: the context's, else default)
      """;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int REQUEST_TIMEOUT_MILLIS = 15_000;

  private final KubernetesClient client;
  private final String namespace;
  private final boolean allNamespaces;

  private Cluster(KubernetesClient client, String namespace, boolean allNamespaces) {
    this.client = client;
    this.namespace = namespace;
    this.allNamespaces = allNamespaces;
  }

  /** A command's grammar: its own options and flags, plus --context and -n (and -A where it lists). */
  static CommandLine.Grammar grammar(Set<String> options, Set<String> flags, Map<String, String> shortNames,
      boolean acrossNamespaces) {
    Set<String> allOptions = new HashSet<>(options);
    allOptions.addAll(Set.of(CONTEXT, NAMESPACE));
    Set<String> allFlags = new HashSet<>(flags);
    Map<String, String> allShort = new HashMap<>(shortNames);
    allShort.put("-n", NAMESPACE);
    if (acrossNamespaces) {
      allFlags.add(ALL_NAMESPACES);
      allShort.put("-A", ALL_NAMESPACES);
    }
    return new CommandLine.Grammar(allOptions, allFlags, allShort);
  }

  /** Connects as the command line says; a context that is not in the kubeconfig is a wrong argument (exit 2). */
  static Cluster connect(CommandLine line, Kubeconfigs kubeconfigs) throws CommandFailure {
    String context = line.text(CONTEXT);
    Config config;
    try {
      config = kubeconfigs.load(context);
    } catch (RuntimeException e) {
      throw new CommandFailure(1, "cannot read the kubeconfig (KUBECONFIG, else ~/.kube/config): " + e.getMessage());
    }
    if (context != null && (config.getCurrentContext() == null
        || !context.equals(config.getCurrentContext().getName()))) {
      throw new CommandFailure(2, "the kubeconfig has no context '" + context + "' (kubectl config get-contexts"
          + " lists them)");
    }
    Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(CONNECT_TIMEOUT_MILLIS).withRequestTimeout(REQUEST_TIMEOUT_MILLIS).build();
    String namespace = line.text(NAMESPACE);
    if (namespace == null) {
      namespace = config.getNamespace() == null ? "default" : config.getNamespace();
    }
    boolean all = line.declares(ALL_NAMESPACES) && line.has(ALL_NAMESPACES);
    return new Cluster(new KubernetesClientBuilder().withConfig(once).build(), namespace, all);
  }

  KubernetesClient client() {
    return client;
  }

  String namespace() {
    return namespace;
  }

  boolean allNamespaces() {
    return allNamespaces;
  }

  /** Where the command looked, for messages: "namespace shop" or "any namespace". */
  String where() {
    return allNamespaces ? "any namespace" : "namespace " + namespace;
  }

  /** The GitOpsSource of that name in the namespace; exit 1 saying so when there is none. */
  GitOpsSource source(String name) throws CommandFailure {
    return existing(GitOpsSource.class, name);
  }

  AppDeployment app(String name) throws CommandFailure {
    return existing(AppDeployment.class, name);
  }

  private <T extends HasMetadata> T existing(Class<T> kind, String name) throws CommandFailure {
    T found = client.resources(kind).inNamespace(namespace).withName(name).get();
    if (found == null) {
      throw new CommandFailure(1, "no " + HasMetadata.getKind(kind) + " '" + name + "' in namespace " + namespace
          + " (bcgitops get -n " + namespace + " lists them)");
    }
    return found;
  }

  /** A failed request in one line: what the API server said, or why it could not be reached. */
  CommandFailure failure(KubernetesClientException e) {
    if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
      // Objects that are not there are found missing with get(): a 404 here is for a whole resource type.
      return new CommandFailure(1, ClusterCheck.unanswered(client.getConfiguration().getMasterUrl(), e)
          + "; are the CRDs installed? (kubectl apply -f crds/)");
    }
    if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
      String message = e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
      return new CommandFailure(1, "the Kubernetes API refused: " + message);
    }
    return new CommandFailure(1, ClusterCheck.unanswered(client.getConfiguration().getMasterUrl(), e));
  }

  @Override
  public void close() {
    client.close();
  }
}
