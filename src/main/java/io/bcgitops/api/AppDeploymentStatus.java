package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppDeploymentStatus extends ObservedStatus {
  /** Constant names are the wire values. */
  public enum Phase { Pending, WaitingForDependencies, Deploying, Running, Upgrading, Degraded, Failed }

  /** Constant names are the wire values. */
  public enum Health { healthy, unhealthy, unknown }

  private Phase phase;
  private String deployedVersion;
  private String previousVersion;
  private Isolation isolation;
  private String node;
  private String startedAt;
  private Health health;
  private String lastHealthCheck;
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
