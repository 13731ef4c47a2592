package io.bcgitops.local;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Every kind the local API serves, in the order discovery lists them. */
final class ResourceCatalog {
  private final List<ApiResource> resources;

  ResourceCatalog(List<ApiResource> resources) {
    this.resources = List.copyOf(resources);
  }

  List<ApiResource> all() {
    return resources;
  }

  Optional<ApiResource> find(String group, String version, String plural) {
    return resources.stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  List<ApiResource> in(String group, String version) {
    return resources.stream().filter(r -> r.group().equals(group) && r.version().equals(version)).toList();
  }

  /** The named groups (not the core group ""), each once. */
  Set<String> groups() {
    Set<String> groups = new LinkedHashSet<>();
    resources.stream().map(ApiResource::group).filter(g -> !g.isEmpty()).forEach(groups::add);
    return groups;
  }

  /** The versions of a group, in the order they were listed: the first is the preferred one. */
  List<String> versions(String group) {
    return resources.stream().filter(r -> r.group().equals(group)).map(ApiResource::version).distinct().toList();
  }
}
