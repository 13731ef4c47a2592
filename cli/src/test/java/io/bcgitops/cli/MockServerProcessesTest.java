package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as processes against Fabric8's mock API server (CRUD mode, the CRDs registered),
 * which also answers pod logs as the test sets them; and what needs no cluster (help, errors).
 */
@EnableKubernetesMockClient(crud = true)
class MockServerProcessesTest extends CommandProcessesContract {
  static KubernetesMockServer server;
  static KubernetesClient client;
  @TempDir
  static Path dir;
  static CliProcess cli;

  @BeforeAll
  static void start() throws java.io.IOException {
    OperatorHarness.registerCrds(client);
    cli = CliProcess.in(dir).against(client.getConfiguration().getMasterUrl(), "default");
  }

  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  CliProcess cli() {
    return cli;
  }

  private static void log(String namespace, String pod, String query, String text) {
    server.expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/log?" + query)
        .andReturn(200, text).always();
  }

  @Test
  void logsPrintsThePodsLogAndFollowsItUntilCtrlC() throws Exception {
    String ns = recorded("p-logs");
    log(ns, "web-69bf6d4b85-wnf2d", "container=app", "listening on 8080\nGET / 200\n");
    log(ns, "web-69bf6d4b85-wnf2d", "container=app&follow=true", "listening on 8080\n");
    log(ns, "web-2", "container=app&follow=true", "1.2.0 listening on 8080\n");

    assertEquals(new CliProcess.Result(0, "==> pod/web-69bf6d4b85-wnf2d <==\nlistening on 8080\nGET / 200\n", ""),
        cli.run("logs", "web", "-n", ns));

    CliProcess.Started follow = cli.start("logs", "web", "-f", "-n", ns);
    follow.awaitOut("==> pod/web-69bf6d4b85-wnf2d <==\nlistening on 8080\n");
    // Live: a rollout's new pod, printed as it starts.
    Pod next = RealCluster.item("pods-vm-app.json", Pod.class, "web-69bf6d4b85-wnf2d");
    next.getMetadata().setName("web-2");
    ClusterCommandsTest.create(client, next, ns);
    follow.awaitOut("==> pod/web-2 <==\n1.2.0 listening on 8080\n");
    assertTrue(follow.process().isAlive(), "-f runs until stopped");

    assertEquals(130, follow.stop("INT"));
    assertEquals("", follow.err());
  }

  /** "bcgitops logs -f web | head -2": once head is gone, the next line ends the command. */
  @Test
  void logsFollowEndsWhenItsOutputIsClosed() throws Exception {
    String ns = recorded("p-logs-pipe");
    log(ns, "web-69bf6d4b85-wnf2d", "container=app&follow=true", "listening on 8080\n");
    log(ns, "web-3", "container=app&follow=true", "1.2.0 listening on 8080\n");

    Process follow = cli.startPiped("logs", "web", "-f", "-n", ns);
    BufferedReader head = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8));
    assertEquals(List.of("==> pod/web-69bf6d4b85-wnf2d <==", "listening on 8080"),
        List.of(head.readLine(), head.readLine()));
    head.close();
    Pod next = RealCluster.item("pods-vm-app.json", Pod.class, "web-69bf6d4b85-wnf2d");
    next.getMetadata().setName("web-3");
    ClusterCommandsTest.create(client, next, ns);

    assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "logs -f ends once its output is closed");
    assertEquals(141, follow.exitValue());
  }

  @Test
  void helpUnknownCommandsAndTheKubectlPluginNeedNoCluster() throws Exception {
    List<CliProcess.Result> runs = cli.runAll(List.of(List.of("--help"), List.of("logs", "--help"),
        List.of("frobnicate")));
    CliProcess.Result help = runs.get(0);
    assertEquals(0, help.code());
    assertTrue(help.out().startsWith("usage: bcgitops <command> [args]"), help.out());
    assertContains(help.out(), "  logs <app> [-f] [--tail N] [--since 5m]", "exit: 0 done, 1 ");

    CliProcess.Result logsHelp = runs.get(1);
    assertEquals(0, logsHelp.code());
    assertContains(logsHelp.out(), "usage: logs <app> [-f]", "-f, --follow", "141 the output was closed");

    CliProcess.Result unknown = runs.get(2);
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("unknown command 'frobnicate'\nusage: bcgitops <command>"), unknown.err());

    // kubectl runs the plugin from the PATH: "kubectl bcgitops".
    CliProcess.Result plugin = cli.withBinOnPath().run(List.of("kubectl", "bcgitops", "version", "--client"));
    assertEquals(new CliProcess.Result(0, "client: bc-gitops-operator " + Main.version() + "\n", ""), plugin);
  }
}
