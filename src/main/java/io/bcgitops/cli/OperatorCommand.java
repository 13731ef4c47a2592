package io.bcgitops.cli;

import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.http.OperatorHttpServer;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.webhook.WebhookReceiver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs the operator, and its HTTP endpoints, until the process is told to stop. */
final class OperatorCommand {
  private OperatorCommand() {
  }

  static int run(Map<String, String> env) throws InterruptedException, IOException {
    OperatorConfig config = OperatorConfig.fromEnvironment(env);
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorMetrics metrics = OperatorMetrics.prometheus();
    Operator operator = BcGitopsOperator.create(client, config, metrics);
    OperatorHttpServer http = httpServer(new InetSocketAddress(config.service().httpPort()), client, config, metrics,
        operator);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      http.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    http.start();
    operator.start();
    stopped.await();
    return 0;
  }

  /** /metrics, /healthz, /readyz (ready once the operator started) and the webhook receiver. */
  static OperatorHttpServer httpServer(InetSocketAddress address, KubernetesClient client, OperatorConfig config,
      OperatorMetrics metrics, Operator operator) throws IOException {
    return new OperatorHttpServer(address, metrics, () -> operator.getRuntimeInfo().isStarted(),
        Map.of(WebhookReceiver.PATH, WebhookReceiver.create(client, config)));
  }
}
