package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.controller.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kubectl-bcgitops, the launcher kubectl runs as "kubectl bcgitops", run by bash as kubectl
 * would: how it finds the jar, and the cluster KUBECONFIG names.
 */
@EnableKubernetesMockClient(crud = true)
class LauncherScriptTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  @TempDir
  static Path dir;
  static CliProcess cli;

  @BeforeAll
  static void crds() throws java.io.IOException {
    OperatorHarness.registerCrds(client);
    cli = CliProcess.in(dir);
  }

  @Test
  void helpAndExitCodesThroughTheLauncher() throws Exception {
    CliProcess.Result help = cli.run();
    assertEquals(0, help.code(), help::toString);
    assertTrue(help.out().startsWith("usage: bcgitops <command>"), help.out());

    CliProcess.Result getHelp = cli.run("get", "--help");
    assertEquals(0, getHelp.code());
    assertTrue(getHelp.out().startsWith("usage: get [<source>]"), getHelp.out());

    CliProcess.Result wrong = cli.run("get", "--colour");
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().startsWith("get: unknown option --colour\n"), wrong.err());

    CliProcess.Result noJar = cli.with(Map.of("BCGITOPS_JAR", dir.resolve("nope.jar").toString())).run();
    assertEquals(1, noJar.code());
    assertTrue(noJar.err().startsWith("bcgitops: cannot find bc-gitops-operator.jar: BCGITOPS_JAR=" + dir.resolve("nope.jar")
        + " is not a file;"), noJar.err());
  }

  /** KUBECONFIG as kubectl reads it: the current context's cluster and namespace. */
  @Test
  void getThroughTheLauncherUsesKubeconfig() throws Exception {
    ClusterCommandsTest.recorded(client, "launcher");
    CliProcess mock = cli.against(client.getConfiguration().getMasterUrl(), "launcher");

    CliProcess.Result get = mock.run("get");
    assertEquals(0, get.code(), get::toString);
    assertTrue(get.out().startsWith("gitopssource/examples  revision main@1800da0  Ready  3/3 apps ready\n"), get.out());
    assertEquals("", get.err()); // no log line of the client library

    CliProcess.Result elsewhere = mock.run("get", "--context", "elsewhere");
    assertEquals(new CliProcess.Result(0, "no GitOpsSource nor AppDeployment in namespace nothing\n", ""), elsewhere);
  }
}
