package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.PodImages;
import io.bcgitops.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The operator running against Fabric8's mock API server in CRUD mode, with both CRDs from crds/
 * registered so that the status subresource behaves as on a real server.
 */
public final class OperatorHarness implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Which controllers a test runs. */
  enum Controllers {
    /** Only the GitOpsSource controller; every AppDeployment is reported Ready as soon as it exists. */
    SOURCES_WITH_READY_APPS,
    /** Both controllers, as in production. */
    ALL
  }

  final KubernetesMockServer server;
  final KubernetesClient client;
  /** What /healthz would answer for this operator. */
  final Liveness liveness = new Liveness();
  private final Operator operator;
  private final List<AppsBecomeReady> readyApps = new ArrayList<>();

  /** No operator of its own: the test runs its operators itself and uses this for the API helpers only. */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
    this.operator = null;
  }

  /** Starts an operator that watches only {@code namespace}, so tests sharing a mock server stay apart. */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client, String namespace, Path cacheDir,
      boolean allowFileUrls, Controllers controllers, RuntimePoolAddress pools) {
    this(server, client, namespace, cacheDir, allowFileUrls, controllers, pools, OperatorConfig.Git.DEFAULTS);
  }

  /** As above, with these git limits and fetch pool. */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client, String namespace, Path cacheDir,
      boolean allowFileUrls, Controllers controllers, RuntimePoolAddress pools, OperatorConfig.Git git) {
    this(server, client, Set.of(namespace), cacheDir, allowFileUrls, controllers, pools, git);
  }

  /** Watching these namespaces (tenants sharing the operator). */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client, Set<String> namespaces, Path cacheDir,
      boolean allowFileUrls, Controllers controllers, RuntimePoolAddress pools, OperatorConfig.Git git) {
    this(server, client, controllers, new OperatorConfig(namespaces, cacheDir, allowFileUrls, PodImages.DEFAULTS,
        pools, OperatorConfig.Service.LOCAL, git));
  }

  /** With this configuration. */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client, Controllers controllers,
      OperatorConfig config) {
    this.server = server;
    this.client = client;
    Set<String> namespaces = config.namespaces();
    OperatorMetrics metrics = new OperatorMetrics(new SimpleMeterRegistry());
    this.operator = BcGitopsOperator.newOperator(client, null, metrics, liveness);
    BcGitopsOperator.registerGitOpsSources(operator, config, metrics, liveness);
    if (controllers == Controllers.ALL) {
      BcGitopsOperator.registerAppDeployments(operator, config);
    } else {
      namespaces.forEach(namespace -> readyApps.add(new AppsBecomeReady(client, namespace)));
    }
    operator.start();
  }

  public static void registerCrds(KubernetesClient client) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".bcgitops.io.yaml")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          if (client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
          }
        }
      }
    }
  }

  GitOpsSource createSource(String namespace, String name, String url, Consumer<GitOpsSourceSpec> customize) {
    return client.resource(source(namespace, name, url, customize)).create();
  }

  /** A GitOpsSource as a user writes one: a URL, and what the test adds to its spec. */
  public static GitOpsSource source(String namespace, String name, String url, Consumer<GitOpsSourceSpec> customize) {
    GitOpsSource source = new GitOpsSource();
    source.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    GitOpsSourceSpec spec = new GitOpsSourceSpec();
    spec.setUrl(url);
    customize.accept(spec);
    source.setSpec(spec);
    return source;
  }

  GitOpsSource source(String namespace, String name) {
    return client.resources(GitOpsSource.class).inNamespace(namespace).withName(name).get();
  }

  void editSource(String namespace, String name, Consumer<GitOpsSource> edit) {
    client.resources(GitOpsSource.class).inNamespace(namespace).withName(name).edit(s -> {
      edit.accept(s);
      return s;
    });
  }

  /** Asks for a reconcile now, as `kubectl annotate gs/x bcgitops.io/reconcile-requested-at=...` does. */
  String requestReconcile(String namespace, String name) {
    String value = String.valueOf(System.nanoTime());
    editSource(namespace, name, s -> s.getMetadata().getAnnotations().put(Api.RECONCILE_REQUESTED_AT, value));
    return value;
  }

  List<AppDeployment> apps(String namespace) {
    return client.resources(AppDeployment.class).inNamespace(namespace).list().getItems();
  }

  AppDeployment app(String namespace, String name) {
    return client.resources(AppDeployment.class).inNamespace(namespace).withName(name).get();
  }

  static Optional<Condition> condition(GitOpsSource source, String type) {
    if (source == null || source.getStatus() == null) {
      return Optional.empty();
    }
    return source.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Waits until the source's Ready condition has this reason for the source's current generation. */
  GitOpsSource awaitReady(String namespace, String name, String reason) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
        GitOpsSource source = source(namespace, name);
        return condition(source, "Ready").filter(c -> reason.equals(c.getReason()))
            .filter(c -> c.getObservedGeneration().equals(source.getMetadata().getGeneration())).isPresent();
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("GitOpsSource " + name + " never had Ready reason " + reason + "; it has "
          + condition(source(namespace, name), "Ready").map(c -> c.getReason() + ": " + c.getMessage()).orElse("none"), e);
    }
    return source(namespace, name);
  }

  /** Every request the API server received since the last call, oldest first. */
  List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }

  static List<String> writes(List<RecordedRequest> requests) {
    return requests.stream().filter(r -> !"GET".equals(r.getMethod()))
        .map(r -> r.getMethod() + " " + r.getPath()).toList();
  }

  static Map<String, String> versions(List<AppDeployment> apps) {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    apps.forEach(a -> out.put(a.getMetadata().getName(), a.getSpec().getVersion()));
    return out;
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
    }
    for (AppsBecomeReady ready : readyApps) {
      ready.close();
    }
  }
}
