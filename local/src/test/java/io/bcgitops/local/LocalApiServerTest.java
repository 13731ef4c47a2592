package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The local API over HTTP, as any client sees it (kubectl itself: {@link KubectlTest}). */
class LocalApiServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String APPS = "/apis/bcgitops.io/v1alpha1/namespaces/default/appdeployments";
  private static final String SOURCES = "/apis/bcgitops.io/v1alpha1/namespaces/default/gitopssources";
  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";

  /** What a Secret of the tests below holds: no answer to a request that is not served may show it. */
  private static final String SECRET_VALUE = "s3cret-never-shown";
  private static final String POD = "/api/v1/namespaces/default/pods/web-5d8f-x2k4q";

  @TempDir
  static Path dir;
  static StateFolder state;
  static LocalApiServer api;
  static JsonNode kubeconfig;
  static HttpClient https;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    state = StateFolder.open(dir.resolve("state"));
    api = LocalApiServer.start(0, state);
    Path file = api.writeKubeconfig(dir.resolve("config/kubeconfig"));
    kubeconfig = new YAMLMapper().readTree(file.toFile());
    token = kubeconfig.at("/users/0/user/token").asText();
    https = HttpClient.newBuilder().sslContext(trusting(kubeconfig.at("/clusters/0/cluster/certificate-authority-data")
        .asText())).build();
  }

  @AfterAll
  static void stop() throws IOException {
    api.close();
    state.close();
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
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
  @DisabledOnOs(OS.WINDOWS)
  void aKubeconfigWrittenOverAnotherFileIsTheOwnersOnlyToo() throws IOException {
    Path file = Files.writeString(dir.resolve("shared-kubeconfig"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    api.writeKubeconfig(file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(token, new YAMLMapper().readTree(file.toFile()).at("/users/0/user/token").asText());
  }

  @Test
  @EnabledOnOs(OS.WINDOWS)
  void onWindowsTheKubeconfigsAccessListNamesItsOwnerAlone() throws IOException {
    AclFileAttributeView acl = Files.getFileAttributeView(dir.resolve("config/kubeconfig"), AclFileAttributeView.class);

    List<AclEntry> entries = acl.getAcl();

    assertEquals(1, entries.size(), entries.toString());
    assertEquals(AclEntryType.ALLOW, entries.get(0).type());
    assertEquals(acl.getOwner(), entries.get(0).principal());
  }

  @Test
  void aJvmThatPrefersIpv6ServesTheApiOnIpv4sLoopbackToo() throws Exception {
    Path file = dir.resolve("ipv6/kubeconfig");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.net.preferIPv6Addresses=true", "-cp", System.getProperty("java.class.path"),
        ApiUntilInputEnds.class.getName(), file.toString())
        .redirectError(dir.resolve("ipv6.err").toFile()).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals("ready"));
      assertNotNull(line, () -> "the API did not start: " + readString(dir.resolve("ipv6.err")));
      JsonNode config = new YAMLMapper().readTree(file.toFile());
      URI server = URI.create(config.at("/clusters/0/cluster/server").asText());
      assertEquals("127.0.0.1", server.getHost());
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(config.at(
          "/clusters/0/cluster/certificate-authority-data").asText())).build();
      HttpResponse<String> version = client.send(HttpRequest.newBuilder(server.resolve("/version")).timeout(WAIT)
          .header("Authorization", "Bearer " + config.at("/users/0/user/token").asText()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, version.statusCode());
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /** Starts an API, writes its kubeconfig to the file named, says "ready" and serves until its input ends. */
  public static final class ApiUntilInputEnds {
    public static void main(String[] args) throws IOException {
      try (StateFolder state = StateFolder.open(Path.of(args[0]).resolveSibling("state"));
          LocalApiServer api = LocalApiServer.start(0, state)) {
        api.writeKubeconfig(Path.of(args[0]));
        System.out.println("ready");
        System.in.readAllBytes();
      }
    }
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
    assertEquals(List.of("appdeployments.bcgitops.io", "gitopssources.bcgitops.io", "runtimepools.bcgitops.io"),
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
  void aWatchFromAVersionNotReachedYetIsRefusedAsTooLarge() throws Exception {
    long listed = json(get(SOURCES)).at("/metadata/resourceVersion").asLong();

    HttpResponse<String> watch = get(SOURCES + "?watch=1&resourceVersion=" + (listed + 1000) + "&timeoutSeconds=1");

    assertEquals(200, watch.statusCode());
    assertEquals(1, watch.body().lines().count(), watch.body());
    JsonNode event = KubeJson.MAPPER.readTree(watch.body());
    assertEquals("ERROR", event.path("type").asText());
    assertEquals(504, event.at("/object/code").asInt());
    assertEquals("Timeout", event.at("/object/reason").asText());
    assertEquals("ResourceVersionTooLarge", event.at("/object/details/causes/0/reason").asText());
  }

  @Test
  void aQuietWatchWritesABookmarkIfAllowedElseAnEmptyLine() throws Exception {
    String quiet = SOURCES + "?watch=1&fieldSelector=metadata.name%3Dnobody&timeoutSeconds="
        + (WatchStream.QUIET.toSeconds() + 2);
    long listed = json(get(SOURCES)).at("/metadata/resourceVersion").asLong();

    CompletableFuture<HttpResponse<String>> bookmarked = getAsync(quiet + "&allowWatchBookmarks=true");
    CompletableFuture<HttpResponse<String>> plain = getAsync(quiet);

    List<String> lines = bookmarked.get().body().lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    JsonNode event = KubeJson.MAPPER.readTree(lines.get(0));
    assertEquals("BOOKMARK", event.path("type").asText());
    JsonNode object = event.path("object");
    assertEquals(List.of("kind", "apiVersion", "metadata"), fieldNames(object));
    assertEquals("GitOpsSource", object.path("kind").asText());
    assertEquals("bcgitops.io/v1alpha1", object.path("apiVersion").asText());
    assertEquals(List.of("resourceVersion"), fieldNames(object.path("metadata")));
    assertTrue(object.at("/metadata/resourceVersion").asLong() >= listed, object.toString());
    assertEquals("\n", plain.get().body());
  }

  @Test
  void aWatchWhoseClientWentAwayEndsWithinTwoQuietSpells() throws Exception {
    // Two quiet spells and some slack: the first write after a client left may still succeed; the next one fails.
    Duration untilNoticed = WatchStream.QUIET.multipliedBy(3);
    // The watches of the tests before, whose clients are gone too.
    await().atMost(untilNoticed).until(() -> watchesBeingServed() == 0);
    SSLContext tls = trusting(kubeconfig.at("/clusters/0/cluster/certificate-authority-data").asText());
    try (Socket socket = tls.getSocketFactory().createSocket("127.0.0.1", api.url().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + SOURCES + "?watch=1&allowWatchBookmarks=true HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertEquals("HTTP/1.1 200 OK", status);
      await().atMost(WAIT).until(() -> watchesBeingServed() == 1);
    }

    await().atMost(untilNoticed).until(() -> watchesBeingServed() == 0);
  }

  @Test
  void aCollectionDeleteDeletesOnlyTheSelectedObjectsAndAnswersTheirList() throws Exception {
    for (String name : List.of("sweep-a", "sweep-b", "unswept")) {
      ConfigMapBuilder map = new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata();
      if (name.startsWith("sweep-")) {
        map.editMetadata().addToLabels("sweep", name.substring("sweep-".length())).endMetadata();
      }
      api.client().configMaps().inNamespace("default").resource(map.build()).create();
    }

    HttpResponse<String> deleted = https.send(request(CONFIG_MAPS + "?labelSelector="
        + URLEncoder.encode("sweep in (a)", StandardCharsets.UTF_8)).header("Authorization", "Bearer " + token)
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, deleted.statusCode());
    assertEquals("ConfigMapList", json(deleted).path("kind").asText());
    assertEquals(List.of("sweep-a"), names(json(deleted).path("items")));
    assertNull(api.client().configMaps().inNamespace("default").withName("sweep-a").get());
    assertNotNull(api.client().configMaps().inNamespace("default").withName("sweep-b").get());
    assertNotNull(api.client().configMaps().inNamespace("default").withName("unswept").get());
  }

  @Test
  void aNamespacedCollectionIsNotDeletedAcrossNamespaces() throws Exception {
    api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("everywhere").addToLabels("scope", "all").endMetadata().build()).create();

    HttpResponse<String> refused = https.send(request("/api/v1/configmaps?labelSelector=scope%3Dall")
        .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(405, refused.statusCode());
    assertEquals("MethodNotAllowed", json(refused).path("reason").asText());
    assertNotNull(api.client().configMaps().inNamespace("default").withName("everywhere").get());
  }

  @Test
  void aFabric8ClientWithTheKubeconfigDeletesBySetSelectorAndByName() throws Exception {
    for (String name : List.of("web", "worker", "kept")) {
      api.client().apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata()
          .withName(name).addToLabels("role", name).endMetadata().build()).create();
    }
    Config config = Config.fromKubeconfig(Files.readString(dir.resolve("config/kubeconfig")));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      List<StatusDetails> selected = client.apps().deployments().inNamespace("default").withLabelIn("role", "web")
          .delete();
      client.apps().deployments().inNamespace("default").withName("worker").delete();

      assertEquals(List.of("web"), selected.stream().map(StatusDetails::getName).toList());
      assertNull(client.apps().deployments().inNamespace("default").withName("web").get());
      assertNull(client.apps().deployments().inNamespace("default").withName("worker").get());
      assertNotNull(client.apps().deployments().inNamespace("default").withName("kept").get());
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

  @Test
  void aPodsLogIsAnsweredWithWhereItIsAndNothingOfTheStore() throws Exception {
    storeASecretAndAPod();

    HttpResponse<String> log = get(POD + "/log?container=app&follow=true");
    HttpResponse<String> missing = get("/api/v1/namespaces/default/pods/missing/log");

    assertEquals(404, log.statusCode());
    RoutesTest.assertStatus(404, "NotFound", "kubectl logs is not served in local mode: container \"app\" of pod"
        + " \"web-5d8f-x2k4q\" writes to " + state.node().resolve("pods/default/web-5d8f-x2k4q/app.log"),
        (ObjectNode) json(log));
    assertNothingOfTheStore(log);
    RoutesTest.assertStatus(404, "NotFound", "pods \"missing\" not found", (ObjectNode) json(missing));
  }

  @Test
  void requestsNotServedAreRefusedWithAStatusAndNothingOfTheStore() throws Exception {
    storeASecretAndAPod();
    String[][] refused = {
        {"GET", POD + "/exec?command=cat&command=/etc/passwd&stdout=true", "404", "NotFound"},
        {"POST", POD + "/exec?command=ls", "404", "NotFound"},
        {"POST", POD + "/attach", "404", "NotFound"},
        {"POST", POD + "/portforward?ports=8080", "404", "NotFound"},
        {"GET", POD + "/proxy/", "404", "NotFound"},
        {"POST", POD + "/eviction", "404", "NotFound"},
        {"POST", POD + "/binding", "404", "NotFound"},
        {"PATCH", POD + "/ephemeralcontainers", "404", "NotFound"},
        {"GET", POD + "/log/extra", "404", "NotFound"},
        {"GET", "/api/v1/namespaces/default/serviceaccounts", "404", "NotFound"},
        {"GET", "/apis/example.com/v1/widgets", "404", "NotFound"},
        {"GET", "/api/v1/namespaces/default/secrets/..", "404", "NotFound"},
        {"GET", "/api/v1/namespaces/default/secrets/%2e%2e", "404", "NotFound"},
        {"GET", "/openapi/v3", "404", "NotFound"},
        {"GET", "/healthz", "404", "NotFound"},
        {"GET", "/", "404", "NotFound"},
        {"POST", POD, "405", "MethodNotAllowed"},
        {"DELETE", POD + "/status", "405", "MethodNotAllowed"},
        {"PUT", "/api/v1/namespaces/default/pods", "405", "MethodNotAllowed"},
        {"POST", "/api/v1/pods", "405", "MethodNotAllowed"},
        {"OPTIONS", POD, "405", "MethodNotAllowed"},
        {"TRACE", "/api/v1/namespaces/default/secrets", "405", "MethodNotAllowed"},
        {"POST", "/version", "405", "MethodNotAllowed"}};

    for (String[] request : refused) {
      HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create(api.url() + request[1]))
          .timeout(WAIT).header("Authorization", "Bearer " + token)
          .method(request[0], HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
          .build(), HttpResponse.BodyHandlers.ofString());

      String what = request[0] + " " + request[1] + ": " + response.body();
      assertEquals(Integer.parseInt(request[2]), response.statusCode(), what);
      assertEquals("Status", json(response).path("kind").asText(), what);
      assertEquals(request[3], json(response).path("reason").asText(), what);
      assertNothingOfTheStore(response);
    }
    assertNotNull(api.client().pods().inNamespace("default").withName("web-5d8f-x2k4q").get(),
        "the refused DELETE of the pod's status deleted nothing");
  }

  @Test
  void serverSideApplyIsRefusedSayingWhatToDoInstead() throws Exception {
    storeASecretAndAPod();

    HttpResponse<String> applied = https.send(request(POD + "?fieldManager=kubectl").header("Authorization",
        "Bearer " + token).header("Content-Type", "application/apply-patch+yaml")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")).build(),
        HttpResponse.BodyHandlers.ofString());

    RoutesTest.assertStatus(415, "UnsupportedMediaType", "server-side apply is not served in local mode: use kubectl"
        + " apply without --server-side", (ObjectNode) json(applied));
    assertNull(api.client().pods().inNamespace("default").withName("web-5d8f-x2k4q").get().getMetadata()
        .getLabels().get("a"));
  }

  /** A Secret, and a vm app's pod on the node, as the operator and the node write them. */
  private static void storeASecretAndAPod() {
    api.client().secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
        .withName("db-credentials").endMetadata().addToData("password", base64(SECRET_VALUE)).build())
        .createOr(existing -> existing.update());
    api.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("web-5d8f-x2k4q")
        .addToLabels(Api.APP_LABEL, "web").endMetadata().withNewSpec().withNodeName(LocalNode.NODE_NAME)
        .addNewInitContainer().withName("fetch").withImage("bc-gitops-operator:latest").endInitContainer()
        .addNewContainer().withName("app").withImage("eclipse-temurin:17-jre").endContainer().endSpec().build())
        .createOr(existing -> existing.update());
  }

  private static void assertNothingOfTheStore(HttpResponse<String> response) {
    String what = response.request().method() + " " + response.request().uri() + ": " + response.body();
    assertFalse(response.body().contains(SECRET_VALUE), what);
    assertFalse(response.body().contains(base64(SECRET_VALUE)), what);
    assertFalse(response.body().contains("\"items\""), what);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return https.send(request(path).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static CompletableFuture<HttpResponse<String>> getAsync(String path) {
    return https.sendAsync(request(path).timeout(WAIT.plus(WatchStream.QUIET))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> names(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.forEach(item -> names.add(KubeJson.name(item)));
    return names;
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** How many threads of this JVM serve a watch now, on any local API. */
  static long watchesBeingServed() {
    return Thread.getAllStackTraces().values().stream().filter(stack -> Arrays.stream(stack)
        .anyMatch(frame -> frame.getClassName().equals(WatchStream.class.getName()))).count();
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
