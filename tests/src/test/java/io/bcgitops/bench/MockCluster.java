package io.bcgitops.bench;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.controller.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * Fabric8's mock API server in CRUD mode with both CRDs registered, as the controller tests use it,
 * on plain HTTP so that an operator in another process can use it too. Every answer is metered; the
 * benchmark's own requests are made as the client {@link #BENCH} and count for no one else.
 */
final class MockCluster implements AutoCloseable {
  private static final String BENCH = "bench";

  final ApiMeter meter;
  private final KubernetesMockServer server;
  private final KubernetesClient bench;

  private MockCluster(ApiMeter meter, KubernetesMockServer server) throws IOException {
    this.meter = meter;
    this.server = server;
    this.bench = client(BENCH);
    OperatorHarness.registerCrds(bench);
  }

  /** The mock server logs every request at INFO: thousands of lines a second would be measured too. */
  private static final java.util.logging.Logger SERVER_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static MockCluster start() throws IOException {
    SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    ApiMeter meter = new ApiMeter(new KubernetesMixedDispatcher(responses));
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, meter, false);
    server.init();
    return new MockCluster(meter, server);
  }

  /** A client whose requests the meter counts under {@code name}. */
  KubernetesClient client(String name) {
    return server.createClient(builder -> builder.editOrNewConfig().withUserAgent(name).endConfig());
  }

  String url() {
    return server.url("/");
  }

  GitOpsSource createSource(String namespace, String name, String url, String interval) {
    return createSource(namespace, name, url, interval, "60s");
  }

  GitOpsSource createSource(String namespace, String name, String url, String interval, String timeout) {
    return bench.resource(OperatorHarness.source(namespace, name, url, spec -> {
      spec.setInterval(interval);
      spec.setTimeout(timeout);
    })).create();
  }

  GitOpsSource source(String namespace, String name) {
    return bench.resources(GitOpsSource.class).inNamespace(namespace).withName(name).get();
  }

  /** Whether the source applied {@code apps} apps and all are Ready. */
  static boolean allReady(GitOpsSource source, int apps) {
    return source != null && source.getStatus() != null && source.getStatus().getReadyCount() == apps
        && source.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  List<AppDeployment> apps(String namespace) {
    return bench.resources(AppDeployment.class).inNamespace(namespace).list().getItems();
  }

  KubernetesClient bench() {
    return bench;
  }

  @Override
  public void close() {
    bench.close();
    server.destroy();
  }
}
