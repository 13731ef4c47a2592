package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GitOpsSourceStatus extends ObservedStatus {
  @JsonPropertyDescription("The value of the annotation bcgitops.io/reconcile-requested-at last handled.")
  private String lastHandledReconcileAt;
  @JsonPropertyDescription("The last fetched revision.")
  private Artifact artifact;
  @JsonPropertyDescription("The revision whose apps were last applied.")
  private String lastAppliedRevision;
  @JsonPropertyDescription("The revision last fetched and tried, applied or not.")
  private String lastAttemptedRevision;
  @JsonPropertyDescription("The desired state in git: one entry per valid app.")
  private List<AppSummary> apps = new ArrayList<>();
  @JsonPropertyDescription("One entry per rejected spec file, with why.")
  private List<InvalidApp> invalidApps = new ArrayList<>();
  @JsonPropertyDescription("How many valid apps git has.")
  private int appCount;
  @JsonPropertyDescription("How many of them are Ready.")
  private int readyCount;
  @JsonPropertyDescription("The path of this source's own webhook receiver (/hook/<id>); absent while spec.webhook "
      + "is not enabled.")
  private String webhookPath;

  public String getLastHandledReconcileAt() {
    return lastHandledReconcileAt;
  }

  public void setLastHandledReconcileAt(String lastHandledReconcileAt) {
    this.lastHandledReconcileAt = lastHandledReconcileAt;
  }

  public Artifact getArtifact() {
    return artifact;
  }

  public void setArtifact(Artifact artifact) {
    this.artifact = artifact;
  }

  public String getLastAppliedRevision() {
    return lastAppliedRevision;
  }

  public void setLastAppliedRevision(String lastAppliedRevision) {
    this.lastAppliedRevision = lastAppliedRevision;
  }

  public String getLastAttemptedRevision() {
    return lastAttemptedRevision;
  }

  public void setLastAttemptedRevision(String lastAttemptedRevision) {
    this.lastAttemptedRevision = lastAttemptedRevision;
  }

  public List<AppSummary> getApps() {
    return apps;
  }

  public void setApps(List<AppSummary> apps) {
    this.apps = apps;
  }

  public List<InvalidApp> getInvalidApps() {
    return invalidApps;
  }

  public void setInvalidApps(List<InvalidApp> invalidApps) {
    this.invalidApps = invalidApps;
  }

  public int getAppCount() {
    return appCount;
  }

  public void setAppCount(int appCount) {
    this.appCount = appCount;
  }

  public int getReadyCount() {
    return readyCount;
  }

  public void setReadyCount(int readyCount) {
    this.readyCount = readyCount;
  }

  /** The path of this source's own webhook receiver ({@code /hook/<id>}); absent while spec.webhook is not enabled. */
  public String getWebhookPath() {
    return webhookPath;
  }

  public void setWebhookPath(String webhookPath) {
    this.webhookPath = webhookPath;
  }

  /** The fetched revision: {@code main@sha1:<40 hex>}, and when it was first fetched. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Artifact {
    @JsonPropertyDescription("The revision: <branch or tag>@sha1:<40 hex>.")
    private String revision;
    @JsonPropertyDescription("The revision with its hash cut to 7 characters (the column Revision).")
    private String shortRevision;
    @JsonPropertyDescription("When this revision was first fetched (RFC 3339).")
    private String fetchedAt;

    public Artifact() {
    }

    public Artifact(String revision, String shortRevision, String fetchedAt) {
      this.revision = revision;
      this.shortRevision = shortRevision;
      this.fetchedAt = fetchedAt;
    }

    public String getRevision() {
      return revision;
    }

    public void setRevision(String revision) {
      this.revision = revision;
    }

    /** The revision with its hash cut to 7 characters, for the printer column. */
    public String getShortRevision() {
      return shortRevision;
    }

    public void setShortRevision(String shortRevision) {
      this.shortRevision = shortRevision;
    }

    public String getFetchedAt() {
      return fetchedAt;
    }

    public void setFetchedAt(String fetchedAt) {
      this.fetchedAt = fetchedAt;
    }
  }

  /** One valid app of the desired state in git. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class AppSummary {
    @JsonPropertyDescription("The app's name: its AppDeployment's.")
    private String name;
    @JsonPropertyDescription("The version git asks for.")
    private String version;
    @JsonPropertyDescription("embedded or vm.")
    private String isolation;
    @JsonPropertyDescription("The spec file, relative to the repository.")
    private String file;

    public AppSummary() {
    }

    public AppSummary(String name, String version, String isolation, String file) {
      this.name = name;
      this.version = version;
      this.isolation = isolation;
      this.file = file;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getVersion() {
      return version;
    }

    public void setVersion(String version) {
      this.version = version;
    }

    public String getIsolation() {
      return isolation;
    }

    public void setIsolation(String isolation) {
      this.isolation = isolation;
    }

    public String getFile() {
      return file;
    }

    public void setFile(String file) {
      this.file = file;
    }
  }

  /** A spec file that was rejected, and why, in words a user can act on. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class InvalidApp {
    @JsonPropertyDescription("The spec file, relative to the repository.")
    private String file;
    @JsonPropertyDescription("What is wrong with it, and where.")
    private String error;

    public InvalidApp() {
    }

    public InvalidApp(String file, String error) {
      this.file = file;
      this.error = error;
    }

    public String getFile() {
      return file;
    }

    public void setFile(String file) {
      this.file = file;
    }

    public String getError() {
      return error;
    }

    public void setError(String error) {
      this.error = error;
    }
  }
}
