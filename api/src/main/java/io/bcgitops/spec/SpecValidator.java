package io.bcgitops.spec;

import static io.bcgitops.api.FieldLimits.DNS_LABEL_PATTERN;
import static io.bcgitops.api.FieldLimits.MAX_ARG;
import static io.bcgitops.api.FieldLimits.MAX_ARGS;
import static io.bcgitops.api.FieldLimits.MAX_CPUS;
import static io.bcgitops.api.FieldLimits.MAX_DEPENDS_ON;
import static io.bcgitops.api.FieldLimits.MAX_ENV;
import static io.bcgitops.api.FieldLimits.MAX_ENV_NAME;
import static io.bcgitops.api.FieldLimits.MAX_ENV_VALUE;
import static io.bcgitops.api.FieldLimits.MAX_NAME_LENGTH;
import static io.bcgitops.api.FieldLimits.MAX_RUNTIME_LENGTH;

import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Durations;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Icon;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.MemoryLimits;
import io.bcgitops.api.VmConfig;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one app's spec on its own: a spec file's ({@link AppFile}), and an AppDeployment's as the
 * operator reads it, so that one written by hand is held to what the GitOps path guarantees and
 * {@code validate} refuses what the API server would. Every rule the CRD's schema states is here
 * too; {@link GitOpsRepository} checks the apps against each other.
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile(DNS_LABEL_PATTERN);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern COORDINATES = Pattern.compile("[^:\\s]+:[^:\\s]+(:[^:\\s]+)?");
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  /** A Secret's name: a DNS-1123 subdomain. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Returns every problem of a spec file, each as "field: what is wrong"; empty when it is valid. */
  public List<String> validate(AppFile file) {
    return validate(file.getName(), file);
  }

  /**
   * Returns every problem found, each as "field: what is wrong"; empty when the spec is valid.
   *
   * @param name the app's name: the file's name field, or the AppDeployment's metadata.name
   */
  public List<String> validate(String name, AppDeploymentSpec spec) {
    List<String> errors = new ArrayList<>();
    checkName(name, errors);
    if (spec.getVersion() == null || spec.getVersion().isBlank()) {
      errors.add("version: required (a string such as \"1.2.0\")");
    } else if (spec.getVersion().chars().anyMatch(Character::isWhitespace)) {
      errors.add("version: '" + shown(spec.getVersion()) + "' must not contain spaces");
    }
    Isolation isolation = Objects.requireNonNullElse(spec.getIsolation(), Isolation.embedded);
    checkSource(spec.getSource(), isolation, errors);
    checkHealth(spec.getHealth(), isolation, errors);
    checkVmConfig(spec.getVmConfig(), name, errors);
    checkDependencies(name, spec.dependencies(), errors);
    checkEnv(spec.getEnv(), errors);
    checkArgs("args", spec.getArgs(), errors);
    checkIcon(spec.getIcon(), errors);
    String runtime = spec.getRuntime();
    if (runtime != null && !DNS_LABEL.matcher(runtime).matches()) {
      errors.add("runtime: '" + shown(runtime) + "' must be a DNS-1123 label (lower case letters, digits and '-')");
    } else if (runtime != null && runtime.length() > MAX_RUNTIME_LENGTH) {
      errors.add("runtime: '" + shown(runtime) + "' is longer than " + MAX_RUNTIME_LENGTH + " characters: the"
          + " pool's Service bcgitops-runtime-<runtime> must fit in 63");
    }
    return errors;
  }

  /** True when the text is a DNS-1123 label, as Kubernetes object names of these kinds must be. */
  public static boolean isDnsLabel(String text) {
    return text != null && text.length() <= MAX_NAME_LENGTH && DNS_LABEL.matcher(text).matches();
  }

  private static void checkName(String name, List<String> errors) {
    if (name == null || name.isBlank()) {
      errors.add("name: required");
    } else if (!isDnsLabel(name)) {
      errors.add("name: '" + shown(name) + "' must be a DNS-1123 label: at most 63 lower case letters, digits"
          + " and '-', starting and ending with a letter or digit");
    }
  }

  private static void checkSource(AppSource source, Isolation isolation, List<String> errors) {
    if (source == null) {
      errors.add("source: required (type release, maven or image)");
      return;
    }
    AppSource.Type type = source.getType();
    if (type == null) {
      errors.add("source.type: required (release, maven or image)");
      return;
    }
    switch (type) {
      case release -> {
        if (checkHttpUrl("source.url", source.getUrl(), true, errors)) {
          checkTransport("source.url", source, source.getUrl(), errors);
        }
        onlyFor(type, "coordinates", source.getCoordinates(), errors);
        onlyFor(type, "repository", source.getRepository(), errors);
        onlyFor(type, "image", source.getImage(), errors);
        checkSecretRef(source.getSecretRef(), errors);
      }
      case maven -> {
        if (source.getCoordinates() == null) {
          errors.add("source.coordinates: required for a maven source (group:artifact[:version])");
        } else if (!COORDINATES.matcher(source.getCoordinates()).matches()) {
          errors.add("source.coordinates: '" + shown(source.getCoordinates()) + "' is not group:artifact[:version]");
        }
        if (checkHttpUrl("source.repository", source.getRepository(), false, errors)
            && source.getRepository() != null) {
          checkTransport("source.repository", source, source.getRepository(), errors);
        }
        onlyFor(type, "url", source.getUrl(), errors);
        onlyFor(type, "image", source.getImage(), errors);
        checkSecretRef(source.getSecretRef(), errors);
      }
      case image -> {
        if (source.getImage() == null || source.getImage().isBlank()) {
          errors.add("source.image: required for an image source");
        }
        if (isolation != Isolation.vm) {
          errors.add("source.type: an image source runs only with isolation: vm (the runtime host loads jars, not images)");
        }
        onlyFor(type, "url", source.getUrl(), errors);
        onlyFor(type, "coordinates", source.getCoordinates(), errors);
        onlyFor(type, "sha256", source.getSha256(), errors);
        onlyFor(type, "mainClass", source.getMainClass(), errors);
        onlyFor(type, "secretRef", source.getSecretRef(), errors);
      }
    }
    if (source.getSha256() != null && !SHA256.matcher(source.getSha256()).matches()) {
      errors.add("source.sha256: must be 64 hexadecimal characters");
    }
  }

  private static void onlyFor(AppSource.Type type, String field, Object value, List<String> errors) {
    if (value != null) {
      errors.add("source." + field + ": not used by " + (type == AppSource.Type.image ? "an " : "a ") + type
          + " source; remove it");
    }
  }

  /**
   * An http(s) URL with a host and no credentials in it; the message shows the URL with its user
   * info redacted. True when the URL is absent (and not required) or fine.
   */
  private static boolean checkHttpUrl(String field, String url, boolean required, List<String> errors) {
    if (url == null) {
      if (required) {
        errors.add(field + ": required");
      }
      return !required;
    }
    String shown = shown(SafeUrls.redact(url));
    if (SafeUrls.hasUserInfo(url)) {
      errors.add(field + ": '" + shown + "' holds credentials (user info); take them out of the URL"
          + (field.startsWith("source.") ? " and name a Secret holding them in source.secretRef.name (keys"
              + " username and password, or bearerToken)" : ""));
      return false;
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        errors.add(field + ": '" + shown + "' must be an http or https URL");
        return false;
      }
    } catch (Exception e) {
      errors.add(field + ": '" + shown + "' is not a valid URL");
      return false;
    }
    return true;
  }

  /**
   * Over plain http (to anything but loopback) anyone on the network path can read and change
   * what travels: a jar must be pinned by sha256, and credentials are not sent at all.
   */
  private static void checkTransport(String field, AppSource source, String url, List<String> errors) {
    if (SafeUrls.protectedInTransit(URI.create(url))) {
      return;
    }
    if (source.getSha256() == null) {
      errors.add(field + ": '" + shown(url) + "' is plain http and no source.sha256 pins the jar, so anyone on the"
          + " network path could replace it; add source.sha256, or use an https URL");
    }
    if (source.getSecretRef() != null) {
      errors.add("source.secretRef: credentials are only sent over https, and " + field + " is plain http; use"
          + " an https URL");
    }
  }

  private static void checkSecretRef(LocalObjectReference secretRef, List<String> errors) {
    if (secretRef == null) {
      return;
    }
    String name = secretRef.getName();
    if (name == null || name.isBlank()) {
      errors.add("source.secretRef.name: required (the Secret holding the download's credentials)");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      errors.add("source.secretRef.name: '" + shown(name) + "' is not a Secret name (a DNS-1123 subdomain)");
    }
  }

  private static void checkHealth(HealthCheck health, Isolation isolation, List<String> errors) {
    if (health == null) {
      return;
    }
    if (health.getType() == null) {
      errors.add("health.type: required (http, tcp or custom)");
    } else {
      switch (health.getType()) {
        case http -> {
          if (health.getPath() != null && !health.getPath().startsWith("/")) {
            errors.add("health.path: '" + shown(health.getPath()) + "' must start with '/'");
          }
        }
        case tcp -> {
        }
        case custom -> {
          if (isolation == Isolation.vm && (health.getCommand() == null || health.getCommand().isEmpty())) {
            errors.add("health.command: required for a custom health check of a vm app");
          }
          if (isolation == Isolation.embedded && health.getClassName() == null) {
            errors.add("health.className: required for a custom health check of an embedded app");
          }
        }
      }
    }
    if (health.getPort() < 1 || health.getPort() > 65535) {
      errors.add("health.port: " + health.getPort() + " is not a port (1-65535)");
    }
    checkDuration("health.interval", health.getInterval(), errors);
    checkDuration("health.timeout", health.getTimeout(), errors);
    checkArgs("health.command", health.getCommand(), errors);
  }

  /** A duration as the CRD's pattern has it, and more than 0 (a spec file's -5, milliseconds, reads as "-5ms"). */
  private static void checkDuration(String field, String text, List<String> errors) {
    if (text == null) {
      return;
    }
    boolean negative = text.startsWith("-") && Durations.isDuration(text.substring(1));
    if (negative || Durations.isDuration(text) && Durations.parse(text).isZero()) {
      errors.add(field + ": must be more than 0");
    } else if (!Durations.isDuration(text)) {
      errors.add(field + ": '" + shown(text) + "' is not a duration; write it like 500ms, 30s, 1m or 1h30m");
    }
  }

  private static void checkVmConfig(VmConfig vm, String name, List<String> errors) {
    if (vm == null) {
      return;
    }
    String memoryProblem = vm.getMemoryLimit() == null ? null : MemoryLimits.problem(vm.getMemoryLimit());
    if (memoryProblem != null) {
      errors.add("vmConfig.memoryLimit: " + memoryProblem);
    }
    Integer cpus = vm.getSchedulerLimit();
    if (cpus != null && (cpus < 1 || cpus > MAX_CPUS)) {
      errors.add("vmConfig.schedulerLimit: " + cpus + " CPUs is outside 1.." + MAX_CPUS);
    }
    if (vm.getNodePrefix() != null) {
      String deploymentName = vm.getNodePrefix() + (name == null ? "" : name);
      if (!isDnsLabel(deploymentName)) {
        errors.add("vmConfig.nodePrefix: '" + shown(vm.getNodePrefix()) + "' with the app name gives '"
            + shown(deploymentName) + "', which is not a DNS-1123 label of at most 63 characters");
      }
    }
    checkArgs("vmConfig.extraArgs", vm.getExtraArgs(), errors);
  }

  private static void checkDependencies(String name, List<String> dependencies, List<String> errors) {
    if (dependencies.size() > MAX_DEPENDS_ON) {
      errors.add("dependsOn: " + dependencies.size() + " apps; an app may depend on at most " + MAX_DEPENDS_ON);
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String dependency : dependencies) {
      if (!isDnsLabel(dependency)) {
        errors.add("dependsOn: '" + (dependency == null ? "" : shown(dependency)) + "' is not an app name (a DNS-1123"
            + " label)");
      } else if (dependency.equals(name)) {
        errors.add("dependsOn: the app depends on itself");
      } else if (!seen.add(dependency)) {
        errors.add("dependsOn: '" + dependency + "' is listed twice");
      }
    }
  }

  private static void checkEnv(Map<String, String> env, List<String> errors) {
    if (env == null) {
      return;
    }
    if (env.size() > MAX_ENV) {
      errors.add("env: " + env.size() + " variables; an app may have at most " + MAX_ENV);
      return;
    }
    env.forEach((key, value) -> {
      if (key.length() > MAX_ENV_NAME) {
        errors.add("env: the name '" + shown(key) + "' is " + key.length() + " characters; a name may have at most "
            + MAX_ENV_NAME);
      } else if (!ENV_NAME.matcher(key).matches()) {
        errors.add("env: '" + shown(key) + "' is not a valid environment variable name");
      } else if (value == null) {
        errors.add("env." + key + ": has no value; write \"\" for an empty one");
      } else if (value.length() > MAX_ENV_VALUE) {
        errors.add("env." + key + ": the value is " + value.length() + " characters; a value may have at most "
            + MAX_ENV_VALUE);
      }
    });
  }

  /** A list of arguments: no empty entry, at most {@link #MAX_ARGS} of at most {@link #MAX_ARG} characters. */
  private static void checkArgs(String field, List<String> values, List<String> errors) {
    if (values == null) {
      return;
    }
    if (values.size() > MAX_ARGS) {
      errors.add(field + ": " + values.size() + " entries; at most " + MAX_ARGS);
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null) {
        errors.add(field + ": holds an empty entry");
        return;
      }
      if (value.length() > MAX_ARG) {
        errors.add(field + "[" + i + "]: " + value.length() + " characters; an entry may have at most " + MAX_ARG);
      }
    }
  }

  /** A value as a message quotes it: at most 200 characters of it, so that a long one cannot make the message long. */
  static String shown(String value) {
    return value.length() <= 200 ? value : value.substring(0, 200) + "...";
  }

  private static void checkIcon(Icon icon, List<String> errors) {
    if (icon == null) {
      return;
    }
    if (icon.getType() == null) {
      errors.add("icon.type: required (url, base64 or identicon)");
      return;
    }
    switch (icon.getType()) {
      case url -> checkHttpUrl("icon.value", icon.getValue(), true, errors);
      case base64 -> {
        if (icon.getValue() == null || icon.getMimeType() == null) {
          errors.add("icon: a base64 icon needs value and mimeType");
        }
      }
      case identicon -> {
      }
    }
  }
}
