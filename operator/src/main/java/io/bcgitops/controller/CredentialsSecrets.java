package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.spec.HttpCredentials;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;

/**
 * The one check of a Secret named as credentials, git (a GitOpsSource's spec.secretRef) or
 * artifacts (an app's source.secretRef), DESIGN.md section 8: it exists in the object's namespace
 * and is labelled {@code bcgitops.io/credentials: "true"}. Whoever writes a spec (anyone who can
 * push to the repository) can name any Secret of the namespace, and the operator would send its
 * values to a URL of their choosing; the label is the Secret owner's consent.
 */
final class CredentialsSecrets {

  /** Why a Secret cannot be used; the message names the Secret and the field, never a value. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  private CredentialsSecrets() {
  }

  /**
   * The Secret {@code name} of {@code namespace}, when it may be used as credentials.
   *
   * @param field the field that names it, for the message (source.secretRef, spec.secretRef)
   * @throws Unusable when it does not exist or is not labelled
   */
  static Secret get(KubernetesClient client, String namespace, String name, String field) throws Unusable {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    Optional<String> refusal = refusal(secret, namespace, name, field);
    if (refusal.isPresent()) {
      throw new Unusable(refusal.get());
    }
    return secret;
  }

  /**
   * The credentials an app's jar download presents: none without source.secretRef, else the keys of
   * that Secret, which must be usable and hold username (with password) or bearerToken.
   */
  static HttpCredentials artifactCredentials(AppDeployment app, KubernetesClient client) throws Unusable {
    LocalObjectReference ref = app.getSpec().getSource() == null ? null : app.getSpec().getSource().getSecretRef();
    if (ref == null || ref.getName() == null) {
      return HttpCredentials.NONE;
    }
    String field = "source.secretRef";
    Secret secret = get(client, app.getMetadata().getNamespace(), ref.getName(), field);
    HttpCredentials credentials;
    try {
      credentials = HttpCredentials.fromSecretData(secret.getData());
    } catch (IllegalArgumentException e) {
      throw new Unusable("Secret '" + ref.getName() + "' named by " + field + ": " + e.getMessage());
    }
    if (!credentials.present()) {
      throw new Unusable("Secret '" + ref.getName() + "' named by " + field + " has neither the key "
          + HttpCredentials.USERNAME_KEY + " (with " + HttpCredentials.PASSWORD_KEY + ") nor "
          + HttpCredentials.BEARER_TOKEN_KEY);
    }
    return credentials;
  }

  /**
   * The credentials a source's git fetches present: none without spec.secretRef, else the keys of
   * that Secret, which must be usable and hold username (with password), bearerToken or identity.
   */
  static GitCredentials gitCredentials(GitOpsSource source, KubernetesClient client) throws Unusable {
    LocalObjectReference ref = source.getSpec().getSecretRef();
    if (ref == null || ref.getName() == null) {
      return GitCredentials.NONE;
    }
    String field = "spec.secretRef";
    Secret secret = get(client, source.getMetadata().getNamespace(), ref.getName(), field);
    GitCredentials credentials;
    try {
      credentials = GitCredentials.fromSecretData(secret.getData());
    } catch (IllegalArgumentException e) {
      throw new Unusable("Secret '" + ref.getName() + "' named by " + field + ": " + e.getMessage());
    }
    if (!credentials.present()) {
      throw new Unusable("Secret '" + ref.getName() + "' has none of the keys " + HttpCredentials.USERNAME_KEY
          + " (with " + HttpCredentials.PASSWORD_KEY + "), " + HttpCredentials.BEARER_TOKEN_KEY + " or "
          + GitCredentials.IDENTITY_KEY + " (with " + GitCredentials.KNOWN_HOSTS_KEY + ")");
    }
    return credentials;
  }

  /** Why this Secret (null: not found) may not be used as credentials, or empty when it may. */
  static Optional<String> refusal(Secret secret, String namespace, String name, String field) {
    if (secret == null) {
      return Optional.of("Secret '" + name + "' named by " + field + " does not exist in namespace " + namespace);
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels == null || !"true".equals(labels.get(Api.CREDENTIALS_LABEL))) {
      return Optional.of("Secret '" + name + "' named by " + field + " is not labelled " + Api.CREDENTIALS_LABEL
          + "=true, which allows its use as credentials: kubectl label secret " + name + " -n " + namespace + " "
          + Api.CREDENTIALS_LABEL + "=true");
    }
    return Optional.empty();
  }
}
