package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppDeploymentStatus extends ObservedStatus {
  /** Constant names are the wire values. */
  public enum Phase { Pending, WaitingForDependencies, Deploying, Running, Upgrading, Degraded, Failed }

  /** Constant names are the wire values. */
  public enum Health { healthy, unhealthy, unknown }

  @JsonPropertyDescription("Where the app is: Pending, WaitingForDependencies, Deploying, Running, Upgrading, "
      + "Degraded or Failed.")
  private Phase phase;
  @JsonPropertyDescription("The version that runs now (spec.version once an upgrade is done).")
  private String deployedVersion;
  @JsonPropertyDescription("The version that ran before deployedVersion.")
  private String previousVersion;
  @JsonPropertyDescription("The isolation the running app was deployed with: embedded or vm.")
  private Isolation isolation;
  @JsonPropertyDescription("Where the app runs: its pod (vm) or the runtime pool pod (embedded).")
  private String node;
  @JsonPropertyDescription("When the deployed version started (RFC 3339).")
  private String startedAt;
  @JsonPropertyDescription("The last health check: healthy, unhealthy or unknown.")
  private Health health;
  @JsonPropertyDescription("When health was last checked (RFC 3339).")
  private String lastHealthCheck;
  @JsonPropertyDescription("How many times the app was restarted: its container's restarts (vm) or the runtime "
      + "host's (embedded).")
  private Integer restarts;

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getDeployedVersion() {
    return deployedVersion;
  }

  public void setDeployedVersion(String deployedVersion) {
    this.deployedVersion = deployedVersion;
  }

  public String getPreviousVersion() {
    return previousVersion;
  }

  public void setPreviousVersion(String previousVersion) {
    this.previousVersion = previousVersion;
  }

  public Isolation getIsolation() {
    return isolation;
  }

  public void setIsolation(Isolation isolation) {
    this.isolation = isolation;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public Health getHealth() {
    return health;
  }

  public void setHealth(Health health) {
    this.health = health;
  }

  public String getLastHealthCheck() {
    return lastHealthCheck;
  }

  public void setLastHealthCheck(String lastHealthCheck) {
    this.lastHealthCheck = lastHealthCheck;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }
}
