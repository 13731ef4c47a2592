package io.bcgitops.deploy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What an API server request asks for, in RBAC's terms: API group, resource (with subresource) and verb. */
final class ApiRequests {
  private ApiRequests() {
  }

  /**
   * One authorized action.
   *
   * @param group the API group, "" for the core group
   * @param resource the resource, "resource/subresource" for a subresource
   * @param verb get, list, watch, create, update, patch, delete or deletecollection
   * @param namespace null for a cluster-scoped resource or a request across all namespaces
   * @param name the object's name; null for collections and for create
   */
  record Use(String group, String resource, String verb, String namespace, String name) {
    /** As RBAC's rules are read: "group resource verb", the core group shown as "core". */
    String key() {
      return key(group, resource, verb);
    }

    static String key(String group, String resource, String verb) {
      return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }
  }

  /**
   * The RBAC attributes of a request, as the API server's authorizer derives them; empty for a
   * non-resource URL (/version, /healthz, discovery such as /apis or /api/v1).
   */
  static Optional<Use> use(String method, String requestPath) {
    URI uri = URI.create("http://api" + requestPath);
    List<String> segments = new ArrayList<>(Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList());
    String group;
    List<String> rest;
    if (segments.size() >= 2 && segments.get(0).equals("api")) {
      group = "";
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    String namespace = null;
    boolean namespaceItself = rest.get(0).equals("namespaces")
        && (rest.size() <= 2 || (rest.size() == 3 && Set.of("status", "finalize").contains(rest.get(2))));
    if (rest.get(0).equals("namespaces") && !namespaceItself) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    if (rest.size() > 2) {
      resource = resource + "/" + rest.get(2);
    }
    String verb = switch (method) {
      case "GET", "HEAD" -> isWatch(uri.getQuery()) ? "watch" : name != null ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name != null ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method + " " + requestPath);
    };
    return Optional.of(new Use(group, resource, verb, namespace, verb.equals("create") ? null : name));
  }

  private static boolean isWatch(String query) {
    if (query == null) {
      return false;
    }
    return Arrays.stream(query.split("&")).anyMatch(p -> p.equals("watch=true") || p.equals("watch=1"));
  }
}
