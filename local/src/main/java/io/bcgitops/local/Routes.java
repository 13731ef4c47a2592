package io.bcgitops.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the local API serves, in one place. A request is served only if it is one of these; any other is
 * refused here with the Status the API server sends (404 for a path it does not serve, 405 for a method a served
 * path does not take, 415 for a body it does not read) and never reaches the store, which answers a path it does
 * not understand with every object it holds, Secrets included.
 *
 * <table>
 *   <caption>What is served</caption>
 *   <tr><th>Path</th><th>Methods</th></tr>
 *   <tr><td>/version, /openapi/v2, /api, /apis, /api/&lt;version&gt;, /apis/&lt;group&gt;[/&lt;version&gt;]
 *       (of the catalog's groups and versions)</td><td>GET</td></tr>
 *   <tr><td>a collection of a kind of the catalog: in a namespace for a namespaced kind, else cluster-wide</td>
 *       <td>GET (list, watch), POST, DELETE (of the selected objects)</td></tr>
 *   <tr><td>a namespaced kind's collection across namespaces</td><td>GET (list, watch)</td></tr>
 *   <tr><td>an object</td><td>GET, PUT, PATCH, DELETE</td></tr>
 *   <tr><td>an object's status, for a kind with a status subresource</td><td>GET, PUT, PATCH</td></tr>
 *   <tr><td>a pod's log</td><td>GET, answered 404 with where the log is ({@link PodLogs})</td></tr>
 * </table>
 *
 * <p>Bodies are JSON ({@code application/json}); patches are JSON merge patches, JSON patches, and strategic merge
 * patches without lists (sent on as the merge patch they equal: {@link StrategicMergePatch}).
 */
final class Routes {
  private static final String JSON = "application/json";
  private static final String MERGE_PATCH = StrategicMergePatch.MERGE_PATCH;
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final List<String> PATCHES = List.of(MERGE_PATCH, JSON_PATCH, StrategicMergePatch.MEDIA_TYPE);

  private static final List<String> GET = List.of("GET");
  private static final List<String> COLLECTION = List.of("GET", "POST", "DELETE");
  private static final List<String> OBJECT = List.of("GET", "PUT", "PATCH", "DELETE");
  private static final List<String> STATUS = List.of("GET", "PUT", "PATCH");

  private static final Pattern CORE_VERSION = Pattern.compile("/api/([^/]+)/?");
  private static final Pattern GROUP = Pattern.compile("/apis/([^/]+)/?");
  private static final Pattern GROUP_VERSION = Pattern.compile("/apis/([^/]+)/([^/]+)/?");

  /**
   * The pods' subresources a cluster serves and local mode does not, with what a user who asked for one reads.
   * The log is not among them: {@link PodLogs} says where it is.
   */
  private static final Map<String, String> POD_SUBRESOURCES = Map.of(
      "exec", "kubectl exec is not served in local mode: a vm app is a process of this machine, and embedded apps"
          + " run in the local process",
      "attach", "kubectl attach is not served in local mode: a vm app is a process of this machine, whose output"
          + " is in its log file (kubectl logs says where)",
      "portforward", "kubectl port-forward is not served in local mode: the apps listen on this machine's ports"
          + " already",
      "proxy", "proxying to a pod is not served in local mode: the apps listen on this machine's ports already",
      "eviction", "evictions (kubectl drain) are not served in local mode: its one node is this machine",
      "binding", "bindings are not served in local mode: the local node runs the pods of the Deployments it follows",
      "ephemeralcontainers", "kubectl debug (ephemeral containers) is not served in local mode");

  /** What a request is: each kind is answered by the front door as it says. */
  sealed interface Route {
  }

  /** Discovery, the version or the OpenAPI document. */
  record Information(Document document, String group, String version) implements Route {
  }

  enum Document { VERSION, OPENAPI_V2, CORE_VERSIONS, GROUPS, GROUP, RESOURCES }

  /** A request on a collection, an object or an object's status: the front door or the store serves it. */
  record Resource(ResourcePath path, ApiResource resource) implements Route {
  }

  /** {@code kubectl logs}: answered with where the log is. */
  record PodLog(ResourcePath pod) implements Route {
  }

  /** Refused with this Status. */
  record Refused(ObjectNode status) implements Route {
    int code() {
      return status.path("code").asInt();
    }
  }

  private final ResourceCatalog catalog;

  Routes(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** @param path the raw (still encoded) path */
  Route of(String method, String path) {
    Optional<Route> information = information(method, path);
    if (information.isPresent()) {
      return information.get();
    }
    Optional<ResourcePath> parsed = ResourcePath.parse(path);
    if (parsed.isEmpty()) {
      return notFound("");
    }
    ResourcePath target = parsed.get();
    Optional<ApiResource> found = catalog.find(target.group(), target.version(), target.plural());
    if (found.isEmpty()) {
      return notFound(": the local API serves no \"" + target.plural() + "\" in " + target.groupVersion()
          + " (kubectl api-resources lists what it serves)");
    }
    ApiResource resource = found.get();
    if (target.namespace() != null && !resource.namespaced()) {
      return notFound(": " + target.qualifiedPlural() + " are not in namespaces");
    }
    if (target.namespace() == null && resource.namespaced() && !target.isCollection()) {
      return notFound(": " + target.qualifiedPlural() + " are in namespaces (/namespaces/<namespace>/"
          + target.plural() + "/<name>)");
    }
    Route served = new Resource(target, resource);
    if (target.subresource() == null && !target.isCollection()) {
      return allowed(method, OBJECT, "an object", served);
    }
    if (target.subresource() == null && target.namespace() == null && resource.namespaced()) {
      // The API server too deletes a namespaced collection one namespace at a time only.
      return allowed(method, GET, "a collection across namespaces", served);
    }
    if (target.subresource() == null) {
      return allowed(method, COLLECTION, "a collection", served);
    }
    if (target.subresource().equals("status") && resource.statusSubresource()) {
      return allowed(method, STATUS, "a status", served);
    }
    if (target.group().isEmpty() && target.plural().equals("pods")) {
      if (target.subresource().equals("log")) {
        return allowed(method, GET, "a pod's log", new PodLog(new ResourcePath(target.group(), target.version(),
            target.namespace(), target.plural(), target.name(), null)));
      }
      String message = POD_SUBRESOURCES.get(target.subresource());
      if (message != null) {
        return refused(404, "NotFound", message);
      }
    }
    return notFound(": the local API does not serve the subresource \"" + target.subresource() + "\" of "
        + target.qualifiedPlural());
  }

  /**
   * Why a body is refused, if it is: a request's body must be JSON, a patch one of the patches the store applies.
   *
   * @param contentType the request's Content-Type header; null if it has none
   */
  static Optional<ObjectNode> refusedBody(String method, String contentType) {
    String mediaType = mediaType(contentType);
    String given = contentType == null ? "a body with no Content-Type" : contentType;
    if (method.equals("PATCH")) {
      if (PATCHES.contains(mediaType)) {
        return Optional.empty();
      }
      return Optional.of(unsupported(mediaType.equals(APPLY_PATCH)
          ? "server-side apply is not served in local mode: use kubectl apply without --server-side"
          : "the local API applies merge patches (kubectl patch --type=merge) and JSON patches (--type=json) only,"
              + " not " + given));
    }
    if (mediaType.equals(JSON)) {
      return Optional.empty();
    }
    // Such as the protobuf kubectl's create commands send for built-in kinds.
    return Optional.of(unsupported("the local API reads JSON only, not " + given + "; for a built-in kind,"
        + " write it with kubectl apply -f (for example kubectl create secret ... --dry-run=client -o yaml"
        + " | kubectl apply -f -)"));
  }

  /** The type and subtype of a Content-Type, in lower case; "" for none. */
  static String mediaType(String contentType) {
    return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private Optional<Route> information(String method, String path) {
    Route route;
    Matcher matcher;
    if (path.equals("/version")) {
      route = new Information(Document.VERSION, null, null);
    } else if (path.equals("/openapi/v2")) {
      route = new Information(Document.OPENAPI_V2, null, null);
    } else if (path.equals("/api") || path.equals("/api/")) {
      route = new Information(Document.CORE_VERSIONS, null, null);
    } else if (path.equals("/apis") || path.equals("/apis/")) {
      route = new Information(Document.GROUPS, null, null);
    } else if ((matcher = CORE_VERSION.matcher(path)).matches()) {
      route = resources("", matcher.group(1));
    } else if ((matcher = GROUP.matcher(path)).matches()) {
      route = catalog.groups().contains(matcher.group(1))
          ? new Information(Document.GROUP, matcher.group(1), null) : notFound("");
    } else if ((matcher = GROUP_VERSION.matcher(path)).matches()) {
      route = resources(matcher.group(1), matcher.group(2));
    } else {
      return Optional.empty();
    }
    return Optional.of(route instanceof Refused ? route : allowed(method, GET, "a discovery document", route));
  }

  private Route resources(String group, String version) {
    return catalog.in(group, version).isEmpty() ? notFound("") : new Information(Document.RESOURCES, group, version);
  }

  private static Route allowed(String method, List<String> methods, String what, Route route) {
    if (methods.contains(method)) {
      return route;
    }
    return refused(405, "MethodNotAllowed", "the server does not allow this method on the requested resource: "
        + what + " takes " + String.join(", ", methods) + " here, not " + method);
  }

  /** The API server's 404 for a path it does not serve, and why. */
  private static Refused notFound(String why) {
    return refused(404, "NotFound", "the server could not find the requested resource" + why);
  }

  /**
   * A Status with details, empty as the API server's for a path it does not serve: kubectl reads them (kubectl
   * debug fails on a 404 without).
   */
  private static Refused refused(int code, String reason, String message) {
    ObjectNode status = KubeJson.status(code, reason, message);
    status.putObject("details");
    return new Refused(status);
  }

  private static ObjectNode unsupported(String message) {
    return KubeJson.status(415, "UnsupportedMediaType", message);
  }
}
