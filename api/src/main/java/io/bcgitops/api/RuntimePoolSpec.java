package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/** How a runtime pool's JVM is sized; every field optional (RuntimePools says the defaults). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RuntimePoolSpec extends StoredSpec {
  /**
   * The host container's memory limit, as vmConfig.memoryLimit: MiB as an integer, or a quantity as a string.
   * The CRD generator drops a pattern on an int-or-string; CrdsUpToDateTest puts this one back.
   */
  @Pattern(VmConfig.QUANTITY_PATTERN)
  @JsonPropertyDescription("The host container memory limit, as vmConfig.memoryLimit: an integer is MiB, a string a "
      + "quantity (\"1Gi\"). Default 512Mi.")
  private IntOrString memoryLimit;
  /** The host container's CPU limit: CPUs as an integer, or a quantity as a string ("500m", "2"). */
  @Pattern(VmConfig.QUANTITY_PATTERN)
  @JsonPropertyDescription("The host container CPU limit: CPUs as an integer, or a quantity as a string (\"500m\", "
      + "\"2\"). Unset: none.")
  private IntOrString cpuLimit;
  /** Arguments of the host's JVM (-Xss512k, -XX:+UseZGC), after the operator's own: the JVM takes the last. */
  @JsonPropertyDescription("Arguments of the host JVM (-Xss512k, -XX:+UseZGC), after the operator's own: the JVM "
      + "takes the last.")
  private List<String> extraArgs;
  /**
   * 1 runs the pool, 0 stops it. Not more: the operator loads each app into "the" pool's JVM over its Service, and
   * a second pod would hold none of them.
   */
  @Default("1")
  @Min(0)
  @Max(1)
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyDescription("1 runs the pool, 0 stops it (its apps stop too). Default 1.")
  private Integer replicas = 1;
  /** The image of the host and the loader; the operator's own (BCGITOPS_OPERATOR_IMAGE) when not set. */
  @JsonPropertyDescription("The image of the host and the loader; the operator's own (BCGITOPS_OPERATOR_IMAGE) when "
      + "unset.")
  private String image;

  public IntOrString getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(IntOrString memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  public IntOrString getCpuLimit() {
    return cpuLimit;
  }

  public void setCpuLimit(IntOrString cpuLimit) {
    this.cpuLimit = cpuLimit;
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }
}
