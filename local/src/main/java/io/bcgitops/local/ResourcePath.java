package io.bcgitops.local;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a REST path names: {@code /api/v1[/namespaces/<ns>]/<plural>[/<name>[/<subresource>]]} or the same under
 * {@code /apis/<group>/<version>}, read as the API server reads it ({@code namespaces/<name>/status} and
 * {@code /finalize} are a Namespace's subresources). The core group is "". A segment that is "." or ".." or holds a
 * "%" is no name (the API server's rule for names in paths): such a path names nothing, so that no path can mean
 * one thing here and another once a client library normalizes or decodes it.
 *
 * @param namespace null for a cluster-wide path
 * @param name null for a collection
 * @param subresource null for the object itself
 */
record ResourcePath(String group, String version, String namespace, String plural, String name, String subresource) {
  /** The Namespace's own subresources, which its path names where other paths name a resource in it. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  static Optional<ResourcePath> parse(String path) {
    List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    if (segments.stream().anyMatch(s -> s.equals(".") || s.equals("..") || s.contains("%"))) {
      return Optional.empty();
    }
    int rest;
    String group;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      group = "";
      rest = 1;
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = 2;
    } else {
      return Optional.empty();
    }
    String version = segments.get(rest);
    List<String> resource = segments.subList(rest + 1, segments.size());
    String namespace = null;
    // "namespaces/<ns>/<plural>..." is inside a namespace; "namespaces[/<name>[/status|finalize]]" is the
    // Namespaces themselves.
    if (resource.size() >= 3 && resource.get(0).equals("namespaces")
        && !(resource.size() == 3 && NAMESPACE_SUBRESOURCES.contains(resource.get(2)))) {
      namespace = resource.get(1);
      resource = resource.subList(2, resource.size());
    }
    if (resource.isEmpty() || resource.size() > 3) {
      return Optional.empty();
    }
    return Optional.of(new ResourcePath(group, version, namespace, resource.get(0),
        resource.size() > 1 ? resource.get(1) : null, resource.size() > 2 ? resource.get(2) : null));
  }

  boolean isCollection() {
    return name == null;
  }

  /** "v1" for the core group, else "group/version", as in an object's apiVersion. */
  static String groupVersion(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  String groupVersion() {
    return groupVersion(group, version);
  }

  /** The path of the collection this path is in, or is. */
  String collectionPath() {
    return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
        + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural;
  }

  /** The path of the object, or of its subresource; of the collection for a collection. */
  String path() {
    return collectionPath() + (name == null ? "" : "/" + name) + (subresource == null ? "" : "/" + subresource);
  }

  /** How the API server names the resource in messages: "pods", "gitopssources.bcgitops.io". */
  String qualifiedPlural() {
    return group.isEmpty() ? plural : plural + "." + group;
  }
}
