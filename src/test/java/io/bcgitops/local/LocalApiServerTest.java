package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API over HTTP, as any client sees it (kubectl itself: {@link KubectlTest}). */
class LocalApiServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String APPS = "/apis/bcgitops.io/v1alpha1/namespaces/default/appdeployments";

  @TempDir
  static Path dir;
  static LocalApiServer api;
  static JsonNode kubeconfig;
  static HttpClient https;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    api = LocalApiServer.start(0);
    Path file = api.writeKubeconfig(dir.resolve("config/kubeconfig"));
    kubeconfig = new YAMLMapper().readTree(file.toFile());
    token = kubeconfig.at("/users/0/user/token").asText();
    https = HttpClient.newBuilder().sslContext(trusting(kubeconfig.at("/clusters/0/cluster/certificate-authority-data")
        .asText())).build();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void theKubeconfigIsTheOwnersOnlyAndLeadsToThisApi() throws IOException {
    Path file = dir.resolve("config/kubeconfig");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("bc-gitops-local", kubeconfig.path("current-context").asText());
    assertEquals(api.url().toString(), kubeconfig.at("/clusters/0/cluster/server").asText());
    assertEquals("https", api.url().getScheme());
    assertEquals("127.0.0.1", api.url().getHost());
    assertEquals("default", kubeconfig.at("/contexts/0/context/namespace").asText());
    assertEquals(64, token.length());
  }

  @Test
  void aKubeconfigWrittenOverAnotherFileIsTheOwnersOnlyToo() throws IOException {
    Path file = Files.writeString(dir.resolve("shared-kubeconfig"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    api.writeKubeconfig(file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(token, new YAMLMapper().readTree(file.toFile()).at("/users/0/user/token").asText());
  }

  @Test
  void onlyRequestsWithTheTokenAreAnswered() throws Exception {
    assertEquals(401, https.send(request("/api").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(401, https.send(request("/api").header("Authorization", "Bearer " + "0".repeat(64)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(200, get("/api").statusCode());
    // The store behind it is on loopback too: it asks for the same token.
    HttpResponse<String> store = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(api.client().getConfiguration().getMasterUrl()).resolve("/api/v1/namespaces")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, store.statusCode());
  }

  @Test
  void theCrdsAndTheDefaultNamespaceAreThere() {
    KubernetesClient client = api.client();
    assertEquals(List.of("appdeployments.bcgitops.io", "gitopssources.bcgitops.io"),
        client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
            .map(crd -> crd.getMetadata().getName()).sorted().toList());
    assertNotNull(client.namespaces().withName("default").get());
  }

  @Test
  void theStoresClientWatchesOverWebSocketsWithTheToken() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = api.client().resources(GitOpsSource.class).inNamespace("default").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, GitOpsSource source) {
        seen.add(action + " " + source.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      api.client().resource(LocalObjects.source("informed", "https://git.example.com/informed.git")).create();
      await().atMost(WAIT).until(() -> seen.contains("ADDED informed"));
    }
  }

  @Test
  void aWatchFromAListsVersionSeesEveryLaterChangeOnceAndOnlyTheSelectedObjects() throws Exception {
    String listed = json(get(APPS + "?labelSelector=team%3Dwatch")).at("/metadata/resourceVersion").asText();
    KubernetesClient client = api.client();
    AppDeployment watched = LocalObjects.app("watched", "1.0.0");
    watched.getMetadata().setLabels(Map.of("team", "watch"));
    client.resource(watched).create();
    client.resource(LocalObjects.app("other", "1.0.0")).create();
    client.resources(AppDeployment.class).inNamespace("default").withName("watched").editStatus(app -> {
      app.setStatus(LocalObjects.runningStatus("1.0.0", 1));
      return app;
    });
    client.resources(AppDeployment.class).inNamespace("default").withName("watched").delete();
    await().atMost(WAIT).until(() -> client.resources(AppDeployment.class).inNamespace("default")
        .withName("watched").get() == null);

    HttpResponse<String> watch = get(APPS + "?watch=1&resourceVersion=" + listed
        + "&labelSelector=team%3Dwatch&timeoutSeconds=1");

    assertEquals(200, watch.statusCode());
    List<String> events = new ArrayList<>();
    for (String line : watch.body().split("\n")) {
      JsonNode event = KubeJson.MAPPER.readTree(line);
      events.add(event.path("type").asText() + " " + KubeJson.name(event.path("object")));
    }
    assertEquals(List.of("ADDED watched", "MODIFIED watched", "DELETED watched"), events);
  }

  @Test
  void aWatchWithoutAVersionStartsWithWhatIsThere() throws Exception {
    api.client().resource(LocalObjects.source("present", "https://git.example.com/present.git")).create();

    HttpResponse<String> watch = get("/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources?watch=true"
        + "&fieldSelector=metadata.name%3Dpresent&timeoutSeconds=1");

    JsonNode event = KubeJson.MAPPER.readTree(watch.body().lines().findFirst().orElseThrow());
    assertEquals("ADDED", event.path("type").asText());
    assertEquals("https://git.example.com/present.git", event.at("/object/spec/url").asText());
    assertEquals(1, watch.body().lines().count());
  }

  @Test
  void aFabric8ClientWithTheKubeconfigWatchesThroughTheFrontDoor() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Config config = Config.fromKubeconfig(Files.readString(dir.resolve("config/kubeconfig")));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Watch watch = client.resources(AppDeployment.class).inNamespace("default").watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, AppDeployment app) {
            seen.add(action + " " + app.getMetadata().getName());
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      api.client().resource(LocalObjects.app("fabric8", "1.0.0")).create();
      await().atMost(WAIT).until(() -> seen.contains("ADDED fabric8"));
      assertEquals("1.0.0", client.resources(AppDeployment.class).inNamespace("default").withName("fabric8").get()
          .getSpec().getVersion());
    }
  }

  @Test
  void aStrategicMergePatchWithoutListsIsAppliedAsAMergePatch() throws Exception {
    api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("settings").endMetadata().addToData("a", "1").build()).create();
    String settings = "/api/v1/namespaces/default/configmaps/settings";

    HttpResponse<String> labelled = patch(settings, "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
    HttpResponse<String> listed = patch(settings, "{\"metadata\":{\"finalizers\":[\"x\"]}}");

    assertEquals(200, labelled.statusCode() / 100 * 100);
    assertEquals("front", json(get(settings)).at("/metadata/labels/tier").asText());
    assertEquals(415, listed.statusCode());
    assertEquals("UnsupportedMediaType", json(listed).path("reason").asText());
  }

  @Test
  void bodiesThatAreNotJsonAreRefused() throws Exception {
    String secrets = "/api/v1/namespaces/default/secrets";
    HttpResponse<String> protobuf = https.send(request(secrets).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/vnd.kubernetes.protobuf")
        .POST(HttpRequest.BodyPublishers.ofString("k8s\u0000")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> broken = https.send(request(secrets).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"kind\":")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(415, protobuf.statusCode());
    assertEquals(400, broken.statusCode());
    assertEquals("BadRequest", json(broken).path("reason").asText());
  }

  @Test
  void aMissingObjectIsNotFoundByName() throws Exception {
    HttpResponse<String> missing = get(APPS + "/nothing");
    assertEquals(404, missing.statusCode());
    assertEquals("appdeployments.bcgitops.io \"nothing\" not found", json(missing).path("message").asText());
    assertEquals("NotFound", json(missing).path("reason").asText());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return https.send(request(path).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> patch(String path, String strategicMergePatch) throws Exception {
    return https.send(request(path).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/strategic-merge-patch+json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(strategicMergePatch)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(api.url().resolve(path)).timeout(WAIT);
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return KubeJson.MAPPER.readTree(response.body());
  }

  /** Trusts the certificate the kubeconfig names as the cluster's authority, as kubectl does. */
  static SSLContext trusting(String certificateAuthorityData) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("local", CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Base64.getDecoder().decode(certificateAuthorityData))));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
