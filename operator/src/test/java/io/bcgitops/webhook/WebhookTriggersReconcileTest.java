package io.bcgitops.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.WebhookSpec;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real GitOpsSource controller, a source polling hourly, and a push delivered to the receiver. */
@EnableKubernetesMockClient(crud = true)
class WebhookTriggersReconcileTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final String TOKEN = "push-secret";

  @TempDir
  Path tmp;

  private static String app(String version) {
    return "name: web\nversion: \"" + version + "\"\nsource:\n  type: maven\n  coordinates: io.example:web\n";
  }

  private static GitOpsSource source(String ns) {
    return client.resources(GitOpsSource.class).inNamespace(ns).withName("shop").get();
  }

  private static String applied(String ns) {
    GitOpsSource source = source(ns);
    return source == null || source.getStatus() == null ? null : source.getStatus().getLastAppliedRevision();
  }

  @Test
  void aSignedPushTriggersItsReconcileWithinASecond() throws Exception {
    OperatorHarness.registerCrds(client);
    String ns = "shop";
    Hooks.createSecret(client, "bc-gitops-system", "webhook", TOKEN);
    OperatorConfig config = new OperatorConfig(Set.of(ns), tmp.resolve("cache"), true, PodImages.DEFAULTS,
        RuntimePoolAddress.CLUSTER_DNS, new OperatorConfig.Service(0, 0, 0, "bc-gitops-system", false, "webhook", false));
    Operator operator = BcGitopsOperator.newOperator(client, null);
    BcGitopsOperator.registerGitOpsSources(operator, config);
    try (TestRepo repo = TestRepo.create(tmp.resolve("repo"));
        Hooks hooks = Hooks.serve(new WebhookReceiver(client, config.namespaces(), config.service().ownNamespace(),
                config.service().webhookSecret()), HttpLimits.WEBHOOKS)) {
      repo.write("apps/web/app.yaml", app("1.0"));
      String first = repo.commit("web 1.0");
      operator.start();
      Hooks.createSource(client, ns, "shop", repo.fileUrl(), spec -> spec.setInterval("1h"));
      await().atMost(Duration.ofSeconds(20)).until(() -> ("main@sha1:" + first).equals(applied(ns)));

      repo.write("apps/web/app.yaml", app("1.1"));
      String second = repo.commit("web 1.1");
      Thread.sleep(1000);
      assertEquals("main@sha1:" + first, applied(ns), "with a 1h interval, nothing fetches the new commit by itself");

      long sent = System.nanoTime();
      HttpResponse<String> response = hooks.github("push", Hooks.githubPush("refs/heads/main", repo.fileUrl(), null),
          TOKEN);
      assertEquals(202, response.statusCode(), response.body());
      assertEquals(List.of(ns + "/shop"),
          new ObjectMapper().convertValue(new ObjectMapper().readTree(response.body()).get("triggered"), List.class));

      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
          .until(() -> ("main@sha1:" + second).equals(applied(ns)));
      long millis = (System.nanoTime() - sent) / 1_000_000;
      System.out.println("webhook push to applied revision: " + millis + " ms");
      assertEquals("1.1", client.resources(AppDeployment.class).inNamespace(ns).withName("web").get()
          .getSpec().getVersion());
      String requested = source(ns).getMetadata().getAnnotations().get(Api.RECONCILE_REQUESTED_AT);
      await().atMost(Duration.ofSeconds(2))
          .until(() -> requested.equals(source(ns).getStatus().getLastHandledReconcileAt()));
    } finally {
      operator.stop();
    }
  }

  /** The path the operator writes into the status is served by the receiver, with the source's own token. */
  @Test
  void aPushToTheSourcesOwnPathTriggersIt() throws Exception {
    OperatorHarness.registerCrds(client);
    String ns = "own-hook";
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(ns)
        .withName("hook").addToLabels(Api.CREDENTIALS_LABEL, "true").endMetadata()
        .addToData(WebhookSpec.TOKEN_KEY, Base64.getEncoder()
            .encodeToString("own-token".getBytes(StandardCharsets.UTF_8))).build()).create();
    OperatorConfig config = new OperatorConfig(Set.of(ns), tmp.resolve("cache"), true, PodImages.DEFAULTS,
        RuntimePoolAddress.CLUSTER_DNS, new OperatorConfig.Service(0, 0, 0, "bc-gitops-system", false, null, false));
    Operator operator = BcGitopsOperator.newOperator(client, null);
    BcGitopsOperator.registerGitOpsSources(operator, config);
    try (TestRepo repo = TestRepo.create(tmp.resolve("repo"));
        Hooks hooks = Hooks.serve(new WebhookReceiver(client, config.namespaces(), config.service().ownNamespace(),
                config.service().webhookSecret()), HttpLimits.WEBHOOKS)) {
      repo.write("apps/web/app.yaml", app("1.0"));
      String first = repo.commit("web 1.0");
      operator.start();
      Hooks.createSource(client, ns, "shop", repo.fileUrl(), spec -> {
        spec.setInterval("1h");
        WebhookSpec webhook = new WebhookSpec();
        webhook.setEnabled(true);
        webhook.setSecretRef(new LocalObjectReference("hook"));
        spec.setWebhook(webhook);
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> ("main@sha1:" + first).equals(applied(ns)));
      String path = source(ns).getStatus().getWebhookPath();
      Hooks.awaitCached(source(ns));

      repo.write("apps/web/app.yaml", app("1.1"));
      String second = repo.commit("web 1.1");
      String body = Hooks.githubPush("refs/heads/main", repo.fileUrl(), null);
      HttpResponse<String> response = hooks.post(path, body, Map.of("X-GitHub-Event", "push",
          "X-Hub-Signature-256", Hooks.sign("own-token", body), "X-GitHub-Delivery", "own-1"));
      assertEquals(202, response.statusCode(), response.body());
      await().atMost(Duration.ofSeconds(5)).until(() -> ("main@sha1:" + second).equals(applied(ns)));
    } finally {
      operator.stop();
    }
  }
}
