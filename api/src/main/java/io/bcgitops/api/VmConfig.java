package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/** Settings of a vm app's JVM and pod. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VmConfig {
  /** A Kubernetes quantity, as the API server's own schemas write it; {@link MemoryLimits} reads one with Fabric8's Quantity. */
  public static final String QUANTITY_PATTERN = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]"
      + "|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  /**
   * MiB as an integer, or a Kubernetes quantity as a string ("512Mi", "1Gi"), kept in the form
   * written ({@link MemoryLimits} reads it). The CRD generator drops a pattern on an int-or-string;
   * CrdsUpToDateTest puts this one back (it applies to the string form only).
   */
  @Pattern(QUANTITY_PATTERN)
  @JsonPropertyDescription("The container memory limit: an integer is MiB (512), a string a Kubernetes quantity "
      + "(\"512Mi\", \"1Gi\"). The JVM heap gets 75% of it. Unset: no limit.")
  private IntOrString memoryLimit;
  /** CPUs: the container's CPU limit and the JVM's -XX:ActiveProcessorCount. */
  @Min(1)
  @Max(FieldLimits.MAX_CPUS)
  @JsonPropertyDescription("CPUs: the container CPU limit and the JVM's -XX:ActiveProcessorCount. An integer, at "
      + "least 1.")
  private Integer schedulerLimit;
  /** Put before the app's name to name its Deployment; the operator checks that the whole is a DNS-1123 label. */
  @Pattern("^([a-z0-9][-a-z0-9]*)?$")
  @JsonPropertyDescription("Put before the app name to name its Deployment (<nodePrefix><app>); the whole must be a "
      + "DNS-1123 label.")
  private String nodePrefix;
  @Size(max = FieldLimits.MAX_ARGS)
  @JsonPropertyDescription("JVM arguments put before -jar (-Xss512k, -XX:+UseZGC), after the operator's own: the "
      + "JVM takes the last.")
  private List<@Size(max = FieldLimits.MAX_ARG) String> extraArgs;

  public IntOrString getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(IntOrString memoryLimit) {
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
