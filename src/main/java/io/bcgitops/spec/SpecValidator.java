package io.bcgitops.spec;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks one parsed app spec on its own; {@link GitOpsRepository} checks the apps against each other. */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern COORDINATES = Pattern.compile("[^:\\s]+:[^:\\s]+(:[^:\\s]+)?");
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  /** A Secret's name: a DNS-1123 subdomain. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_CPUS = 512;
  private static final int MAX_NAME_LENGTH = 63;
  /** 63 minus "bcgitops-runtime-": the runtime pool's Service name is a DNS-1035 label. */
  public static final int MAX_RUNTIME_LENGTH = 46;
  /**
   * What one app may list, and how long each entry may be. Parsed, a spec costs the operator far
   * more than its bytes (a map entry of "A: v" is about 150 bytes of heap), and the operator keeps
   * each source's apps between fetches: these bound that, with room to spare for real apps.
   */
  public static final int MAX_ENV = 128;
  public static final int MAX_ENV_NAME = 256;
  public static final int MAX_ENV_VALUE = 32 * 1024;
  /** Entries of args, vmConfig.extraArgs and health.command, each. */
  public static final int MAX_ARGS = 64;
  public static final int MAX_ARG = 4 * 1024;
  public static final int MAX_DEPENDS_ON = 64;

  /** Returns every problem found, each as "field: what is wrong"; empty when the spec is valid. */
  public List<String> validate(AppSpec spec) {
    List<String> errors = new ArrayList<>();
    checkName(spec.name(), errors);
    if (spec.version() == null || spec.version().isBlank()) {
      errors.add("version: required (a string such as \"1.2.0\")");
    } else if (spec.version().chars().anyMatch(Character::isWhitespace)) {
      errors.add("version: '" + shown(spec.version()) + "' must not contain spaces");
    }
    String isolation = spec.isolationOrDefault();
    if (!isolation.equals(AppSpec.EMBEDDED) && !isolation.equals(AppSpec.VM)) {
      errors.add("isolation: '" + shown(isolation) + "' is not one of embedded, vm");
    }
    checkSource(spec.source(), isolation, errors);
    checkHealth(spec.health(), isolation, errors);
    checkVmConfig(spec.vmConfig(), spec.name(), errors);
    checkDependencies(spec, errors);
    checkEnv(spec.env(), errors);
    checkArgs("args", spec.args(), errors);
    checkIcon(spec.icon(), errors);
    if (spec.runtime() != null && !DNS_LABEL.matcher(spec.runtime()).matches()) {
      errors.add("runtime: '" + shown(spec.runtime()) + "' must be a DNS-1123 label (lower case letters, digits and"
          + " '-')");
    } else if (spec.runtime() != null && spec.runtime().length() > MAX_RUNTIME_LENGTH) {
      errors.add("runtime: '" + shown(spec.runtime()) + "' is longer than " + MAX_RUNTIME_LENGTH + " characters: the"
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

  private static void checkSource(AppSpec.Source source, String isolation, List<String> errors) {
    if (source == null) {
      errors.add("source: required (type release, maven or image)");
      return;
    }
    String type = source.type();
    if (type == null) {
      errors.add("source.type: required (release, maven or image)");
      return;
    }
    switch (type) {
      case "release" -> {
        if (checkHttpUrl("source.url", source.url(), true, errors)) {
          checkTransport("source.url", source, source.url(), errors);
        }
        onlyFor(type, "coordinates", source.coordinates(), errors);
        onlyFor(type, "repository", source.repository(), errors);
        onlyFor(type, "image", source.image(), errors);
        checkSecretRef(source.secretRef(), errors);
      }
      case "maven" -> {
        if (source.coordinates() == null) {
          errors.add("source.coordinates: required for a maven source (group:artifact[:version])");
        } else if (!COORDINATES.matcher(source.coordinates()).matches()) {
          errors.add("source.coordinates: '" + shown(source.coordinates()) + "' is not group:artifact[:version]");
        }
        if (checkHttpUrl("source.repository", source.repository(), false, errors) && source.repository() != null) {
          checkTransport("source.repository", source, source.repository(), errors);
        }
        onlyFor(type, "url", source.url(), errors);
        onlyFor(type, "image", source.image(), errors);
        checkSecretRef(source.secretRef(), errors);
      }
      case "image" -> {
        if (source.image() == null || source.image().isBlank()) {
          errors.add("source.image: required for an image source");
        }
        if (!AppSpec.VM.equals(isolation)) {
          errors.add("source.type: an image source runs only with isolation: vm (the runtime host loads jars, not images)");
        }
        onlyFor(type, "url", source.url(), errors);
        onlyFor(type, "coordinates", source.coordinates(), errors);
        onlyFor(type, "sha256", source.sha256(), errors);
        onlyFor(type, "mainClass", source.mainClass(), errors);
        onlyFor(type, "secretRef", source.secretRef(), errors);
      }
      case "hex", "mesh" -> errors.add("source.type: '" + type + "' is a BEAM (Erlang/Elixir) package source that"
          + " bc_gitops supports but a JVM app cannot use; use release, maven or image");
      default -> errors.add("source.type: '" + shown(type) + "' is not one of release, maven, image");
    }
    if (source.sha256() != null && !SHA256.matcher(source.sha256()).matches()) {
      errors.add("source.sha256: must be 64 hexadecimal characters");
    }
  }

  private static void onlyFor(String type, String field, Object value, List<String> errors) {
    if (value != null) {
      errors.add("source." + field + ": not used by " + (type.equals("image") ? "an " : "a ") + type
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
  private static void checkTransport(String field, AppSpec.Source source, String url, List<String> errors) {
    if (SafeUrls.protectedInTransit(URI.create(url))) {
      return;
    }
    if (source.sha256() == null) {
      errors.add(field + ": '" + shown(url) + "' is plain http and no source.sha256 pins the jar, so anyone on the"
          + " network path could replace it; add source.sha256, or use an https URL");
    }
    if (source.secretRef() != null) {
      errors.add("source.secretRef: credentials are only sent over https, and " + field + " is plain http; use"
          + " an https URL");
    }
  }

  private static void checkSecretRef(AppSpec.SecretRef secretRef, List<String> errors) {
    if (secretRef == null) {
      return;
    }
    if (secretRef.name() == null || secretRef.name().isBlank()) {
      errors.add("source.secretRef.name: required (the Secret holding the download's credentials)");
    } else if (secretRef.name().length() > 253 || !DNS_SUBDOMAIN.matcher(secretRef.name()).matches()) {
      errors.add("source.secretRef.name: '" + shown(secretRef.name()) + "' is not a Secret name (a DNS-1123"
          + " subdomain)");
    }
  }

  private static void checkHealth(AppSpec.Health health, String isolation, List<String> errors) {
    if (health == null) {
      return;
    }
    if (health.type() == null) {
      errors.add("health.type: required (http, tcp or custom)");
    } else {
      switch (health.type()) {
        case "http" -> {
          if (health.path() != null && !health.path().startsWith("/")) {
            errors.add("health.path: '" + shown(health.path()) + "' must start with '/'");
          }
        }
        case "tcp" -> {
        }
        case "custom" -> {
          if (AppSpec.VM.equals(isolation) && (health.command() == null || health.command().isEmpty())) {
            errors.add("health.command: required for a custom health check of a vm app");
          }
          if (AppSpec.EMBEDDED.equals(isolation) && health.className() == null) {
            errors.add("health.className: required for a custom health check of an embedded app");
          }
        }
        default -> errors.add("health.type: '" + shown(health.type()) + "' is not one of http, tcp, custom");
      }
    }
    if (health.port() != null && (health.port() < 1 || health.port() > 65535)) {
      errors.add("health.port: " + health.port() + " is not a port (1-65535)");
    }
    if (health.interval() != null && (health.interval().isZero() || health.interval().isNegative())) {
      errors.add("health.interval: must be more than 0");
    }
    if (health.timeout() != null && (health.timeout().isZero() || health.timeout().isNegative())) {
      errors.add("health.timeout: must be more than 0");
    }
    checkArgs("health.command", health.command(), errors);
  }

  private static void checkVmConfig(AppSpec.VmConfig vm, String name, List<String> errors) {
    if (vm == null) {
      return;
    }
    String memoryProblem = vm.memoryLimit() == null ? null : MemoryLimits.problem(vm.memoryLimit());
    if (memoryProblem != null) {
      errors.add("vmConfig.memoryLimit: " + memoryProblem);
    }
    if (vm.schedulerLimit() != null && (vm.schedulerLimit() < 1 || vm.schedulerLimit() > MAX_CPUS)) {
      errors.add("vmConfig.schedulerLimit: " + vm.schedulerLimit() + " CPUs is outside 1.." + MAX_CPUS);
    }
    if (vm.nodePrefix() != null) {
      String deploymentName = vm.nodePrefix() + (name == null ? "" : name);
      if (!isDnsLabel(deploymentName)) {
        errors.add("vmConfig.nodePrefix: '" + shown(vm.nodePrefix()) + "' with the app name gives '"
            + shown(deploymentName) + "', which is not a DNS-1123 label of at most 63 characters");
      }
    }
    checkArgs("vmConfig.extraArgs", vm.extraArgs(), errors);
  }

  private static void checkDependencies(AppSpec spec, List<String> errors) {
    if (spec.dependencies().size() > MAX_DEPENDS_ON) {
      errors.add("dependsOn: " + spec.dependencies().size() + " apps; an app may depend on at most " + MAX_DEPENDS_ON);
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String dependency : spec.dependencies()) {
      if (!isDnsLabel(dependency)) {
        errors.add("dependsOn: '" + shown(dependency) + "' is not an app name (a DNS-1123 label)");
      } else if (dependency.equals(spec.name())) {
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

  private static void checkIcon(AppSpec.Icon icon, List<String> errors) {
    if (icon == null) {
      return;
    }
    if (icon.type() == null) {
      errors.add("icon.type: required (url, base64 or identicon)");
      return;
    }
    switch (icon.type()) {
      case "url" -> checkHttpUrl("icon.value", icon.value(), true, errors);
      case "base64" -> {
        if (icon.value() == null || icon.mimeType() == null) {
          errors.add("icon: a base64 icon needs value and mimeType");
        }
      }
      case "identicon" -> {
      }
      default -> errors.add("icon.type: '" + shown(icon.type()) + "' is not one of url, base64, identicon");
    }
  }
}
