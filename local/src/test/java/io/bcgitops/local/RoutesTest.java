package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The allow-list: what each path and method is, and the Status of everything else. */
class RoutesTest {
  private static final Routes ROUTES = new Routes(DiscoveryTest.catalog());
  private static final String APPS = "/apis/bcgitops.io/v1alpha1/namespaces/default/appdeployments";
  private static final String POD = "/api/v1/namespaces/default/pods/web-1";

  @Test
  void discoveryTheVersionAndOpenApiAreReadOnly() {
    assertEquals(new Routes.Information(Routes.Document.VERSION, null, null), ROUTES.of("GET", "/version"));
    assertEquals(new Routes.Information(Routes.Document.OPENAPI_V2, null, null), ROUTES.of("GET", "/openapi/v2"));
    assertEquals(new Routes.Information(Routes.Document.CORE_VERSIONS, null, null), ROUTES.of("GET", "/api"));
    assertEquals(new Routes.Information(Routes.Document.GROUPS, null, null), ROUTES.of("GET", "/apis/"));
    assertEquals(new Routes.Information(Routes.Document.RESOURCES, "", "v1"), ROUTES.of("GET", "/api/v1"));
    assertEquals(new Routes.Information(Routes.Document.GROUP, "bcgitops.io", null),
        ROUTES.of("GET", "/apis/bcgitops.io"));
    assertEquals(new Routes.Information(Routes.Document.RESOURCES, "bcgitops.io", "v1alpha1"),
        ROUTES.of("GET", "/apis/bcgitops.io/v1alpha1"));
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")) {
      assertRefused(405, "MethodNotAllowed", "a discovery document takes GET here, not " + method,
          ROUTES.of(method, "/api/v1"));
    }
  }

  @Test
  void groupsVersionsAndPathsNotServedAreNotFound() {
    for (String path : List.of("/apis/example.com", "/apis/bcgitops.io/v1", "/api/v2", "/openapi/v3", "/healthz",
        "/metrics", "/", "/logs/kube-apiserver.log", "/api/v1/watch/namespaces/default/secrets")) {
      assertRefused(404, "NotFound", "the server could not find the requested resource", ROUTES.of("GET", path));
    }
  }

  @Test
  void collectionsTakeListWatchCreateAndDeleteAndAcrossNamespacesListAndWatchOnly() {
    ResourcePath apps = ResourcePath.parse(APPS).orElseThrow();
    for (String method : List.of("GET", "POST", "DELETE")) {
      Routes.Resource route = assertInstanceOf(Routes.Resource.class, ROUTES.of(method, APPS));
      assertEquals(apps, route.path());
      assertEquals("AppDeployment", route.resource().kind());
    }
    for (String method : List.of("PUT", "PATCH", "HEAD", "OPTIONS")) {
      assertRefused(405, "MethodNotAllowed", "a collection takes GET, POST, DELETE here, not " + method,
          ROUTES.of(method, APPS));
    }
    assertInstanceOf(Routes.Resource.class, ROUTES.of("GET", "/api/v1/secrets"));
    assertInstanceOf(Routes.Resource.class, ROUTES.of("POST", "/api/v1/namespaces"));
    for (String method : List.of("POST", "DELETE")) {
      assertRefused(405, "MethodNotAllowed", "a collection across namespaces takes GET here, not " + method,
          ROUTES.of(method, "/api/v1/secrets"));
    }
  }

  @Test
  void objectsTakeGetPutPatchAndDelete() {
    for (String method : List.of("GET", "PUT", "PATCH", "DELETE")) {
      assertInstanceOf(Routes.Resource.class, ROUTES.of(method, APPS + "/web"));
    }
    for (String method : List.of("POST", "HEAD", "OPTIONS", "TRACE", "CONNECT", "get")) {
      assertRefused(405, "MethodNotAllowed", "an object takes GET, PUT, PATCH, DELETE here, not " + method,
          ROUTES.of(method, APPS + "/web"));
    }
  }

  @Test
  void theStatusIsServedOnlyForKindsThatHaveOneAndOnlyToReadAndWrite() {
    for (String method : List.of("GET", "PUT", "PATCH")) {
      assertInstanceOf(Routes.Resource.class, ROUTES.of(method, APPS + "/web/status"));
    }
    assertRefused(405, "MethodNotAllowed", "a status takes GET, PUT, PATCH here, not DELETE",
        ROUTES.of("DELETE", APPS + "/web/status"));
    assertRefused(404, "NotFound", "does not serve the subresource \"status\" of secrets",
        ROUTES.of("GET", "/api/v1/namespaces/default/secrets/token/status"));
    assertRefused(404, "NotFound", "does not serve the subresource \"status\" of namespaces",
        ROUTES.of("PUT", "/api/v1/namespaces/default/status"));
  }

  @Test
  void aPodsLogIsReadOnlyAndNamesThePod() {
    assertEquals(new Routes.PodLog(ResourcePath.parse(POD).orElseThrow()), ROUTES.of("GET", POD + "/log"));
    assertRefused(405, "MethodNotAllowed", "a pod's log takes GET here, not POST", ROUTES.of("POST", POD + "/log"));
    assertRefused(404, "NotFound", "does not serve the subresource \"log\" of deployments.apps",
        ROUTES.of("GET", "/apis/apps/v1/namespaces/default/deployments/web/log"));
  }

  @Test
  void thePodsOtherSubresourcesAreRefusedSayingWhatIsNotServed() {
    for (String[] refused : new String[][] {{"exec", "kubectl exec is not served in local mode"},
        {"attach", "kubectl attach is not served in local mode"},
        {"portforward", "kubectl port-forward is not served in local mode"},
        {"proxy", "proxying to a pod is not served in local mode"},
        {"eviction", "evictions (kubectl drain) are not served in local mode"},
        {"binding", "bindings are not served in local mode"},
        {"ephemeralcontainers", "kubectl debug (ephemeral containers) is not served in local mode"},
        {"resize", "the local API does not serve the subresource \"resize\" of pods"}}) {
      for (String method : List.of("GET", "POST", "PATCH")) {
        assertRefused(404, "NotFound", refused[1], ROUTES.of(method, POD + "/" + refused[0]));
      }
    }
    assertRefused(404, "NotFound", "the local API does not serve the subresource \"scale\" of deployments.apps",
        ROUTES.of("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale"));
  }

  @Test
  void kindsNotInTheCatalogAndPathsOfTheWrongScopeAreNotFound() {
    assertRefused(404, "NotFound", "serves no \"widgets\" in example.com/v1 (kubectl api-resources lists",
        ROUTES.of("GET", "/apis/example.com/v1/namespaces/default/widgets"));
    assertRefused(404, "NotFound", "serves no \"serviceaccounts\" in v1",
        ROUTES.of("POST", "/api/v1/namespaces/default/serviceaccounts"));
    assertRefused(404, "NotFound", "serves no \"selfsubjectaccessreviews\" in authorization.k8s.io/v1",
        ROUTES.of("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"));
    assertRefused(404, "NotFound", "customresourcedefinitions.apiextensions.k8s.io are not in namespaces",
        ROUTES.of("GET", "/apis/apiextensions.k8s.io/v1/namespaces/default/customresourcedefinitions"));
    assertRefused(404, "NotFound", "pods are in namespaces", ROUTES.of("GET", "/api/v1/pods/web-1"));
    assertRefused(404, "NotFound", "the server could not find the requested resource",
        ROUTES.of("GET", "/api/v1/namespaces/default/secrets/.."));
  }

  @Test
  void bodiesAreJsonAndPatchesThoseTheStoreApplies() {
    assertEquals(Optional.empty(), Routes.refusedBody("POST", "application/json"));
    assertEquals(Optional.empty(), Routes.refusedBody("PUT", "application/json; charset=UTF-8"));
    assertEquals(Optional.empty(), Routes.refusedBody("DELETE", "application/json"));
    for (String patch : List.of("application/merge-patch+json", "application/json-patch+json",
        "application/strategic-merge-patch+json")) {
      assertEquals(Optional.empty(), Routes.refusedBody("PATCH", patch));
    }
    assertRefusedBody("reads JSON only, not application/vnd.kubernetes.protobuf",
        Routes.refusedBody("POST", "application/vnd.kubernetes.protobuf"));
    assertRefusedBody("reads JSON only, not a body with no Content-Type", Routes.refusedBody("PUT", null));
    assertRefusedBody("reads JSON only, not application/merge-patch+json",
        Routes.refusedBody("PUT", "application/merge-patch+json"));
    assertRefusedBody("server-side apply is not served in local mode: use kubectl apply without --server-side",
        Routes.refusedBody("PATCH", "application/apply-patch+yaml"));
    assertRefusedBody("merge patches (kubectl patch --type=merge) and JSON patches (--type=json) only, not"
        + " application/json", Routes.refusedBody("PATCH", "application/json"));
  }

  private static void assertRefused(int code, String reason, String message, Routes.Route route) {
    Routes.Refused refused = assertInstanceOf(Routes.Refused.class, route);
    assertEquals(code, refused.code());
    assertStatus(code, reason, message, refused.status());
    // As the API server's: kubectl debug reads them.
    assertTrue(refused.status().path("details").isObject(), refused.status().toString());
  }

  private static void assertRefusedBody(String message, Optional<ObjectNode> status) {
    assertStatus(415, "UnsupportedMediaType", message, status.orElseThrow());
  }

  /** A Status as the API server writes one, which kubectl prints the message of. */
  static void assertStatus(int code, String reason, String message, ObjectNode status) {
    assertEquals("Status", status.path("kind").asText());
    assertEquals("v1", status.path("apiVersion").asText());
    assertEquals("Failure", status.path("status").asText());
    assertEquals(code, status.path("code").asInt());
    assertEquals(reason, status.path("reason").asText());
    assertTrue(status.path("message").asText().contains(message), status.path("message").asText());
  }
}
