package io.bcgitops.controller;

import io.bcgitops.api.Conditions;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.api.WebhookSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A source's own webhook, as its status shows it: {@code status.webhookPath} and the WebhookReady condition while
 * spec.webhook is enabled, neither otherwise. Its fetching does not depend on it.
 *
 * <p>The path is 128 random bits, drawn once and then kept in the status: the API server stores it, so a restarted
 * operator or another replica taking over reads the same path back, and nothing about the source (its namespace,
 * name or uid) tells it. Disabling the webhook drops it; enabling it again draws a new one.
 */
final class WebhookStatus {
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookStatus() {
  }

  /** Sets the path and condition for this source's spec.webhook; reads its Secret (one GET) when it is enabled. */
  static void report(GitOpsSource source, GitOpsSourceStatus status, ConditionSet conditions, KubernetesClient client) {
    if (!source.getSpec().readErrors().isEmpty()) {
      return; // a spec this operator cannot read says nothing about its webhook: the path is kept
    }
    if (!source.getSpec().webhookEnabled()) {
      status.setWebhookPath(null);
      conditions.remove(Conditions.WEBHOOK_READY);
      return;
    }
    String path = status.getWebhookPath();
    if (path == null || !path.matches(WebhookSpec.PATH_PATTERN)) {
      status.setWebhookPath(newPath());
    }
    Optional<String> problem = problem(source, client);
    if (problem.isPresent()) {
      conditions.set(Conditions.WEBHOOK_READY, false, Reasons.WEBHOOK_SECRET_UNUSABLE, problem.get()
          + "; deliveries to " + status.getWebhookPath() + " are refused until it is fixed (fetches go on at"
          + " spec.interval)");
    } else {
      conditions.set(Conditions.WEBHOOK_READY, true, Reasons.SUCCEEDED, "GitHub and GitLab push events to "
          + status.getWebhookPath() + " trigger this source, verified with key '" + WebhookSpec.TOKEN_KEY
          + "' of Secret '" + source.getSpec().getWebhook().secretName() + "'");
    }
  }

  static String newPath() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return WebhookSpec.PATH_PREFIX + HexFormat.of().formatHex(id);
  }

  /** Why the webhook's Secret cannot verify deliveries (it is named, exists, is labelled and holds a token), if so. */
  private static Optional<String> problem(GitOpsSource source, KubernetesClient client) {
    String namespace = source.getMetadata().getNamespace();
    String name = source.getSpec().getWebhook().secretName();
    String field = "spec.webhook.secretRef";
    if (name == null) {
      return Optional.of(field + ".name is not set: name a Secret with key '" + WebhookSpec.TOKEN_KEY + "'");
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return Optional.of("Secret '" + name + "' named by " + field + " cannot be read (HTTP " + e.getCode() + ")");
    }
    Optional<String> refusal = CredentialsSecrets.refusal(secret, namespace, name, field);
    if (refusal.isPresent()) {
      return refusal;
    }
    String token = secret.getData() == null ? null : secret.getData().get(WebhookSpec.TOKEN_KEY);
    if (token == null || token.isBlank()) {
      return Optional.of("Secret '" + name + "' named by " + field + " has no key '" + WebhookSpec.TOKEN_KEY
          + "' (or it is empty)");
    }
    return Optional.empty();
  }
}
