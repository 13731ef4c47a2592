package io.bcgitops.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.spec.HttpCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API of a runtime pool's two containers, shared by the servers (runtime host, loader)
 * and the operator's client. JSON bodies; every request carries {@code Authorization: Bearer <token>}
 * (the loader: the pool's token; the host: the host's token, derived from it by {@link PoolToken#hostToken}), and
 * a missing or wrong token gets 401 and changes nothing.
 *
 * <p>Runtime host ({@link #HOST_PORT}):
 * <ul>
 *   <li>{@code GET /v1/apps}: {@link AppList}</li>
 *   <li>{@code PUT /v1/apps/{name}} with a {@link LoadRequest}: load, reconfigure or upgrade the app;
 *       answers 202 with its {@link AppState} and does the work in the background (poll GET)</li>
 *   <li>{@code DELETE /v1/apps/{name}}: stop and unload; 204, or 404 when absent</li>
 *   <li>{@code GET /v1/health}: 200 with {@link HostState} while the host serves ({@code ?gc=true}
 *       first runs a full GC, so memory figures show what unloading released)</li>
 * </ul>
 *
 * <p>Loader sidecar ({@link #LOADER_PORT}):
 * <ul>
 *   <li>{@code PUT /v1/jars/{name}/{version}} with a {@link JarRequest}: have the jar fetched and
 *       verified into the shared folder (as the fetch command does), answered at once: 200 with
 *       {@link JarInfo} once a fetch of this same request put it there; 202 with {@link JarFetching}
 *       while it is fetched in the background (PUT the same request again to know more: nothing
 *       waits for a download); 422 with {@link Problem} (reason ArtifactFetchFailed,
 *       ChecksumMismatch or InvalidArtifact) when its last fetch failed, which stays the answer to
 *       that request for 30 s before a PUT fetches again; 503 with {@link Problem} (reason Busy)
 *       when too many fetches wait already</li>
 *   <li>{@code GET /v1/jars}: {@link JarList}</li>
 *   <li>{@code DELETE /v1/jars/{name}/{version}}: 204</li>
 *   <li>{@code GET /v1/health}: 200</li>
 * </ul>
 */
public final class RuntimeApi {
  public static final int HOST_PORT = 9090;
  public static final int LOADER_PORT = 9091;
  /**
   * Where each container answers its kubelet's probes ({@code GET /healthz}, {@code GET /readyz}, no token): a
   * listener of its own, in no Service, so that nothing sent to the APIs delays them.
   */
  public static final int HOST_HEALTH_PORT = 9092;
  public static final int LOADER_HEALTH_PORT = 9093;
  /** The folder the loader writes jars into and the host reads them from: {@code <dir>/<name>/<version>/app.jar}. */
  public static final String SHARED_DIR = "/apps";
  /**
   * The sizeLimit of the shared folder's emptyDir: the kubelet evicts the pod (every app of the
   * pool) when the folder grows past it.
   */
  public static final String SHARED_DIR_SIZE_LIMIT = "2Gi";
  /**
   * The most the loader lets the jars in the shared folder take together: the sizeLimit less 64 MiB
   * (file system overhead, a download's last buffer), so that a jar too large fails that app's
   * fetch instead of getting the pod evicted.
   */
  public static final long APPS_MAX_TOTAL_BYTES = (2048L - 64) * 1024 * 1024;
  /**
   * Where a container of the pool finds its credential: a Secret volume of its own, read once at start. The loader's
   * holds the pool's token ({@link #TOKEN_FILE}); the host's only the SHA-256 of the host's token ({@link
   * #HOST_TOKEN_SHA256_FILE}, see {@link PoolToken}).
   */
  public static final String TOKEN_DIR = "/var/run/bcgitops/token";
  public static final String TOKEN_FILE_NAME = "token";
  public static final String HOST_TOKEN_SHA256_FILE_NAME = "host-token-sha256";
  public static final String TOKEN_FILE = TOKEN_DIR + "/" + TOKEN_FILE_NAME;
  public static final String HOST_TOKEN_SHA256_FILE = TOKEN_DIR + "/" + HOST_TOKEN_SHA256_FILE_NAME;
  /**
   * Where earlier versions put the pool's token, in both containers: every app of the host could read it there. Both
   * commands now refuse to start while it is set.
   */
  public static final String LEGACY_TOKEN_ENV = "BCGITOPS_RUNTIME_TOKEN";

  private RuntimeApi() {
  }

  /** What the host should run: the jar (a path the loader wrote) and how to start and check it. */
  public record LoadRequest(String version, String jar, String mainClass, Map<String, String> env, List<String> args,
      Health health) {
    /**
     * A digest of what the request asks for, as sent: the host reports the one of the request it
     * runs ({@link AppState#requestDigest}), so its client knows whether the app already runs as
     * asked without remembering what it sent (a restarted operator loads nothing again). The
     * jar's path is left out: it is where the loader put the version's jar.
     */
    public String digest() {
      try {
        Object tree = SORTED.convertValue(new LoadRequest(version, null, mainClass, env, args, health), Object.class);
        byte[] sha = MessageDigest.getInstance("SHA-256")
            .digest(SORTED.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha, 0, 16);
      } catch (NoSuchAlgorithmException | JsonProcessingException e) {
        throw new IllegalStateException("digesting a load request", e);
      }
    }
  }

  /** Keys in order, so that a map's order does not change a digest. */
  private static final ObjectMapper SORTED = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  /** An app's health check in the host: http (GET 127.0.0.1:port/path answers 2xx), tcp, or custom (className). */
  public record Health(String type, int port, String path, long intervalMillis, long timeoutMillis,
      String className) {
  }

  /**
   * An app in the host.
   *
   * @param version the version running (or starting)
   * @param failedVersion a version that failed to start as an upgrade; the host fell back to {@code version}
   * @param health healthy, unhealthy or unknown
   * @param message why it is not Running, or what happened last
   * @param requestDigest the {@link LoadRequest#digest()} of the last request the host accepted for the app
   */
  public record AppState(String name, String version, EmbeddedState state, String health, int restarts,
      String startedAt, String lastHealthCheck, String failedVersion, String message, String requestDigest) {
  }

  public record AppList(List<AppState> apps) {
  }

  /** The host JVM: used and committed memory, and classes, for density figures and the unloading tests. */
  public record HostState(long heapUsedBytes, long metaspaceUsedBytes, int loadedClasses, long unloadedClasses,
      int apps) {
  }

  /**
   * Where a jar comes from: {@code url}, or {@code maven} coordinates (group:artifact:version) and a
   * repository; {@code credentials} (or null) are the app's artifact Secret's, which the operator
   * read and the loader presents to that URL's host only.
   */
  public record JarRequest(String url, String maven, String repository, String sha256, String mainClass,
      HttpCredentials credentials) {
  }

  public record JarInfo(String name, String version, String path, long size, String sha256) {
  }

  /** A jar being fetched: ask again. */
  public record JarFetching(String name, String version) {
  }

  public record JarList(List<JarInfo> jars) {
  }

  /** A failure with a condition reason, for the operator to show. */
  public record Problem(String reason, String message) {
  }
}
