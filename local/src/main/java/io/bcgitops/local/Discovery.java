package io.bcgitops.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The discovery documents kubectl reads to map {@code gs} or {@code deployments} to a REST path: /version,
 * /api, /apis, /apis/&lt;group&gt; and the resource lists of each group version. Only the legacy (unaggregated)
 * form is served; kubectl falls back to it when the answer to its aggregated request is plain JSON.
 */
final class Discovery {
  /** The Kubernetes version this API claims: the one whose kubectl the project is tested with. */
  static final String MAJOR = "1";
  static final String MINOR = "32";
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

  private final ResourceCatalog catalog;
  private final String serverAddress;

  /** @param serverAddress host:port clients reach the API at */
  Discovery(ResourceCatalog catalog, String serverAddress) {
    this.catalog = catalog;
    this.serverAddress = serverAddress;
  }

  ObjectNode version() {
    ObjectNode version = KubeJson.object();
    version.put("major", MAJOR).put("minor", MINOR).put("gitVersion", "v" + MAJOR + "." + MINOR + ".0")
        .put("gitCommit", "").put("gitTreeState", "clean").put("buildDate", "").put("goVersion", "")
        .put("compiler", "").put("platform", "bc-gitops-local");
    return version;
  }

  /** /api: the core group's versions. */
  ObjectNode coreVersions() {
    ObjectNode versions = KubeJson.object();
    versions.put("kind", "APIVersions");
    catalog.versions("").forEach(versions.putArray("versions")::add);
    ObjectNode address = versions.putArray("serverAddressByClientCIDRs").addObject();
    address.put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return versions;
  }

  /** /apis: every named group. */
  ObjectNode groups() {
    ObjectNode list = KubeJson.object();
    list.put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    catalog.groups().forEach(group -> groups.add(groupNode(group)));
    return list;
  }

  /** /apis/&lt;group&gt;, of a group the catalog serves ({@link Routes} refuses the others). */
  ObjectNode group(String group) {
    ObjectNode node = groupNode(group);
    node.put("kind", "APIGroup").put("apiVersion", "v1");
    return node;
  }

  /**
   * /api/v1 or /apis/&lt;group&gt;/&lt;version&gt;, of a version the catalog serves ({@link Routes} refuses the
   * others): its resources and their status subresources.
   */
  ObjectNode resources(String group, String version) {
    List<ApiResource> served = catalog.in(group, version);
    ObjectNode list = KubeJson.object();
    list.put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", ResourcePath.groupVersion(group, version));
    ArrayNode resources = list.putArray("resources");
    for (ApiResource resource : served) {
      ObjectNode node = resources.addObject();
      node.put("name", resource.plural()).put("singularName", resource.names().singular())
          .put("namespaced", resource.namespaced()).put("kind", resource.kind());
      VERBS.forEach(node.putArray("verbs")::add);
      if (!resource.names().shortNames().isEmpty()) {
        resource.names().shortNames().forEach(node.putArray("shortNames")::add);
      }
      if (!resource.names().categories().isEmpty()) {
        resource.names().categories().forEach(node.putArray("categories")::add);
      }
      if (resource.statusSubresource()) {
        ObjectNode status = resources.addObject();
        status.put("name", resource.plural() + "/status").put("singularName", "")
            .put("namespaced", resource.namespaced()).put("kind", resource.kind());
        STATUS_VERBS.forEach(status.putArray("verbs")::add);
      }
    }
    return list;
  }

  private ObjectNode groupNode(String group) {
    ObjectNode node = KubeJson.object();
    node.put("name", group);
    ArrayNode versions = node.putArray("versions");
    List<String> served = catalog.versions(group);
    served.forEach(version -> versions.addObject().put("groupVersion", ResourcePath.groupVersion(group, version))
        .put("version", version));
    node.putObject("preferredVersion").put("groupVersion", ResourcePath.groupVersion(group, served.get(0)))
        .put("version", served.get(0));
    return node;
  }
}
