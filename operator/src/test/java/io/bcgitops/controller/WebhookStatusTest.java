package io.bcgitops.controller;

import static io.bcgitops.controller.OperatorHarness.condition;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.WebhookSpec;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/** A source's own webhook as its status shows it: the path, kept; the WebhookReady condition; fetching unaffected. */
class WebhookStatusTest extends OperatorTestBase {
  private static final String TOKEN = "tenant-token";

  private TestRepo repo() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", GitOpsSourceReconcilerTest.app("web", "1.0"));
    repo.commit("web");
    return repo;
  }

  private static WebhookSpec webhook(boolean enabled, String secret) {
    WebhookSpec webhook = new WebhookSpec();
    webhook.setEnabled(enabled);
    webhook.setSecretRef(new LocalObjectReference(secret));
    return webhook;
  }

  /** A Secret as the API server stores it: its values base64-encoded in data. */
  private void secret(String namespace, String name, Map<String, String> labels, Map<String, String> values) {
    Map<String, String> data = new java.util.TreeMap<>();
    values.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value.getBytes(UTF_8))));
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withLabels(labels).endMetadata().withData(data).build()).createOr(r -> r.update());
  }

  private GitOpsSource awaitSource(String namespace, Predicate<GitOpsSource> until) {
    try {
      await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> until.test(operator.source(namespace, "shop")));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the source never got there; its status: "
          + client.getKubernetesSerialization().asJson(operator.source(namespace, "shop").getStatus()), e);
    }
    return operator.source(namespace, "shop");
  }

  private static Predicate<GitOpsSource> webhookReady(String status, String messagePart) {
    return s -> condition(s, "WebhookReady")
        .filter(c -> status.equals(c.getStatus()) && c.getMessage().contains(messagePart)).isPresent();
  }

  @Test
  void thePathIsRandomKeptAcrossARestartAndDroppedWhenDisabled() throws Exception {
    TestRepo repo = repo();
    secret(ns, "hook", Map.of(Api.CREDENTIALS_LABEL, "true"), Map.of(WebhookSpec.TOKEN_KEY, TOKEN));
    startOperator(true).createSource(ns, "shop", repo.fileUrl(), spec -> spec.setWebhook(webhook(true, "hook")));

    GitOpsSource source = awaitSource(ns, webhookReady("True", "verified with key 'token' of Secret 'hook'"));
    String path = source.getStatus().getWebhookPath();
    assertTrue(path.matches(WebhookSpec.PATH_PATTERN), path);
    assertTrue(source.getStatus().getConditions().stream().noneMatch(c -> c.getMessage().contains(TOKEN)));
    Condition ready = operator.awaitReady(ns, "shop", "Succeeded").getStatus().getConditions().stream()
        .filter(c -> "WebhookReady".equals(c.getType())).findFirst().orElseThrow();
    assertTrue(ready.getMessage().contains(path), ready.getMessage());

    // A new operator (a restart, or another replica taking over) reads the same path back.
    operator.close();
    startOperator(true);
    String requested = operator.requestReconcile(ns, "shop");
    source = awaitSource(ns, s -> requested.equals(s.getStatus().getLastHandledReconcileAt()));
    assertEquals(path, source.getStatus().getWebhookPath());

    // The same namespace and name again (deleted, created anew) get another path: it is not derived from them.
    String other = "other-" + ns;
    secret(other, "hook", Map.of(Api.CREDENTIALS_LABEL, "true"), Map.of(WebhookSpec.TOKEN_KEY, TOKEN));
    operator.close();
    startOperator(OperatorHarness.Controllers.SOURCES_WITH_READY_APPS, OperatorConfig.Git.DEFAULTS,
        java.util.Set.of(ns, other));
    operator.createSource(other, "shop", repo.fileUrl(), spec -> spec.setWebhook(webhook(true, "hook")));
    GitOpsSource twin = awaitSource(other, webhookReady("True", "Secret 'hook'"));
    assertNotEquals(path, twin.getStatus().getWebhookPath());

    operator.editSource(ns, "shop", s -> s.getSpec().getWebhook().setEnabled(false));
    source = awaitSource(ns, s -> s.getStatus().getWebhookPath() == null);
    assertTrue(condition(source, "WebhookReady").isEmpty(), "no WebhookReady while disabled");
    assertEquals("Succeeded", condition(source, "Ready").orElseThrow().getReason());

    // Enabled again: a new path (the old one may have leaked with the old configuration).
    operator.editSource(ns, "shop", s -> s.getSpec().getWebhook().setEnabled(true));
    source = awaitSource(ns, s -> s.getStatus().getWebhookPath() != null);
    assertNotEquals(path, source.getStatus().getWebhookPath());
  }

  @Test
  void anUnusableSecretIsSaidOnWebhookReadyWhileTheSourceStillFetches() throws Exception {
    TestRepo repo = repo();
    startOperator(true).createSource(ns, "shop", repo.fileUrl(), spec -> spec.setWebhook(webhook(true, "hook")));

    GitOpsSource source = awaitSource(ns, webhookReady("False", "Secret 'hook' named by spec.webhook.secretRef"
        + " does not exist in namespace " + ns));
    Condition missing = condition(source, "WebhookReady").orElseThrow();
    assertEquals("WebhookSecretUnusable", missing.getReason());
    assertTrue(missing.getMessage().contains("deliveries to " + source.getStatus().getWebhookPath()
        + " are refused"), missing.getMessage());
    operator.awaitReady(ns, "shop", "Succeeded"); // fetched and applied all the same
    assertEquals(1, operator.apps(ns).size());

    secret(ns, "hook", Map.of(), Map.of(WebhookSpec.TOKEN_KEY, TOKEN));
    operator.requestReconcile(ns, "shop");
    awaitSource(ns, webhookReady("False", "is not labelled " + Api.CREDENTIALS_LABEL + "=true"));

    secret(ns, "hook", Map.of(Api.CREDENTIALS_LABEL, "true"), Map.of("other", "x"));
    operator.requestReconcile(ns, "shop");
    awaitSource(ns, webhookReady("False", "has no key 'token'"));

    secret(ns, "hook", Map.of(Api.CREDENTIALS_LABEL, "true"), Map.of(WebhookSpec.TOKEN_KEY, TOKEN));
    operator.requestReconcile(ns, "shop");
    source = awaitSource(ns, webhookReady("True", "Secret 'hook'"));
    assertEquals("Succeeded", condition(source, "Ready").orElseThrow().getReason());
  }

  @Test
  void aSourceWithoutWebhookHasNoPath() throws Exception {
    TestRepo repo = repo();
    startOperator(true).createSource(ns, "shop", repo.fileUrl(), spec -> { });
    GitOpsSource source = operator.awaitReady(ns, "shop", "Succeeded");
    assertNull(source.getStatus().getWebhookPath());
    assertTrue(condition(source, "WebhookReady").isEmpty());
  }
}
