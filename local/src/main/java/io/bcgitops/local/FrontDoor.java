package io.bcgitops.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.bcgitops.http.BearerToken;
import io.bcgitops.http.Exchanges;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API as kubectl sees it. It serves only what {@link Routes} lists, and refuses the rest. It answers what
 * the mock store does not: discovery, /openapi/v2, Tables for {@code kubectl get}, label and field selectors (of
 * lists, watches and deletes of collections), watches over HTTP, and pods' logs (with where they are); the other
 * requests on objects go to the store (a strategic merge patch without lists as the merge patch it equals), and its
 * answer comes back unchanged (but for a 404 without a body, which gets the Status the API server would send, so
 * kubectl can say what was not found). Every request needs the API's bearer token.
 */
final class FrontDoor implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
  /** The API server's limit on a request body (etcd's value size). */
  private static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
  private static final String JSON = "application/json";
  // kubectl asks for "...spec.v2@v1.0+protobuf"; the API server answers with this form, which Go can parse.
  private static final String OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private final BearerToken token;
  private final Routes routes;
  private final Discovery discovery;
  private final byte[] openApiV2;
  private final StoreClient store;
  private final WatchStream watches;
  private final PodLogs logs;

  FrontDoor(String token, ResourceCatalog catalog, Discovery discovery, StoreClient store, ChangeLog changes,
      PodLogs logs) {
    this.token = new BearerToken(token);
    this.routes = new Routes(catalog);
    this.discovery = discovery;
    this.openApiV2 = OpenApiV2.document(catalog);
    this.store = store;
    this.watches = new WatchStream(store, changes);
    this.logs = logs;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    // The catch blocks answer on the exchange, so they sit inside the try that closes it.
    try (exchange) {
      try {
        serve(exchange);
      } catch (IllegalArgumentException e) {
        Exchanges.trySend(() -> send(exchange, 400, KubeJson.status(400, "BadRequest", e.getMessage())));
      } catch (IOException | RuntimeException e) {
        LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        Exchanges.trySend(() -> send(exchange, 500, KubeJson.status(500, "InternalError", e.toString())));
      }
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    if (!token.authorizes(exchange.getRequestHeaders().getFirst("Authorization"))) {
      send(exchange, 401, KubeJson.status(401, "Unauthorized", "Unauthorized"));
      return;
    }
    URI uri = exchange.getRequestURI();
    Routes.Route route = routes.of(exchange.getRequestMethod(), uri.getRawPath());
    if (route instanceof Routes.Refused refused) {
      send(exchange, refused.code(), refused.status());
    } else if (route instanceof Routes.Information information) {
      serveInformation(exchange, information);
    } else if (route instanceof Routes.PodLog log) {
      serveLog(exchange, log.pod(), Query.parse(uri.getRawQuery()));
    } else {
      serveResource(exchange, (Routes.Resource) route, Query.parse(uri.getRawQuery()));
    }
  }

  private void serveResource(HttpExchange exchange, Routes.Resource route, Query query) throws IOException {
    String method = exchange.getRequestMethod();
    boolean get = method.equals("GET");
    Optional<TableRequest> table =
        TableRequest.from(exchange.getRequestHeaders().getFirst("Accept"), query.get("includeObject"));
    ResourcePath path = route.path();
    ApiResource resource = route.resource();
    boolean webSocket = "websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"));
    if (query.get("dryRun") != null) {
      refuseDryRun(exchange);
    } else if (get && query.isTrue("watch") && webSocket) {
      // What a Fabric8 client asks first. This server speaks no WebSocket: answered with a watch that is already
      // over, the client watches over HTTP instead (as it does through `kubectl proxy`).
      Exchanges.send(exchange, 200, JSON, new byte[0]);
    } else if (get && query.isTrue("watch")) {
      watches.serve(exchange, Selection.of(path, query), query, table, resource.columns(), resource.kind());
    } else if (get && path.isCollection()) {
      list(exchange, Selection.of(path, query), resource, table);
    } else if (method.equals("DELETE") && path.isCollection()) {
      deleteCollection(exchange, Selection.of(path, query), resource);
    } else {
      forward(exchange, path, table, resource.columns());
    }
  }

  /** A pod's log: the pod's, else 404 as for any missing pod. */
  private void serveLog(HttpExchange exchange, ResourcePath pod, Query query) throws IOException {
    StoreClient.Response response = store.send("GET", pod.path(), null, new byte[0]);
    if (response.status() == 404) {
      send(exchange, 404, notFound(pod));
    } else if (response.status() != 200) {
      relay(exchange, response);
    } else {
      ObjectNode answer = logs.answer(KubeJson.MAPPER.readTree(response.body()), query.get("container"));
      send(exchange, answer.path("code").asInt(), answer);
    }
  }

  private void serveInformation(HttpExchange exchange, Routes.Information information) throws IOException {
    switch (information.document()) {
      case OPENAPI_V2 -> Exchanges.send(exchange, 200, OPENAPI_V2_PROTOBUF, openApiV2);
      case VERSION -> send(exchange, 200, discovery.version());
      case CORE_VERSIONS -> send(exchange, 200, discovery.coreVersions());
      case GROUPS -> send(exchange, 200, discovery.groups());
      case GROUP -> send(exchange, 200, discovery.group(information.group()));
      case RESOURCES -> send(exchange, 200, discovery.resources(information.group(), information.version()));
    }
  }

  private void list(HttpExchange exchange, Selection selection, ApiResource resource, Optional<TableRequest> table)
      throws IOException {
    StoreClient.Listing listing = store.list(selection.target());
    List<JsonNode> items = selection.select(listing.items());
    String resourceVersion = String.valueOf(listing.resourceVersion());
    if (table.isPresent()) {
      Exchanges.send(exchange, 200, table.get().contentType(), KubeJson.MAPPER.writeValueAsBytes(
          Tables.of(table.get(), resource.columns(), items, resourceVersion, true, Instant.now())));
      return;
    }
    send(exchange, 200, listOf(selection.target(), resource, items, resourceVersion));
  }

  /** The store would carry the change out, where a dry run must change nothing: none is done. */
  private static void refuseDryRun(HttpExchange exchange) throws IOException {
    send(exchange, 400, KubeJson.status(400, "BadRequest", "the local API does not do server-side dry runs"
        + " (dryRun): use --dry-run=client"));
  }

  /**
   * Deletes the selected objects one by one and answers their list, as the API server does. The store is not
   * asked to delete the collection: it ignores the selector terms it does not know (such as {@code app in (a)})
   * and would delete more than was selected.
   */
  private void deleteCollection(HttpExchange exchange, Selection selection, ApiResource resource)
      throws IOException {
    ResourcePath target = selection.target();
    StoreClient.Listing listing = store.list(target);
    List<JsonNode> items = selection.select(listing.items());
    for (JsonNode item : items) {
      String namespace = KubeJson.namespace(item);
      ResourcePath one = new ResourcePath(target.group(), target.version(), namespace.isEmpty() ? null : namespace,
          target.plural(), KubeJson.name(item), null);
      StoreClient.Response response = store.send("DELETE", one.path(), null, new byte[0]);
      // One that is gone already was deleted by someone else meanwhile, as the API server too lets pass.
      if (response.status() / 100 != 2 && response.status() != 404) {
        relay(exchange, response);
        return;
      }
    }
    send(exchange, 200, listOf(target, resource, items, String.valueOf(listing.resourceVersion())));
  }

  /** A list of objects of the collection {@code target}, as the API server writes one: a "PodList" and such. */
  private static ObjectNode listOf(ResourcePath target, ApiResource resource, List<JsonNode> items,
      String resourceVersion) {
    ObjectNode list = KubeJson.object();
    list.put("apiVersion", target.groupVersion());
    list.put("kind", resource.kind() + "List");
    list.putObject("metadata").put("resourceVersion", resourceVersion);
    items.forEach(list.putArray("items")::add);
    return list;
  }

  /**
   * Sends a request on one object, or on its status, to the store: at the path {@link Routes} allowed, without
   * the query (whose parameters for such requests, such as fieldManager, the store does not read).
   */
  private void forward(HttpExchange exchange, ResourcePath target, Optional<TableRequest> table,
      List<Column> columns) throws IOException {
    byte[] body = Exchanges.readBody(exchange, MAX_BODY_BYTES);
    if (body == null) {
      send(exchange, 413, KubeJson.status(413, "RequestEntityTooLarge", "the request body is over 3 MiB"));
      return;
    }
    String method = exchange.getRequestMethod();
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (body.length > 0) {
      Optional<ObjectNode> refused = Routes.refusedBody(method, contentType);
      if (refused.isPresent()) {
        send(exchange, refused.get().path("code").asInt(), refused.get());
        return;
      }
      JsonNode parsed;
      try {
        parsed = KubeJson.MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        // The store would never answer it.
        throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage(), e);
      }
      if (parsed.path("dryRun").size() > 0) {
        // A DELETE says it in its DeleteOptions body.
        refuseDryRun(exchange);
        return;
      }
      if (Routes.mediaType(contentType).equals(StrategicMergePatch.MEDIA_TYPE)) {
        if (!StrategicMergePatch.isPlainMerge(parsed)) {
          send(exchange, 415, KubeJson.status(415, "UnsupportedMediaType", "the local API cannot apply a strategic"
              + " merge patch with lists or directives; patch with --type=merge or --type=json"));
          return;
        }
        contentType = StrategicMergePatch.MERGE_PATCH;
      }
    }
    StoreClient.Response response = store.send(method, target.path(), contentType, body);
    if (response.status() == 404 && response.body().length == 0) {
      send(exchange, 404, notFound(target));
    } else if (method.equals("GET") && response.status() == 200 && table.isPresent() && target.subresource() == null) {
      JsonNode object = KubeJson.MAPPER.readTree(response.body());
      Exchanges.send(exchange, 200, table.get().contentType(), KubeJson.MAPPER.writeValueAsBytes(Tables.of(
          table.get(), columns, List.of(object), object.path("metadata").path("resourceVersion").asText(), true,
          Instant.now())));
    } else {
      relay(exchange, response);
    }
  }

  /** The store's answer, as it gave it. */
  private static void relay(HttpExchange exchange, StoreClient.Response response) throws IOException {
    Exchanges.send(exchange, response.status(), response.contentType() == null ? JSON : response.contentType(),
        response.body());
  }

  private static ObjectNode notFound(ResourcePath target) {
    String what = target.qualifiedPlural() + (target.name() == null ? "" : " \"" + target.name() + "\"");
    ObjectNode status = KubeJson.status(404, "NotFound", what + " not found");
    ObjectNode details = status.putObject("details");
    if (target.name() != null) {
      details.put("name", target.name());
    }
    details.put("group", target.group()).put("kind", target.plural());
    return status;
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    // The answer to a HEAD (refused, as every HEAD is) has no body.
    Exchanges.send(exchange, status, JSON, exchange.getRequestMethod().equals("HEAD") ? new byte[0]
        : KubeJson.MAPPER.writeValueAsBytes(body));
  }
}
