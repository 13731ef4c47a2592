package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Health;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.testing.Ports;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code local} command as a user runs it, in a process of its own: a repository of three apps
 * (two embedded, one of them depending on the other, and one vm) becomes apps answering on their
 * ports; a commit that upgrades one and removes another is applied, one that breaks a spec is
 * reported and changes nothing; SIGTERM (what Ctrl-C sends
 * through a shell is SIGINT, handled the same way by the JVM) stops every app and leaves no process.
 */
class LocalModeEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Path REPOSITORY = Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"),
      "repository");

  @TempDir
  Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process local;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (local != null && local.isAlive()) {
      local.descendants().forEach(ProcessHandle::destroyForcibly);
      local.destroyForcibly();
    }
  }

  @Test
  void appsFromARepositoryRunHereFollowCommitsAndStopWithTheCommand() throws Exception {
    int greeterPort = Ports.free();
    int clockPort = Ports.free();
    int webPort = Ports.free();
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/greeter/app.yaml", app("greeter", "1.0.0", "embedded", greeterPort, ""));
    repo.write("apps/clock/app.yaml", app("clock", "1.0.0", "embedded", clockPort, "dependsOn: [greeter]\n"));
    repo.write("apps/web/app.yaml", app("web", "1.0.0", "vm", webPort,
        "vmConfig:\n  memoryLimit: 256Mi\n  schedulerLimit: 1\n"));
    repo.commit("three apps");

    Path state = tmp.resolve("state");
    Path console = tmp.resolve("console.txt");
    local = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.bcgitops.cli.Main", "local", repo.dir().toString(),
        "--state-dir", state.toString(), "--interval", "1s", "--maven-repository", REPOSITORY.toString())
        .redirectErrorStream(true).redirectOutput(console.toFile()).start();
    await().atMost(WAIT).until(() -> Files.exists(state.resolve("kubeconfig")) || !local.isAlive());
    assertTrue(local.isAlive(), "local exited: " + read(console));
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(state.resolve("kubeconfig")))).build();

    await().atMost(WAIT).until(() -> allRunningAndHealthy(List.of("greeter", "clock", "web")));
    assertEquals("Hello from greeter 1.0.0", get(greeterPort));
    assertEquals("Hello from clock 1.0.0", get(clockPort));
    assertEquals("Hello from web 1.0.0", get(webPort));
    await().atMost(WAIT).until(() -> read(console).lines().anyMatch(l -> l.matches("\\s+web\\s+1\\.0\\.0\\s+vm\\s+Running"
        + "\\s+healthy.*")));
    GitOpsSource source = client.resources(GitOpsSource.class).inNamespace("default").withName("repo").get();
    assertEquals(3, source.getStatus().getReadyCount());
    assertTrue(Files.readString(logNamedByTheApi("web")).contains("hello listening on :" + webPort),
        "kubectl logs names the file the vm app writes to");
    // The banner's dashboard URL: its token (in the fragment, which a browser never sends) opens the dashboard.
    Matcher dashboard = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+)/#token="
        + "([0-9a-f]{64})").matcher(read(console));
    assertTrue(dashboard.find(), read(console));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> overview = http.send(HttpRequest.newBuilder(
            URI.create(dashboard.group(1) + "/api/overview")).header("Authorization", "Bearer "
            + dashboard.group(2)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, overview.statusCode(), overview.body());
    assertTrue(overview.body().contains("\"name\":\"web\"") && overview.body().contains("\"name\":\"repo\""),
        overview.body());
    assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1)
        + "/api/overview")).header("Authorization", "Bearer " + "0".repeat(64)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    repo.write("apps/greeter/app.yaml", app("greeter", "1.1.0", "embedded", greeterPort, ""));
    repo.delete("apps/clock");
    repo.commit("upgrade greeter, remove clock");

    await().atMost(WAIT).ignoreExceptions().until(() -> get(greeterPort).equals("Hello from greeter 1.1.0"));
    await().atMost(WAIT).until(() -> app("clock") == null);
    await().atMost(WAIT).untilAsserted(() -> assertThrows(IOException.class, () -> get(clockPort)));
    await().atMost(WAIT).until(() -> "1.1.0".equals(app("greeter").getStatus().getDeployedVersion()));
    assertEquals("1.0.0", app("greeter").getStatus().getPreviousVersion());
    assertEquals(Phase.Running, app("greeter").getStatus().getPhase());

    repo.write("apps/web/app.yaml", app("web", "1.0.0", "vm", webPort, "vmConfig:\n  memoryLimit: lots\n"));
    repo.commit("break web's spec");
    await().atMost(WAIT).until(() -> {
      GitOpsSource broken = client.resources(GitOpsSource.class).inNamespace("default").withName("repo").get();
      return broken.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
          && "InvalidAppSpecs".equals(c.getReason()) && c.getMessage().contains("apps/web/app.yaml"));
    });
    assertEquals("Hello from web 1.0.0", get(webPort), "the app whose spec broke keeps running");
    assertEquals("Hello from greeter 1.1.0", get(greeterPort));

    List<ProcessHandle> children = local.descendants().toList();
    assertFalse(children.isEmpty(), "the vm app runs as a child process");
    local.destroy();
    assertTrue(local.waitFor(60, TimeUnit.SECONDS), "local stops on SIGTERM");
    for (ProcessHandle child : children) {
      assertTrue(child.onExit().isDone() || !child.isAlive(), "no process outlives local: " + child.info());
    }
    assertThrows(IOException.class, () -> get(webPort));
    assertThrows(IOException.class, () -> get(greeterPort));
    assertTrue(read(console).contains("stopped; no app is left running"), read(console));
  }

  private static String app(String name, String version, String isolation, int port, String extra) {
    return "name: " + name + "\nversion: \"" + version + "\"\nisolation: " + isolation + "\n"
        + "source:\n  type: maven\n  coordinates: io.bcgitops.examples:hello\n"
        + "env:\n  PORT: \"" + port + "\"\n  APP_NAME: " + name + "\n"
        + "health:\n  type: http\n  port: " + port + "\n  path: /health\n  interval: 1s\n" + extra;
  }

  /** The file a request for the log of a vm app's pod (what kubectl logs asks) is answered with. */
  private Path logNamedByTheApi(String app) {
    String pod = client.pods().inNamespace("default").withLabel(Api.APP_LABEL, app).list().getItems().get(0)
        .getMetadata().getName();
    KubernetesClientException notServed = assertThrows(KubernetesClientException.class,
        () -> client.pods().inNamespace("default").withName(pod).inContainer("app").getLog());
    assertEquals(404, notServed.getCode());
    String message = notServed.getStatus().getMessage();
    String writesTo = " writes to ";
    assertTrue(message.startsWith("kubectl logs is not served in local mode: ") && message.contains(writesTo),
        message);
    return Path.of(message.substring(message.indexOf(writesTo) + writesTo.length()));
  }

  private boolean allRunningAndHealthy(List<String> names) {
    return names.stream().map(this::app).allMatch(app -> app != null && app.getStatus() != null
        && app.getStatus().getPhase() == Phase.Running && app.getStatus().getHealth() == Health.healthy);
  }

  private AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace("default").withName(name).get();
  }

  private String get(int port) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
