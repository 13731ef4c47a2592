package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GitOpsSourceSpec extends StoredSpec {
  /** Go-style duration, as Flux writes them: 30s, 1m, 1h30m, 500ms. */
  public static final String DURATION_PATTERN = "^" + Durations.PATTERN + "$";
  /** https, http, ssh, git or file URLs, or scp-like user@host:path. */
  public static final String URL_PATTERN = "^((https?|ssh|git|file)://.+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+)$";

  /** A ServiceAccount's name: a DNS-1123 subdomain. */
  public static final String SERVICE_ACCOUNT_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @Required
  @Pattern(URL_PATTERN)
  @JsonPropertyDescription("The git repository: https, http, ssh (ssh:// or git@host:path), git, or file (only when "
      + "the operator allows file URLs).")
  private String url;
  @JsonPropertyDescription("Which revision to deploy: one of branch (default main), tag, semver or commit.")
  private GitRef ref;
  @Default("apps")
  @JsonPropertyDescription("The folder of the repository holding one folder per app, each with an app.yaml. Default "
      + "apps.")
  private String path = "apps";
  @Default("1m")
  @Pattern(DURATION_PATTERN)
  @ValidationRule(value = "duration(self) >= duration('1s')", message = "interval must be at least 1s")
  @JsonPropertyDescription("How often the repository is fetched: a duration such as 30s, 1m or 1h30m, at least 1s. "
      + "Default 1m.")
  private String interval = "1m";
  @Default("60s")
  @Pattern(DURATION_PATTERN)
  @ValidationRule(value = "duration(self) >= duration('1s')", message = "timeout must be at least 1s")
  @JsonPropertyDescription("How long a git operation may take: a duration, at least 1s. Default 60s.")
  private String timeout = "60s";
  @JsonPropertyDescription("A Secret (same namespace, labelled bcgitops.io/credentials: \"true\") with username and "
      + "password, or bearerToken, or identity (SSH private key) and known_hosts.")
  private LocalObjectReference secretRef;
  /**
   * The service account (in the source's namespace) whose permissions the source's AppDeployments
   * are written with; unset, the operator's default (BCGITOPS_DEFAULT_SERVICE_ACCOUNT), or else the
   * operator's own.
   */
  @Pattern(SERVICE_ACCOUNT_PATTERN)
  @Size(max = 253)
  @JsonPropertyDescription("The ServiceAccount (same namespace) whose permissions this source's AppDeployments are "
      + "written with. Unset: the operator's default (BCGITOPS_DEFAULT_SERVICE_ACCOUNT), else the operator's own.")
  private String serviceAccountName;
  @Default("false")
  @JsonPropertyDescription("true stops fetching and applying: the apps keep running as they are. Default false.")
  private boolean suspend;
  @Default("true")
  @JsonPropertyDescription("true deletes the AppDeployments of apps removed from git. Default true.")
  private boolean prune = true;
  @Default("false")
  @JsonPropertyDescription("true lets a path with no valid app prune every app; false (default) changes nothing then.")
  private boolean allowEmpty;
  @JsonPropertyDescription("This source's own webhook receiver: a push to the repository reconciles it at once.")
  private WebhookSpec webhook;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public GitRef getRef() {
    return ref;
  }

  public void setRef(GitRef ref) {
    this.ref = ref;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public LocalObjectReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(LocalObjectReference secretRef) {
    this.secretRef = secretRef;
  }

  public boolean isSuspend() {
    return suspend;
  }

  public void setSuspend(boolean suspend) {
    this.suspend = suspend;
  }

  public boolean isPrune() {
    return prune;
  }

  public void setPrune(boolean prune) {
    this.prune = prune;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public boolean isAllowEmpty() {
    return allowEmpty;
  }

  public void setAllowEmpty(boolean allowEmpty) {
    this.allowEmpty = allowEmpty;
  }

  public WebhookSpec getWebhook() {
    return webhook;
  }

  public void setWebhook(WebhookSpec webhook) {
    this.webhook = webhook;
  }

  /** Whether spec.webhook asks for this source's own receiver. */
  public boolean webhookEnabled() {
    return webhook != null && webhook.isEnabled();
  }
}
