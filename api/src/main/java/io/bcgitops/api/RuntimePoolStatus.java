package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What the operator last saw of a runtime pool: its pod, and each app its JVM runs as the pool's API answered the
 * last poll. Written only when something in it changed (a health check's time alone is no change), and read by the
 * pool's embedded AppDeployments: one poll per pool feeds them all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RuntimePoolStatus extends ObservedStatus {
  /** The pod whose JVM the apps run in; absent while none is available. */
  @JsonPropertyDescription("The pod whose JVM runs the apps; absent while none is available.")
  private String pod;
  /** The apps the pool's JVM runs, by name; absent while its API has not answered. */
  @JsonPropertyDescription("The apps the pool's JVM runs; absent while its API has not answered.")
  private List<App> apps;
  @JsonPropertyDescription("How many apps the pool runs.")
  private Integer appCount;
  /** The host container's memory limit, as set on the Deployment (the column Memory). */
  @JsonPropertyDescription("The host container memory limit as set on the Deployment (the column Memory).")
  private String memoryLimit;

  /** One app as the runtime host reports it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class App {
    @JsonPropertyDescription("The AppDeployment.")
    private String name;
    @JsonPropertyDescription("The version that runs.")
    private String version;
    @JsonPropertyDescription("Starting, Running, Crashed (restarted with back-off), Failed (not restarted) or Stopped.")
    private EmbeddedState state;
    /** healthy, unhealthy or unknown. */
    @JsonPropertyDescription("healthy, unhealthy or unknown.")
    private String health;
    @JsonPropertyDescription("How many times the host restarted it.")
    private Integer restarts;
    @JsonPropertyDescription("When it started (RFC 3339).")
    private String startedAt;
    /** As of the last status write: a check's time alone is no reason to write. */
    @JsonPropertyDescription("When its health was checked, as of the last status write (RFC 3339).")
    private String lastHealthCheck;
    /** A version that failed to start while this one kept running. */
    @JsonPropertyDescription("A version that failed to start while this one kept running.")
    private String failedVersion;
    @JsonPropertyDescription("Why it crashed or failed.")
    private String message;
    /** A digest of the request the host runs the app with: what tells the operator whether to load it again. */
    @JsonPropertyDescription("A digest of the request the host runs it with: tells the operator whether to load it "
        + "again.")
    private String requestDigest;

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

    public EmbeddedState getState() {
      return state;
    }

    public void setState(EmbeddedState state) {
      this.state = state;
    }

    public String getHealth() {
      return health;
    }

    public void setHealth(String health) {
      this.health = health;
    }

    public Integer getRestarts() {
      return restarts;
    }

    public void setRestarts(Integer restarts) {
      this.restarts = restarts;
    }

    public String getStartedAt() {
      return startedAt;
    }

    public void setStartedAt(String startedAt) {
      this.startedAt = startedAt;
    }

    public String getLastHealthCheck() {
      return lastHealthCheck;
    }

    public void setLastHealthCheck(String lastHealthCheck) {
      this.lastHealthCheck = lastHealthCheck;
    }

    public String getFailedVersion() {
      return failedVersion;
    }

    public void setFailedVersion(String failedVersion) {
      this.failedVersion = failedVersion;
    }

    public String getMessage() {
      return message;
    }

    public void setMessage(String message) {
      this.message = message;
    }

    public String getRequestDigest() {
      return requestDigest;
    }

    public void setRequestDigest(String requestDigest) {
      this.requestDigest = requestDigest;
    }
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public List<App> getApps() {
    return apps;
  }

  public void setApps(List<App> apps) {
    this.apps = apps;
  }

  public Integer getAppCount() {
    return appCount;
  }

  public void setAppCount(Integer appCount) {
    this.appCount = appCount;
  }

  public String getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(String memoryLimit) {
    this.memoryLimit = memoryLimit;
  }
}
