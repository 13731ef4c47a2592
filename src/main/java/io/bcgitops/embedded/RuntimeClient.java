package io.bcgitops.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.Conditions.Reasons;
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
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** A jar download may take a while; the loader has its own timeouts and retries inside this. */
  private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(3);

  /** The pool answered 401: the token the operator holds is not the pool's (the Secret was replaced). */
  public static final String UNAUTHORIZED = "Unauthorized";

  private final HttpClient http;
  private final URI host;
  private final URI loader;
  private final String token;

  public RuntimeClient(HttpClient http, URI host, URI loader, String token) {
    this.http = http;
    this.host = host;
    this.loader = loader;
    this.token = token;
  }

  public List<AppState> apps() throws RuntimeApiException {
    return send(request(host, "/v1/apps", CALL_TIMEOUT).GET(), RuntimeApi.AppList.class, "list apps").apps();
  }

  public Optional<AppState> app(String name) throws RuntimeApiException {
    return apps().stream().filter(a -> name.equals(a.name())).findFirst();
  }

  /** Loads, reconfigures or upgrades an app; the host works on it in the background. */
  public AppState load(String name, LoadRequest load) throws RuntimeApiException {
    return send(request(host, "/v1/apps/" + name, CALL_TIMEOUT).PUT(body(load)), AppState.class, "load " + name);
  }

  public void remove(String name) throws RuntimeApiException {
    sendIgnoringNotFound(request(host, "/v1/apps/" + name, CALL_TIMEOUT).DELETE(), "remove " + name);
  }

  /** Has the loader fetch and verify a jar into the shared folder; the failure's reason is the app's condition. */
  public JarInfo fetchJar(String name, String version, JarRequest jar) throws RuntimeApiException {
    return send(request(loader, "/v1/jars/" + name + "/" + version, FETCH_TIMEOUT).PUT(body(jar)), JarInfo.class,
        "fetch the jar of " + name + " " + version);
  }

  public void deleteJar(String name, String version) throws RuntimeApiException {
    sendIgnoringNotFound(request(loader, "/v1/jars/" + name + "/" + version, CALL_TIMEOUT).DELETE(),
        "delete the jar of " + name);
  }

  private HttpRequest.Builder request(URI base, String path, Duration timeout) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
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
    HttpResponse<byte[]> response = exchange(request, what);
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
