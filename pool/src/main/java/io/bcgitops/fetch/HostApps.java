package io.bcgitops.fetch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeApi.AppState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The apps the runtime host of the loader's own pod runs, as the host's API tells them
 * ({@code GET /v1/apps}, with the host's token): what {@link LoaderServer#removeUnused} keeps.
 */
final class HostApps {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI apps;
  private final String token;

  HostApps(URI host, String token) {
    this.apps = host.resolve("/v1/apps");
    this.token = Objects.requireNonNull(token, "token");
  }

  /** @throws IOException when the host does not answer with its list (then nothing may be removed) */
  List<AppState> get() throws IOException {
    HttpRequest request = HttpRequest.newBuilder(apps).timeout(TIMEOUT).header("Authorization", "Bearer " + token)
        .GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (response.statusCode() != 200) {
      throw new IOException("the runtime host answered HTTP " + response.statusCode());
    }
    RuntimeApi.AppList list = JSON.readValue(response.body(), RuntimeApi.AppList.class);
    if (list == null || list.apps() == null) {
      throw new IOException("the runtime host answered no app list");
    }
    return list.apps();
  }
}
