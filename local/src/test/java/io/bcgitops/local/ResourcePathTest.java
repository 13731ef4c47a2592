package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourcePathTest {

  @Test
  void namespacedPathsNameTheirResourceObjectAndSubresource() {
    assertEquals(Optional.of(new ResourcePath("bcgitops.io", "v1alpha1", "default", "gitopssources", "shop", "status")),
        ResourcePath.parse("/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources/shop/status"));
    assertEquals(Optional.of(new ResourcePath("", "v1", "default", "pods", null, null)),
        ResourcePath.parse("/api/v1/namespaces/default/pods"));
  }

  @Test
  void clusterWidePathsHaveNoNamespace() {
    assertEquals(Optional.of(new ResourcePath("apps", "v1", null, "deployments", null, null)),
        ResourcePath.parse("/apis/apps/v1/deployments"));
    assertEquals(Optional.of(new ResourcePath("", "v1", null, "namespaces", "default", null)),
        ResourcePath.parse("/api/v1/namespaces/default"));
  }

  @Test
  void aNamespacesStatusAndFinalizeAreItsSubresourcesAsOnTheApiServer() {
    assertEquals(Optional.of(new ResourcePath("", "v1", null, "namespaces", "default", "status")),
        ResourcePath.parse("/api/v1/namespaces/default/status"));
    assertEquals(Optional.of(new ResourcePath("", "v1", null, "namespaces", "default", "finalize")),
        ResourcePath.parse("/api/v1/namespaces/default/finalize"));
  }

  @Test
  void discoveryAndOtherPathsAreNoResource() {
    for (String path : new String[] {"/api", "/api/v1", "/apis/apps/v1", "/version", "/openapi/v2",
        "/api/v1/namespaces/default/pods/web/status/extra"}) {
      assertTrue(ResourcePath.parse(path).isEmpty(), path);
    }
  }

  @Test
  void dotSegmentsAndEscapesNameNothing() {
    // Else a client library that normalizes or decodes the path would send on another one than was checked.
    for (String path : new String[] {"/api/v1/namespaces/default/secrets/..", "/api/v1/namespaces/./secrets",
        "/api/v1/namespaces/default/pods/web/%2e%2e", "/api/v1/namespaces/default/secrets/a%2Fb",
        "/apis/apps/v1/namespaces/../deployments"}) {
      assertTrue(ResourcePath.parse(path).isEmpty(), path);
    }
  }

  @Test
  void aPathKnowsItsCollectionAndApiVersion() {
    ResourcePath status = ResourcePath.parse("/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources/shop/status")
        .orElseThrow();
    assertEquals("/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources", status.collectionPath());
    assertEquals("bcgitops.io/v1alpha1", status.groupVersion());
    assertEquals("gitopssources.bcgitops.io", status.qualifiedPlural());
    assertEquals("v1", ResourcePath.parse("/api/v1/pods").orElseThrow().groupVersion());
    assertEquals("/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources/shop/status", status.path());
    assertEquals("/api/v1/namespaces/default", ResourcePath.parse("/api/v1/namespaces/default/").orElseThrow().path());
  }
}
