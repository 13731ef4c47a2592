package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The {@code get} command: sources, their apps and what runs them, as a tree; or the objects as YAML or JSON. */
final class GetCommand {
  static final String USAGE = """
      usage: get [<source>] [-n <namespace> | -A] [-o yaml|json] [--watch] [--context <name>]
        <source>              only this GitOpsSource and its apps (default: every source in the namespace)
        -A, --all-namespaces  every namespace, one section each
        -o, --output          yaml or json: the GitOpsSources, AppDeployments and RuntimePools as a List
        -w, --watch           print the tree again whenever any of it changes (Ctrl-C stops)
      """ + Cluster.USAGE + """
      Prints each source (revision, Ready, apps ready), its apps (version, isolation, phase, health, why not
      Ready) and under each app its pods (vm) or its runtime pool (embedded).
      exit: 0 printed, 1 the cluster could not be read or no such source, 2 wrong arguments
      """;
  private static final String OUTPUT = "--output";
  private static final String WATCH = "--watch";
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(OUTPUT), Set.of(WATCH),
      Map.of("-o", OUTPUT, "-w", WATCH), true);
  /** Changes arriving together (a commit touching several apps) are printed once. */
  private static final long SETTLE_MILLIS = 300;

  private GetCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("get", USAGE, GRAMMAR, GetCommand::check, args, kubeconfigs, err, (line, cluster) -> {
      String source = line.positional().isEmpty() ? null : line.positional().get(0);
      if (source != null) {
        cluster.source(source); // says so when there is none
      }
      if (line.has(WATCH)) {
        return watch(cluster, source, out);
      }
      SourceTree.Snapshot snapshot = only(source, read(cluster));
      String output = line.text(OUTPUT);
      if (output != null) {
        out.print(serialized(snapshot, output));
        return 0;
      }
      String tree = SourceTree.render(snapshot, cluster.allNamespaces());
      out.print(tree.isEmpty() ? "no GitOpsSource nor AppDeployment in " + cluster.where() + "\n" : tree);
      return 0;
    });
  }

  private static void check(CommandLine line) {
    if (line.positional().size() > 1) {
      throw new IllegalArgumentException("give at most one source's name; got " + line.positional());
    }
    String output = line.text(OUTPUT);
    if (output != null && !output.equals("yaml") && !output.equals("json")) {
      throw new IllegalArgumentException("--output must be yaml or json, got '" + output + "'");
    }
    if (output != null && line.has(WATCH)) {
      throw new IllegalArgumentException("--watch prints the tree; it does not go with --output");
    }
    if (!line.positional().isEmpty() && line.has(Cluster.ALL_NAMESPACES)) {
      throw new IllegalArgumentException("a source's name goes with one namespace, not with --all-namespaces");
    }
  }

  private static SourceTree.Snapshot read(Cluster cluster) {
    KubernetesClient client = cluster.client();
    return new SourceTree.Snapshot(
        scope(cluster, client.resources(GitOpsSource.class)).list().getItems(),
        scope(cluster, client.resources(AppDeployment.class)).list().getItems(),
        scope(cluster, client.resources(RuntimePool.class)).list().getItems(),
        // Only pods of vm apps carry the app label; a pool's pod is named by its RuntimePool.
        scope(cluster, client.pods()).withLabel(Api.APP_LABEL).list().getItems());
  }

  private static <T extends HasMetadata, L, R extends Resource<T>> FilterWatchListDeletable<T, L, R> scope(
      Cluster cluster, MixedOperation<T, L, R> operation) {
    return cluster.allNamespaces() ? operation.inAnyNamespace() : operation.inNamespace(cluster.namespace());
  }

  /** With a source named: that source and its apps only. */
  private static SourceTree.Snapshot only(String source, SourceTree.Snapshot all) {
    if (source == null) {
      return all;
    }
    return new SourceTree.Snapshot(
        all.sources().stream().filter(s -> s.getMetadata().getName().equals(source)).toList(),
        all.apps().stream().filter(a -> a.getMetadata().getLabels() != null
            && source.equals(a.getMetadata().getLabels().get(Api.SOURCE_LABEL))).toList(),
        all.pools(), all.pods());
  }

  private static String serialized(SourceTree.Snapshot snapshot, String format) {
    List<HasMetadata> items = new ArrayList<>();
    items.addAll(snapshot.sources());
    items.addAll(snapshot.apps());
    items.addAll(snapshot.pools());
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    KubernetesSerialization serialization = new KubernetesSerialization();
    return format.equals("yaml") ? serialization.asYaml(list) : serialization.asJson(list) + "\n";
  }

  /**
   * Informers on the four kinds, and the tree printed again (with the time) after each change that
   * alters it; runs until interrupted (Ctrl-C ends the process).
   */
  private static int watch(Cluster cluster, String source, PrintStream out) throws InterruptedException {
    KubernetesClient client = cluster.client();
    BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata object) {
        changes.offer(true);
      }

      @Override
      public void onUpdate(HasMetadata old, HasMetadata object) {
        changes.offer(true);
      }

      @Override
      public void onDelete(HasMetadata object, boolean finalStateUnknown) {
        changes.offer(true);
      }
    };
    List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    try {
      SharedIndexInformer<GitOpsSource> sources = scope(cluster, client.resources(GitOpsSource.class))
          .inform(cast(handler));
      informers.add(sources);
      SharedIndexInformer<AppDeployment> apps = scope(cluster, client.resources(AppDeployment.class))
          .inform(cast(handler));
      informers.add(apps);
      SharedIndexInformer<RuntimePool> pools = scope(cluster, client.resources(RuntimePool.class))
          .inform(cast(handler));
      informers.add(pools);
      SharedIndexInformer<Pod> pods = scope(cluster, client.pods()).withLabel(Api.APP_LABEL).inform(cast(handler));
      informers.add(pods);
      String last = null;
      changes.offer(true); // the tree as it is now, even when nothing is there to be added
      while (true) {
        changes.take();
        Thread.sleep(SETTLE_MILLIS);
        changes.clear();
        String tree = SourceTree.render(only(source, new SourceTree.Snapshot(sources.getStore().list(),
            apps.getStore().list(), pools.getStore().list(), pods.getStore().list())), cluster.allNamespaces());
        if (!tree.equals(last)) {
          last = tree;
          out.println("-- " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
          out.print(tree.isEmpty() ? "no GitOpsSource nor AppDeployment in " + cluster.where() + "\n" : tree);
          out.flush();
        }
      }
    } finally {
      informers.forEach(SharedIndexInformer::close);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> handler) {
    return (ResourceEventHandler<T>) handler;
  }

}
