package io.bcgitops.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.JarInfo;
import io.bcgitops.runtime.RuntimeApi.JarRequest;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's side of a runtime pool's APIs: the host's apps and the loader's jars. */
public final class RuntimeClient {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  /** Every call: the loader answers a jar request at once, and fetches in the background. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /** The pool answered 401: the token the operator holds is not the pool's (the Secret was replaced). */
  public static final String UNAUTHORIZED = "Unauthorized";

  private final HttpClient http;
  private final URI host;
  private final URI loader;
  private final String loaderToken;
  private final String hostToken;

  /** @param token the pool's token: the loader's, and the one the host's is derived from */
  public RuntimeClient(HttpClient http, URI host, URI loader, String token) {
    this.http = http;
    this.host = host;
    this.loader = loader;
    this.loaderToken = token;
    this.hostToken = PoolToken.hostToken(token);
  }

  public List<AppState> apps() throws RuntimeApiException {
    return send(hostRequest("/v1/apps").GET(), RuntimeApi.AppList.class, "list apps").apps();
  }

  public Optional<AppState> app(String name) throws RuntimeApiException {
    return apps().stream().filter(a -> name.equals(a.name())).findFirst();
  }

  /** Loads, reconfigures or upgrades an app; the host works on it in the background. */
  public AppState load(String name, LoadRequest load) throws RuntimeApiException {
    return send(hostRequest("/v1/apps/" + name).PUT(body(load)), AppState.class, "load " + name);
  }

  public void remove(String name) throws RuntimeApiException {
    sendIgnoringNotFound(hostRequest("/v1/apps/" + name).DELETE(), "remove " + name);
  }

  /**
   * Asks the loader for a jar in the shared folder, and returns at once: the jar once the loader fetched and verified
   * it; empty while it fetches (ask again later, with the same request). A failed fetch is thrown, its reason the app's
   * condition.
   */
  public Optional<JarInfo> jar(String name, String version, JarRequest jar) throws RuntimeApiException {
    String what = "fetch the jar of " + name + " " + version;
    HttpResponse<byte[]> response = exchange(loaderRequest("/v1/jars/" + name + "/" + version)
        .PUT(body(jar)), what);
    return response.statusCode() == 202 ? Optional.empty() : Optional.of(read(response, JarInfo.class, what));
  }

  public void deleteJar(String name, String version) throws RuntimeApiException {
    sendIgnoringNotFound(loaderRequest("/v1/jars/" + name + "/" + version).DELETE(),
        "delete the jar of " + name);
  }

  private HttpRequest.Builder hostRequest(String path) {
    return request(host.resolve(path), hostToken);
  }

  private HttpRequest.Builder loaderRequest(String path) {
    return request(loader.resolve(path), loaderToken);
  }

  private static HttpRequest.Builder request(URI uri, String token) {
    return HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher body(Object value) throws RuntimeApiException {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "cannot write the request: " + e.getMessage());
    }
  }

  private <T> T send(HttpRequest.Builder request, Class<T> type, String what) throws RuntimeApiException {
    return read(exchange(request, what), type, what);
  }

  /** A 2xx answer's body as {@code type}; another answer thrown as what it says. */
  private static <T> T read(HttpResponse<byte[]> response, Class<T> type, String what) throws RuntimeApiException {
    try {
      if (response.statusCode() / 100 == 2) {
        return JSON.readValue(response.body(), type);
      }
      throw failure(response, what);
    } catch (IOException e) {
      throw new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "cannot read the answer to " + what + ": "
          + e.getMessage());
    }
  }

  private void sendIgnoringNotFound(HttpRequest.Builder request, String what) throws RuntimeApiException {
    HttpResponse<byte[]> response = exchange(request, what);
    if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
      throw failure(response, what);
    }
  }

  private HttpResponse<byte[]> exchange(HttpRequest.Builder request, String what) throws RuntimeApiException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "the runtime pool did not answer (" + what + "): "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "interrupted while asking the runtime pool to " + what);
    }
  }

  private static RuntimeApiException failure(HttpResponse<byte[]> response, String what) {
    if (response.statusCode() == 401) {
      return new RuntimeApiException(UNAUTHORIZED, "the runtime pool refused the operator's token (" + what + ")");
    }
    try {
      RuntimeApi.Problem problem = JSON.readValue(response.body(), RuntimeApi.Problem.class);
      String reason = Reasons.ARTIFACT_REASONS.contains(problem.reason()) ? problem.reason() : Reasons.RUNTIME_UNAVAILABLE;
      return new RuntimeApiException(reason, problem.message());
    } catch (IOException | RuntimeException e) {
      return new RuntimeApiException(Reasons.RUNTIME_UNAVAILABLE, "the runtime pool answered " + response.statusCode()
          + " to " + what);
    }
  }
}
