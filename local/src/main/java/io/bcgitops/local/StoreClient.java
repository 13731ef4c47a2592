package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The front door's way to the mock store: requests passed on as they came, and lists of collections. */
final class StoreClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The store's answer, as it gave it. */
  record Response(int status, String contentType, byte[] body) {
  }

  /** A collection's objects and the resourceVersion the store listed them at. */
  record Listing(List<JsonNode> items, long resourceVersion) {
  }

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();
  private final URI base;
  private final String authorization;

  StoreClient(URI base, String token) {
    this.base = base;
    this.authorization = "Bearer " + token;
  }

  /**
   * @param pathAndQuery the raw (still encoded) path and query
   * @param contentType null when the request has no body
   */
  Response send(String method, String pathAndQuery, String contentType, byte[] body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(TIMEOUT)
        .header("Authorization", authorization).header("Accept", "application/json")
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the store answered " + method + " " + pathAndQuery, e);
    }
  }

  /** Every object of a collection, unfiltered (the store's selectors are not the API server's). */
  Listing list(ResourcePath collection) throws IOException {
    Response response = send("GET", collection.collectionPath(), null, new byte[0]);
    if (response.status() != 200) {
      throw new IOException("the store answered " + response.status() + " to a list of "
          + collection.collectionPath());
    }
    JsonNode list = KubeJson.MAPPER.readTree(response.body());
    List<JsonNode> items = new ArrayList<>();
    list.path("items").forEach(items::add);
    return new Listing(items, list.path("metadata").path("resourceVersion").asLong());
  }
}
