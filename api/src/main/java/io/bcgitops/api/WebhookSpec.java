package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/**
 * A GitOpsSource's own webhook receiver (spec.webhook): deliveries to its {@code status.webhookPath} are verified
 * with key {@value #TOKEN_KEY} of the Secret {@code secretRef.name} in the source's namespace, labelled
 * {@code bcgitops.io/credentials: "true"}, and trigger this source only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "!has(self.enabled) || !self.enabled || (has(self.secretRef) && has(self.secretRef.name))",
    message = "an enabled webhook needs secretRef.name: the Secret whose key 'token' verifies deliveries")
public class WebhookSpec {
  /** The key of the Secret that holds the token (GitHub's secret, GitLab's secret token). */
  public static final String TOKEN_KEY = "token";
  /** Where every webhook is served; a source's own path is this and a random id. */
  public static final String PATH_PREFIX = "/hook/";
  /** A source's own path: the prefix and 128 random bits in hex, which no provider name (github, gitlab) matches. */
  public static final String PATH_PATTERN = "^/hook/[0-9a-f]{32}$";

  @Default("false")
  @JsonPropertyDescription("true serves a receiver at status.webhookPath. Default false.")
  private boolean enabled;
  @JsonPropertyDescription("The Secret (same namespace, labelled bcgitops.io/credentials: \"true\") whose key token "
      + "verifies deliveries (GitHub's secret, GitLab's secret token).")
  private LocalObjectReference secretRef;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public LocalObjectReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(LocalObjectReference secretRef) {
    this.secretRef = secretRef;
  }

  /** The Secret's name when the webhook is enabled and names one, else null. */
  public String secretName() {
    return enabled && secretRef != null && secretRef.getName() != null && !secretRef.getName().isBlank()
        ? secretRef.getName() : null;
  }
}
