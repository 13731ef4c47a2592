package io.bcgitops.runtime;

import io.bcgitops.runtime.RuntimeApi.Health;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a {@link LoadRequest} and fills in its defaults, so two requests that mean the same are
 * equal (a PUT of the same request is a no-op). Every problem is an IllegalArgumentException,
 * which the API answers with 400.
 */
final class LoadRequests {
  static final int DEFAULT_PORT = 8080;
  static final long DEFAULT_INTERVAL_MILLIS = 30_000;
  static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

  private LoadRequests() {
  }

  /** The request with defaults filled in and its jar as an absolute path inside {@code dir} (a real path). */
  static LoadRequest normalize(LoadRequest request, Path dir) {
    if (request == null) {
      throw new IllegalArgumentException("the body must be a LoadRequest");
    }
    String version = required(request.version(), "version");
    Path jar = insideDir(required(request.jar(), "jar"), dir);
    String mainClass = blankToNull(request.mainClass());
    Map<String, String> env = new TreeMap<>();
    if (request.env() != null) {
      request.env().forEach((key, value) -> {
        if (key == null || value == null) {
          throw new IllegalArgumentException("env '" + key + "' has no value");
        }
        env.put(key, value);
      });
    }
    List<String> args = request.args() == null ? List.of() : request.args();
    for (String arg : args) {
      if (arg == null) {
        throw new IllegalArgumentException("args must not contain null");
      }
    }
    return new LoadRequest(version, jar.toString(), mainClass, Collections.unmodifiableMap(env), List.copyOf(args),
        health(request.health()));
  }

  /** A jar may only come from the loader's folder: the host must not run an arbitrary file of its pod. */
  private static Path insideDir(String jar, Path dir) {
    Path path = dir.resolve(jar).normalize(); // an absolute jar replaces dir
    if (!path.startsWith(dir) || path.equals(dir)) {
      throw new IllegalArgumentException("jar " + jar + " is not inside the host's folder " + dir);
    }
    if (Files.exists(path)) {
      try {
        if (!path.toRealPath().startsWith(dir)) {
          throw new IllegalArgumentException("jar " + jar + " leads out of " + dir + " through a symbolic link");
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("jar " + jar + " cannot be read: " + e.getMessage());
      }
    }
    return path;
  }

  private static Health health(Health health) {
    if (health == null) {
      return null;
    }
    String type = required(health.type(), "health.type").toLowerCase(Locale.ROOT);
    long interval = health.intervalMillis() > 0 ? health.intervalMillis() : DEFAULT_INTERVAL_MILLIS;
    long timeout = health.timeoutMillis() > 0 ? health.timeoutMillis() : DEFAULT_TIMEOUT_MILLIS;
    int port = health.port() == 0 ? DEFAULT_PORT : health.port();
    switch (type) {
      case "http" -> {
        String path = blankToNull(health.path()) == null ? "/" : health.path().trim();
        if (!path.startsWith("/")) {
          throw new IllegalArgumentException("health.path must start with /, got " + path);
        }
        return new Health(type, port(port), path, interval, timeout, null);
      }
      case "tcp" -> {
        return new Health(type, port(port), null, interval, timeout, null);
      }
      case "custom" -> {
        return new Health(type, 0, null, interval, timeout, required(health.className(), "health.className"));
      }
      default -> throw new IllegalArgumentException("health.type must be http, tcp or custom, got " + health.type());
    }
  }

  private static int port(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("health.port must be 1-65535, got " + port);
    }
    return port;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value.trim();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
