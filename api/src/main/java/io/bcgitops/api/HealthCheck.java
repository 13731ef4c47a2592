package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type != 'http' || !has(self.path) || self.path.startsWith('/')",
    message = "health.path: must start with '/'")
@JsonIgnoreProperties(ignoreUnknown = true)
public class HealthCheck {
  /** Constant names are the wire values. */
  public enum Type { http, tcp, custom }

  @Required
  @JsonPropertyDescription("http: a GET of path answers 2xx or 3xx. tcp: port accepts a connection. custom: command "
      + "(vm) or className (embedded) says.")
  private Type type;
  @Default("8080")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The port checked (http, tcp). Default 8080.")
  private int port = 8080;
  @JsonPropertyDescription("http: the path requested, starting with /.")
  private String path;
  @Default("30s")
  @Pattern(GitOpsSourceSpec.DURATION_PATTERN)
  @JsonPropertyDescription("Time between checks: a duration such as 30s or 1m. Default 30s.")
  private String interval = "30s";
  @Default("5s")
  @Pattern(GitOpsSourceSpec.DURATION_PATTERN)
  @JsonPropertyDescription("How long one check may take: a duration such as 5s. Default 5s.")
  private String timeout = "5s";
  /** custom health check of a vm app: a command run in its container. */
  @Size(max = FieldLimits.MAX_ARGS)
  @JsonPropertyDescription("custom, vm app: a command run in the container; exit 0 is healthy.")
  private List<@Size(max = FieldLimits.MAX_ARG) String> command;
  /** custom health check of an embedded app: a class of the app the runtime host calls. */
  @JsonPropertyDescription("custom, embedded app: a class of the app that the runtime host calls to check its health.")
  private String className;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getInterval() {
    return interval;
  }

  /** The interval as a duration; the schema's pattern (and the operator's check) make it one. */
  public Duration interval() {
    return Durations.parse(interval);
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getTimeout() {
    return timeout;
  }

  /** The timeout as a duration; the schema's pattern (and the operator's check) make it one. */
  public Duration timeout() {
    return Durations.parse(timeout);
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public String getClassName() {
    return className;
  }

  public void setClassName(String className) {
    this.className = className;
  }
}
