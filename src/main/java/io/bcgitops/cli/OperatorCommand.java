package io.bcgitops.cli;

import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs the operator until the process is told to stop. */
final class OperatorCommand {
  private OperatorCommand() {
  }

  static int run(Map<String, String> env) throws InterruptedException {
    OperatorConfig config = OperatorConfig.fromEnvironment(env);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = BcGitopsOperator.create(client, config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }
}
