package io.bcgitops.controller;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.util.Optional;

/**
 * Who a GitOpsSource's AppDeployments are written as: the service account its spec names (or the
 * operator's default), in the source's own namespace, impersonated so that the API server's RBAC
 * bounds what the tenant's repository may do, as Flux's Kustomization does with its
 * serviceAccountName; or, when neither is set, the operator itself.
 *
 * @param namespace the source's namespace (a source never names an account of another namespace)
 * @param name the service account's name; null for the operator itself
 */
record SourceAccount(String namespace, String name) {
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile(GitOpsSourceSpec.SERVICE_ACCOUNT_PATTERN);

  /**
   * The account of {@code source}: spec.serviceAccountName, else {@code defaultName} (may be null).
   *
   * @throws IllegalArgumentException naming the field when the name is no service account's name
   */
  static SourceAccount of(GitOpsSource source, String defaultName) {
    String name = Optional.ofNullable(source.getSpec().getServiceAccountName()).orElse(defaultName);
    if (name != null && !isName(name)) {
      throw new IllegalArgumentException("spec.serviceAccountName: '" + name + "' is not a service account's name"
          + " (a DNS-1123 subdomain of lower case letters, digits, '-' and '.')");
    }
    return new SourceAccount(source.getMetadata().getNamespace(), name);
  }

  /** Whether {@code name} can name a service account. */
  static boolean isName(String name) {
    return name.length() <= 253 && NAME.matcher(name).matches();
  }

  boolean isOperator() {
    return name == null;
  }

  /** The user the API server sees: system:serviceaccount:namespace:name. */
  String username() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /**
   * A client that acts as this account: the operator's, with its requests impersonating it (the API
   * server adds the service account's groups itself). It shares the operator's HTTP client, so it
   * costs no connection or thread, and must not be closed.
   */
  KubernetesClient client(KubernetesClient operator) {
    if (isOperator()) {
      return operator;
    }
    return operator.newClient(new RequestConfigBuilder(operator.getConfiguration().getRequestConfig())
        .withImpersonateUsername(username()).build()).adapt(KubernetesClient.class);
  }

  /** For messages: "the service account shop/deployer", or "the operator's own service account". */
  @Override
  public String toString() {
    return isOperator() ? "the operator's own service account" : "the service account " + namespace + "/" + name;
  }
}
