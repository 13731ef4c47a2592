package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** Settings of a vm app's JVM and pod. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class VmConfig {
  /** A Kubernetes memory quantity; a number in a spec file is MiB and arrives here as "<n>Mi". */
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
  private String memoryLimit;
  /** CPUs: the container's CPU limit and the JVM's -XX:ActiveProcessorCount. */
  @Min(1)
  private Integer schedulerLimit;
  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?-?)?$")
  private String nodePrefix;
  private List<String> extraArgs;

  public String getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(String memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  public Integer getSchedulerLimit() {
    return schedulerLimit;
  }

  public void setSchedulerLimit(Integer schedulerLimit) {
    this.schedulerLimit = schedulerLimit;
  }

  public String getNodePrefix() {
    return nodePrefix;
  }

  public void setNodePrefix(String nodePrefix) {
    this.nodePrefix = nodePrefix;
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs;
  }
}
