package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class GitOpsSourceStatus extends ObservedStatus {
  private String lastHandledReconcileAt;
  private Artifact artifact;
  private String lastAppliedRevision;
  private String lastAttemptedRevision;
  private List<AppSummary> apps = new ArrayList<>();
  private List<InvalidApp> invalidApps = new ArrayList<>();
  private int appCount;
  private int readyCount;
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
    private String revision;
    private String shortRevision;
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
    private String name;
    private String version;
    private String isolation;
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
    private String file;
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
