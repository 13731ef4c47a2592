package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/*
 * The CEL rules below are the SpecValidator checks that span fields, worded as its messages are,
 * so that kubectl apply refuses what validate and the operator refuse (CrdRulesTest pairs each
 * rule with its check). isolation has a default, so it is always there when they run.
 */
@ValidationRule(value = "!has(self.source) || self.source.type != 'image' || self.isolation == 'vm'",
    message = "source.type: an image source runs only with isolation: vm (the runtime host loads jars, not images)")
@ValidationRule(value = "!has(self.health) || self.health.type != 'custom' || self.isolation != 'vm'"
    + " || has(self.health.command) && size(self.health.command) > 0",
    message = "health.command: required for a custom health check of a vm app")
@ValidationRule(value = "!has(self.health) || self.health.type != 'custom' || self.isolation != 'embedded'"
    + " || has(self.health.className)",
    message = "health.className: required for a custom health check of an embedded app")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppDeploymentSpec extends StoredSpec {
  @Required
  @Pattern("^\\S+$")
  @JsonPropertyDescription("The app version to deploy (a string: quote numbers such as \"1.10\"). Ready is True "
      + "once status.deployedVersion equals it and the app is healthy.")
  private String version;
  @JsonPropertyDescription("Free text about the app, shown by the dashboard.")
  private String description;
  @JsonPropertyDescription("The app's icon in the dashboard; identicon (generated from the name) when absent.")
  private Icon icon;
  /** The runtime pool an embedded app runs in unless it names one. */
  public static final String DEFAULT_RUNTIME = "default";

  @Required
  @JsonPropertyDescription("Where the app's jar (release, maven) or image (vm only) comes from.")
  private AppSource source;
  @Size(max = FieldLimits.MAX_ARGS)
  @JsonPropertyDescription("Arguments passed to the app's main method, after the jar: java <vmConfig.extraArgs> "
      + "-jar app.jar <args>. At most 64, each at most 4096 characters.")
  private List<@Size(max = FieldLimits.MAX_ARG) String> args;
  @Size(max = FieldLimits.MAX_ENV)
  @JsonPropertyDescription("Environment variables of the app: its container's env (vm), or the map the runtime "
      + "host passes to its start(env, args) (embedded; an app started by main cannot read it). At most 128.")
  private Map<String, @Size(max = FieldLimits.MAX_ENV_VALUE) String> env;
  @Size(max = FieldLimits.MAX_DEPENDS_ON)
  @JsonPropertyDescription("Names of AppDeployments in the same namespace that must be Ready before this app is "
      + "deployed (phase WaitingForDependencies until they are).")
  private List<@Pattern(FieldLimits.DNS_LABEL_PATTERN) @Size(max = FieldLimits.MAX_NAME_LENGTH) String> dependsOn;
  @JsonPropertyDescription("How the app's health is checked: readiness and liveness probes for a vm app, the "
      + "runtime host's check for an embedded app. Unset: the app is Running, health unknown, once it has started.")
  private HealthCheck health;
  @Default("embedded")
  @JsonPropertyDescription("embedded (default): loaded into the shared JVM of the RuntimePool named by runtime, in "
      + "its own class loader. vm: its own Deployment and pod, one JVM per pod.")
  private Isolation isolation = Isolation.embedded;
  @JsonPropertyDescription("Settings of a vm app's JVM and pod (isolation: vm only): memory and CPU limits, the "
      + "Deployment's name prefix and JVM arguments.")
  private VmConfig vmConfig;
  @Default(DEFAULT_RUNTIME)
  @Pattern(FieldLimits.DNS_LABEL_PATTERN)
  @Size(max = FieldLimits.MAX_RUNTIME_LENGTH)
  @JsonPropertyDescription("The RuntimePool (same namespace) an embedded app runs in; default \"default\". The "
      + "operator creates a pool with defaults when none has this name.")
  private String runtime = DEFAULT_RUNTIME;
  @Default("false")
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyDescription("true stops reconciling this app: what runs keeps running, unchanged. Default false.")
  private boolean suspend;

  /**
   * The stand-in for a stored spec that cannot be read: no isolation and no runtime, so that
   * nothing treats it as an app of either kind.
   */
  static AppDeploymentSpec unreadable() {
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.isolation = null;
    spec.runtime = null;
    return spec;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public Icon getIcon() {
    return icon;
  }

  public void setIcon(Icon icon) {
    this.icon = icon;
  }

  public AppSource getSource() {
    return source;
  }

  public void setSource(AppSource source) {
    this.source = source;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public Map<String, String> getEnv() {
    return env;
  }

  public void setEnv(Map<String, String> env) {
    this.env = env;
  }

  public List<String> getDependsOn() {
    return dependsOn;
  }

  public void setDependsOn(List<String> dependsOn) {
    this.dependsOn = dependsOn;
  }

  /** The apps this one waits for: dependsOn, or none. */
  public List<String> dependencies() {
    return dependsOn == null ? List.of() : dependsOn;
  }

  public HealthCheck getHealth() {
    return health;
  }

  public void setHealth(HealthCheck health) {
    this.health = health;
  }

  public Isolation getIsolation() {
    return isolation;
  }

  public void setIsolation(Isolation isolation) {
    this.isolation = isolation;
  }

  public VmConfig getVmConfig() {
    return vmConfig;
  }

  public void setVmConfig(VmConfig vmConfig) {
    this.vmConfig = vmConfig;
  }

  public String getRuntime() {
    return runtime;
  }

  public void setRuntime(String runtime) {
    this.runtime = runtime;
  }

  public boolean isSuspend() {
    return suspend;
  }

  public void setSuspend(boolean suspend) {
    this.suspend = suspend;
  }
}
