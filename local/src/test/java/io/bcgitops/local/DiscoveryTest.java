package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
  private static final Discovery DISCOVERY = new Discovery(catalog(), "127.0.0.1:6443");

  static ResourceCatalog catalog() {
    List<ApiResource> served = new ArrayList<>(BuiltInResources.all());
    CustomResources.definitions().forEach(crd -> served.addAll(CustomResources.served(crd)));
    return new ResourceCatalog(served);
  }

  @Test
  void ourKindsAreNamedAsTheirCrdsSay() {
    JsonNode list = DISCOVERY.resources("bcgitops.io", "v1alpha1");

    assertEquals("bcgitops.io/v1alpha1", list.path("groupVersion").asText());
    JsonNode sources = resource(list, "gitopssources");
    assertEquals("GitOpsSource", sources.path("kind").asText());
    assertEquals("gitopssource", sources.path("singularName").asText());
    assertEquals("[\"gs\",\"gitsrc\"]", sources.path("shortNames").toString());
    assertEquals("[\"bcgitops\"]", sources.path("categories").toString());
    assertTrue(sources.path("namespaced").asBoolean());
    assertTrue(sources.path("verbs").toString().contains("\"watch\""));
    assertEquals("[\"get\",\"patch\",\"update\"]", resource(list, "gitopssources/status").path("verbs").toString());
    assertEquals("[\"appdep\",\"ad\"]", resource(list, "appdeployments").path("shortNames").toString());
  }

  @Test
  void theBuiltInKindsTheOperatorWritesAreServed() {
    JsonNode core = DISCOVERY.resources("", "v1");
    for (String plural : List.of("namespaces", "pods", "services", "secrets", "configmaps", "events")) {
      assertEquals(plural, resource(core, plural).path("name").asText());
    }
    assertEquals("[\"po\"]", resource(core, "pods").path("shortNames").toString());
    assertTrue(!resource(core, "namespaces").path("namespaced").asBoolean());
    assertEquals("Deployment", resource(DISCOVERY.resources("apps", "v1"), "deployments")
        .path("kind").asText());
    assertEquals("Lease", resource(DISCOVERY.resources("coordination.k8s.io", "v1"), "leases")
        .path("kind").asText());
    assertEquals("Event", resource(DISCOVERY.resources("events.k8s.io", "v1"), "events")
        .path("kind").asText());
  }

  @Test
  void groupsListTheirPreferredVersion() {
    JsonNode groups = DISCOVERY.groups();
    List<String> names = new ArrayList<>();
    groups.path("groups").forEach(group -> names.add(group.path("name").asText()));
    assertEquals(List.of("apps", "networking.k8s.io", "coordination.k8s.io", "events.k8s.io", "apiextensions.k8s.io",
        "bcgitops.io"),
        names);
    JsonNode ours = DISCOVERY.group("bcgitops.io");
    assertEquals("bcgitops.io/v1alpha1", ours.at("/preferredVersion/groupVersion").asText());
    assertEquals("[\"v1\"]", DISCOVERY.coreVersions().path("versions").toString());
    assertEquals("127.0.0.1:6443", DISCOVERY.coreVersions().at("/serverAddressByClientCIDRs/0/serverAddress").asText());
  }

  private static JsonNode resource(JsonNode list, String name) {
    for (JsonNode resource : list.path("resources")) {
      if (resource.path("name").asText().equals(name)) {
        return resource;
      }
    }
    throw new AssertionError(name + " is not in " + list);
  }
}
