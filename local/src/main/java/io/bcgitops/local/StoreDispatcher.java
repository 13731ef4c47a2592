package io.bcgitops.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.http.BearerToken;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.Optional;

/**
 * Fabric8's CRUD mock store, made fit to run for hours behind the local API: it refuses requests without the
 * API's token (it listens on loopback, where other users' processes can reach it too), records every change
 * for the front door's watches, and lets no record of requests grow (the mock server records each request for
 * tests to inspect, just before it dispatches it: {@link #dispatch} clears that record as each request comes in).
 */
final class StoreDispatcher extends KubernetesCrudDispatcher {
  private final BearerToken token;
  private final ChangeLog changes;
  private final MockWebServer server;

  /** @param server the server this store answers for, whose record of requests is cleared on each request */
  StoreDispatcher(String token, ChangeLog changes, MockWebServer server) {
    this.token = new BearerToken(token);
    this.changes = changes;
    this.server = server;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    server.reset();
    if (!token.authorizes(request.getHeader("Authorization"))) {
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_UNAUTHORIZED)
          .setBody(KubeJson.status(HttpURLConnection.HTTP_UNAUTHORIZED, "Unauthorized", "Unauthorized").toString());
    }
    return super.dispatch(request);
  }

  /** Called by the store, under its write lock, for every write: so changes reach the log in order. */
  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    String existing = oldAttributes == null ? null : getMap().get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    Optional<ResourcePath> target = ResourcePath.parse(path.split("\\?", 2)[0]);
    if (Objects.equals(existing, newState) || target.isEmpty()) {
      return;
    }
    JsonNode before = existing == null ? null : parse(existing);
    JsonNode after = newState == null ? null : parse(newState);
    long resourceVersion;
    if (after != null) {
      resourceVersion = Long.parseLong(after.path("metadata").path("resourceVersion").asText());
    } else {
      // The store keeps a deleted object's last version; the API server gives the deletion a version of its own.
      resourceVersion = requestResourceVersion();
      ((ObjectNode) before.path("metadata")).put("resourceVersion", String.valueOf(resourceVersion));
    }
    changes.append(new ChangeLog.Change(resourceVersion, target.get().group(), target.get().plural(), before, after));
  }

  private static JsonNode parse(String json) {
    try {
      return KubeJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the store holds an object that is not JSON", e);
    }
  }
}
