package io.bcgitops.bench;

import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.controller.ScriptedRuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;

/** The operator in the benchmark's own JVM, both controllers, its runtime pools answered by scripted ones. */
final class InProcessOperator {
  private InProcessOperator() {
  }

  /** Started; the caller stops it. */
  static Operator start(KubernetesClient client, String namespace, Path work, ScriptedRuntimePool pools) {
    OperatorMetrics metrics = new OperatorMetrics(new TimerSamples());
    Operator operator = BcGitopsOperator.newOperator(client, null, metrics);
    OperatorConfig config = new OperatorConfig(Set.of(namespace), work.resolve("cache"), true, PodImages.DEFAULTS,
        pools, OperatorConfig.Service.LOCAL);
    BcGitopsOperator.registerGitOpsSources(operator, config, metrics);
    BcGitopsOperator.registerAppDeployments(operator, config, metrics);
    operator.start();
    return operator;
  }

  /**
   * A runtime's token Secret, labelled as a pool's objects are, holding the scripted pools' token: its pool finds it
   * and makes none.
   */
  static void createPoolToken(KubernetesClient client, String namespace, String runtime, String token) {
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName(runtime))
        .withNamespace(namespace).withLabels(RuntimePools.labels(runtime)).endMetadata()
        .addToData(RuntimePools.TOKEN_KEY, Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
  }
}
