package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.fetch.ArtifactFetcher;
import io.bcgitops.fetch.LoaderServer;
import io.bcgitops.http.BearerToken;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.Backoff;
import io.bcgitops.runtime.HostSettings;
import io.bcgitops.runtime.RuntimeHost;
import io.bcgitops.testing.FakeKubelet;
import io.bcgitops.testing.Ports;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole embedded path with the real loader and runtime host on loopback: a commit becomes
 * AppDeployments, the loader downloads and verifies the example app's jar over HTTP, the host
 * runs two copies of it in one JVM, and each answers on its own port; then an upgrade and a prune.
 */
class GitToEmbeddedAppTest extends OperatorTestBase {
  private static final String TOKEN = "end-to-end-token";
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer artifacts;
  private RuntimeHost host;
  private ApiServer hostApi;
  private ApiServer loaderApi;

  @AfterEach
  void stopPool() {
    if (hostApi != null) {
      hostApi.close();
    }
    if (host != null) {
      host.close();
    }
    if (loaderApi != null) {
      loaderApi.close();
    }
    if (artifacts != null) {
      artifacts.stop(0);
    }
  }

  static Path exampleJar(String name) {
    return Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"), name + "-1.0.0.jar");
  }

  String embeddedApp(String name, String version, int port, String greeting, String jarUrl, String sha256) {
    return "name: " + name + "\nversion: \"" + version + "\"\nsource:\n  type: release\n  url: " + jarUrl
        + "\n  sha256: " + sha256 + "\nenv:\n  PORT: \"" + port + "\"\n  GREETING: " + greeting
        + "\n  APP_NAME: " + name + "\nhealth:\n  type: http\n  port: " + port + "\n  path: /health\n"
        + "  interval: 500ms\n";
  }

  @Test
  void twoAppsFromGitRunInOneHostAndFollowAnUpgradeAndAPrune() throws Exception {
    byte[] jar = Files.readAllBytes(exampleJar("hello"));
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
    artifacts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    artifacts.createContext("/hello.jar", exchange -> {
      exchange.sendResponseHeaders(200, jar.length);
      exchange.getResponseBody().write(jar);
      exchange.close();
    });
    artifacts.start();
    String jarUrl = "http://127.0.0.1:" + artifacts.getAddress().getPort() + "/hello.jar";
    Path shared = tmp.resolve("apps");
    loaderApi = new LoaderServer(shared, "http://127.0.0.1:1/unused", new ArtifactFetcher(ArtifactFetcher.Settings
        .defaults())).routes(new ApiServer(new InetSocketAddress("127.0.0.1", 0), TOKEN)).start();
    host = new RuntimeHost(new HostSettings(shared, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
        Duration.ofSeconds(20), Duration.ofSeconds(5)));
    hostApi = host.routes(new ApiServer(new InetSocketAddress("127.0.0.1", 0),
        BearerToken.ofSha256(BearerToken.sha256Hex(PoolToken.hostToken(TOKEN))))).start();
    RuntimePoolAddress loopback = new RuntimePoolAddress() {
      @Override
      public URI host(String namespace, String runtime) {
        return URI.create("http://127.0.0.1:" + hostApi.port());
      }

      @Override
      public URI loader(String namespace, String runtime) {
        return URI.create("http://127.0.0.1:" + loaderApi.port());
      }
    };
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName("default"))
        .withNamespace(ns).withLabels(RuntimePools.labels("default")).endMetadata()
        .addToData(RuntimePools.TOKEN_KEY, Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
    int greeterPort = Ports.free();
    int welcomePort = Ports.free();
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/greeter/app.yaml", embeddedApp("greeter", "1.0", greeterPort, "Hi", jarUrl, sha256));
    repo.write("apps/welcome/app.yaml", embeddedApp("welcome", "1.0", welcomePort, "Welcome", jarUrl, sha256));
    repo.commit("two embedded apps");
    startOperator(true, OperatorHarness.Controllers.ALL, loopback);
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });

    new FakeKubelet(client, ns).startPool(RuntimePools.name("default"));

    GitOpsSource ready = operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals(2, ready.getStatus().getReadyCount());
    assertTrue(get(greeterPort, "/").startsWith("Hi from greeter"), get(greeterPort, "/"));
    assertTrue(get(welcomePort, "/").startsWith("Welcome from welcome"), get(welcomePort, "/"));

    repo.write("apps/greeter/app.yaml", embeddedApp("greeter", "1.1", greeterPort, "Hello again", jarUrl, sha256));
    repo.delete("apps/welcome");
    repo.commit("upgrade greeter, remove welcome");
    operator.requestReconcile(ns, "shop");

    await().atMost(OperatorHarness.WAIT).until(() -> {
      AppDeployment greeter = operator.app(ns, "greeter");
      return greeter.getStatus() != null && "1.1".equals(greeter.getStatus().getDeployedVersion())
          && greeter.getStatus().getPhase() == Phase.Running;
    });
    assertEquals("1.0", operator.app(ns, "greeter").getStatus().getPreviousVersion());
    assertTrue(get(greeterPort, "/").startsWith("Hello again from greeter"), get(greeterPort, "/"));
    await().atMost(OperatorHarness.WAIT).until(() -> operator.app(ns, "welcome") == null);
    await().atMost(OperatorHarness.WAIT).untilAsserted(() -> assertThrows(IOException.class, () -> get(welcomePort, "/")));
  }

  private String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
