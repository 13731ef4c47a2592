package io.bcgitops.spec;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One app as its spec file in git describes it. Field names are the CRD's camelCase; the
 * bc_gitops snake_case names parse too. Values are as written; {@link SpecValidator} checks them.
 */
public record AppSpec(
    String name,
    String version,
    String description,
    Icon icon,
    Source source,
    List<String> args,
    Map<String, String> env,
    @JsonAlias("depends_on") List<String> dependsOn,
    Health health,
    String isolation,
    @JsonAlias("vm_config") VmConfig vmConfig,
    String runtime,
    Boolean suspend) {

  public static final String EMBEDDED = "embedded";
  public static final String VM = "vm";

  /** The isolation the app runs in: embedded unless the spec says otherwise. */
  public String isolationOrDefault() {
    return isolation == null ? EMBEDDED : isolation;
  }

  public List<String> dependencies() {
    return dependsOn == null ? List.of() : dependsOn;
  }

  public record Icon(String type, String value, @JsonAlias("mime_type") String mimeType) {
  }

  public record Source(
      String type,
      String url,
      String sha256,
      String coordinates,
      String repository,
      String image,
      @JsonAlias("main_class") String mainClass,
      @JsonAlias("secret_ref") SecretRef secretRef) {
  }

  /** The Secret (same namespace) whose username and password, or bearerToken, a download presents. */
  public record SecretRef(String name) {
  }

  public record Health(
      String type,
      Integer port,
      String path,
      @JsonDeserialize(using = SpecDurationDeserializer.class) Duration interval,
      @JsonDeserialize(using = SpecDurationDeserializer.class) Duration timeout,
      List<String> command,
      @JsonAlias("class_name") String className) {
  }

  public record VmConfig(
      @JsonAlias("memory_limit") @JsonDeserialize(using = MemoryLimitDeserializer.class) IntOrString memoryLimit,
      @JsonAlias("scheduler_limit") Integer schedulerLimit,
      @JsonAlias("node_prefix") String nodePrefix,
      @JsonAlias("extra_args") List<String> extraArgs) {
  }
}
