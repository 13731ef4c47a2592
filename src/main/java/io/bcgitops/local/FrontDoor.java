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
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API as kubectl sees it. It answers what the mock store does not: discovery, /openapi/v2, Tables for
 * {@code kubectl get}, label and field selectors (of lists, watches and deletes of collections), and watches over
 * HTTP; every other request goes to the store unchanged (but for a strategic merge patch without lists, sent on as
 * the merge patch it equals), and its answer comes back unchanged (but for a 404 without a body, which gets the
 * Status the API server would send, so kubectl can say what was not found). A body the store cannot read (not JSON) is refused here. Every request needs the
 * API's bearer token.
 */
final class FrontDoor implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
  /** The API server's limit on a request body (etcd's value size). */
  private static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
  private static final String JSON = "application/json";
  // kubectl asks for "...spec.v2@v1.0+protobuf"; the API server answers with this form, which Go can parse.
  private static final String OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final List<Column> NAME_AND_AGE = List.of(Column.NAME, Column.AGE);
  private static final Pattern CORE_VERSION = Pattern.compile("/api/([^/]+)/?");
  private static final Pattern GROUP = Pattern.compile("/apis/([^/]+)/?");
  private static final Pattern GROUP_VERSION = Pattern.compile("/apis/([^/]+)/([^/]+)/?");

  private final BearerToken token;
  private final ResourceCatalog catalog;
  private final Discovery discovery;
  private final byte[] openApiV2;
  private final StoreClient store;
  private final WatchStream watches;

  FrontDoor(String token, ResourceCatalog catalog, Discovery discovery, StoreClient store, ChangeLog changes) {
    this.token = new BearerToken(token);
    this.catalog = catalog;
    this.discovery = discovery;
    this.openApiV2 = OpenApiV2.document(catalog);
    this.store = store;
    this.watches = new WatchStream(store, changes);
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
    String method = exchange.getRequestMethod();
    boolean get = method.equals("GET");
    if (get && serveInformation(exchange, uri.getRawPath())) {
      return;
    }
    Optional<ResourcePath> target = ResourcePath.parse(uri.getRawPath());
    if (target.isEmpty()) {
      send(exchange, 404, KubeJson.status(404, "NotFound", "the server could not find the requested resource"));
      return;
    }
    Query query = Query.parse(uri.getRawQuery());
    Optional<TableRequest> table =
        TableRequest.from(exchange.getRequestHeaders().getFirst("Accept"), query.get("includeObject"));
    ResourcePath path = target.get();
    Optional<ApiResource> resource = catalog.find(path.group(), path.version(), path.plural());
    List<Column> columns = resource.map(ApiResource::columns).orElse(NAME_AND_AGE);
    boolean webSocket = "websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"));
    if (query.get("dryRun") != null) {
      refuseDryRun(exchange);
    } else if (get && query.isTrue("watch") && webSocket) {
      // What a Fabric8 client asks first. This server speaks no WebSocket: answered with a watch that is already
      // over, the client watches over HTTP instead (as it does through `kubectl proxy`).
      Exchanges.send(exchange, 200, JSON, new byte[0]);
    } else if (get && query.isTrue("watch")) {
      watches.serve(exchange, Selection.of(path, query), query, table, columns, resource.map(ApiResource::kind));
    } else if (get && path.isCollection()) {
      list(exchange, Selection.of(path, query), table, columns);
    } else if (method.equals("DELETE") && path.isCollection()) {
      deleteCollection(exchange, Selection.of(path, query), resource);
    } else {
      forward(exchange, path, table, columns);
    }
  }

  /** Discovery, the version and the OpenAPI document; false for any other path. */
  private boolean serveInformation(HttpExchange exchange, String path) throws IOException {
    Optional<ObjectNode> answer;
    Matcher matcher;
    if (path.equals("/openapi/v2")) {
      Exchanges.send(exchange, 200, OPENAPI_V2_PROTOBUF, openApiV2);
      return true;
    } else if (path.equals("/version")) {
      answer = Optional.of(discovery.version());
    } else if (path.equals("/api") || path.equals("/api/")) {
      answer = Optional.of(discovery.coreVersions());
    } else if (path.equals("/apis") || path.equals("/apis/")) {
      answer = Optional.of(discovery.groups());
    } else if ((matcher = CORE_VERSION.matcher(path)).matches()) {
      answer = discovery.resources("", matcher.group(1));
    } else if ((matcher = GROUP.matcher(path)).matches()) {
      answer = discovery.group(matcher.group(1));
    } else if ((matcher = GROUP_VERSION.matcher(path)).matches()) {
      answer = discovery.resources(matcher.group(1), matcher.group(2));
    } else {
      return false;
    }
    if (answer.isPresent()) {
      send(exchange, 200, answer.get());
    } else {
      send(exchange, 404, KubeJson.status(404, "NotFound", "the server could not find the requested resource"));
    }
    return true;
  }

  private void list(HttpExchange exchange, Selection selection, Optional<TableRequest> table, List<Column> columns)
      throws IOException {
    StoreClient.Listing listing = store.list(selection.target());
    List<JsonNode> items = selection.select(listing.items());
    String resourceVersion = String.valueOf(listing.resourceVersion());
    if (table.isPresent()) {
      Exchanges.send(exchange, 200, table.get().contentType(), KubeJson.MAPPER.writeValueAsBytes(
          Tables.of(table.get(), columns, items, resourceVersion, true, Instant.now())));
      return;
    }
    send(exchange, 200, listOf(selection.target(), items, resourceVersion));
  }

  /**
   * Deletes the selected objects one by one and answers their list, as the API server does. The store is not
   * asked to delete the collection: it ignores the selector terms it does not know (such as {@code app in (a)})
   * and would delete more than was selected.
   */
  /** The store would carry the change out, where a dry run must change nothing: none is done. */
  private static void refuseDryRun(HttpExchange exchange) throws IOException {
    send(exchange, 400, KubeJson.status(400, "BadRequest", "the local API does not do server-side dry runs"
        + " (dryRun): use --dry-run=client"));
  }

  private void deleteCollection(HttpExchange exchange, Selection selection, Optional<ApiResource> resource)
      throws IOException {
    ResourcePath target = selection.target();
    if (target.namespace() == null && resource.map(ApiResource::namespaced).orElse(false)) {
      // The API server deletes a namespaced collection one namespace at a time only.
      send(exchange, 405, KubeJson.status(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource"));
      return;
    }
    StoreClient.Listing listing = store.list(target);
    List<JsonNode> items = selection.select(listing.items());
    for (JsonNode item : items) {
      String namespace = KubeJson.namespace(item);
      ResourcePath one = new ResourcePath(target.group(), target.version(), namespace.isEmpty() ? null : namespace,
          target.plural(), KubeJson.name(item), null);
      StoreClient.Response response = store.send("DELETE", one.collectionPath() + "/" + one.name(), null,
          new byte[0]);
      // One that is gone already was deleted by someone else meanwhile, as the API server too lets pass.
      if (response.status() / 100 != 2 && response.status() != 404) {
        relay(exchange, response);
        return;
      }
    }
    send(exchange, 200, listOf(target, items, String.valueOf(listing.resourceVersion())));
  }

  /** A list of objects of the collection {@code target}, as the API server writes one: a "PodList" and such. */
  private ObjectNode listOf(ResourcePath target, List<JsonNode> items, String resourceVersion) {
    ObjectNode list = KubeJson.object();
    list.put("apiVersion", target.groupVersion());
    list.put("kind", catalog.find(target.group(), target.version(), target.plural())
        .map(resource -> resource.kind() + "List").orElse("List"));
    list.putObject("metadata").put("resourceVersion", resourceVersion);
    items.forEach(list.putArray("items")::add);
    return list;
  }

  private void forward(HttpExchange exchange, ResourcePath target, Optional<TableRequest> table,
      List<Column> columns) throws IOException {
    byte[] body = Exchanges.readBody(exchange, MAX_BODY_BYTES);
    if (body == null) {
      send(exchange, 413, KubeJson.status(413, "RequestEntityTooLarge", "the request body is over 3 MiB"));
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (body.length > 0 && !isJson(contentType)) {
      // Such as the protobuf kubectl's create commands send for built-in kinds.
      send(exchange, 415, KubeJson.status(415, "UnsupportedMediaType", "the local API reads JSON only, not "
          + contentType + "; for a built-in kind, write it with kubectl apply -f (for example kubectl create secret"
          + " ... --dry-run=client -o yaml | kubectl apply -f -)"));
      return;
    }
    if (body.length > 0) {
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
      if (isMediaType(contentType, StrategicMergePatch.MEDIA_TYPE)) {
        if (!StrategicMergePatch.isPlainMerge(parsed)) {
          send(exchange, 415, KubeJson.status(415, "UnsupportedMediaType", "the local API cannot apply a strategic"
              + " merge patch with lists or directives; patch with --type=merge or --type=json"));
          return;
        }
        contentType = StrategicMergePatch.MERGE_PATCH;
      }
    }
    URI uri = exchange.getRequestURI();
    String method = exchange.getRequestMethod();
    StoreClient.Response response = store.send(method,
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), contentType, body);
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

  /** application/json and its patch variants (merge-patch+json, json-patch+json, ...). */
  private static boolean isJson(String contentType) {
    String mediaType = mediaType(contentType);
    return mediaType.equals(JSON) || mediaType.startsWith("application/") && mediaType.endsWith("+json");
  }

  private static boolean isMediaType(String contentType, String mediaType) {
    return mediaType(contentType).equals(mediaType);
  }

  private static String mediaType(String contentType) {
    return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
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
    Exchanges.send(exchange, status, JSON, KubeJson.MAPPER.writeValueAsBytes(body));
  }
}
