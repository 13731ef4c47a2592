package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.controller.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kubectl-bcgitops, the launcher kubectl runs as "kubectl bcgitops", run by bash as kubectl
 * would: on a jar (here one whose manifest names the test's class path, so that it runs the
 * classes just built), talking to the cluster KUBECONFIG names.
 */
@EnableKubernetesMockClient(crud = true)
class LauncherScriptTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  @TempDir
  static Path dir;
  static Path jar;

  record Result(int code, String out, String err) {
  }

  @BeforeAll
  static void jar() throws IOException {
    OperatorHarness.registerCrds(client);
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(
        System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
    jar = dir.resolve("bc-gitops-operator.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // The manifest is the whole jar.
    }
  }

  private static Result launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", Path.of("bin/kubectl-bcgitops").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher did not end");
    return new Result(process.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
  }

  @Test
  void helpAndExitCodesThroughTheLauncher() throws Exception {
    Map<String, String> env = Map.of("BCGITOPS_JAR", jar.toString());
    Result help = launch(env);
    assertEquals(0, help.code(), help::toString);
    assertTrue(help.out().startsWith("usage: bcgitops <command>"), help.out());

    Result getHelp = launch(env, "get", "--help");
    assertEquals(0, getHelp.code());
    assertTrue(getHelp.out().startsWith("usage: get [<source>]"), getHelp.out());

    Result wrong = launch(env, "get", "--colour");
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().startsWith("get: unknown option --colour\n"), wrong.err());

    Result noJar = launch(Map.of("BCGITOPS_JAR", dir.resolve("nope.jar").toString()));
    assertEquals(1, noJar.code());
    assertTrue(noJar.err().startsWith("bcgitops: cannot find bc-gitops-operator.jar: BCGITOPS_JAR=" + dir.resolve("nope.jar")
        + " is not a file;"), noJar.err());
  }

  /** KUBECONFIG as kubectl reads it: the current context's cluster and namespace. */
  @Test
  void getThroughTheLauncherUsesKubeconfig() throws Exception {
    ClusterCommandsTest.recorded(client, "launcher");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: me
          user: {token: not-a-secret}
        contexts:
        - name: mock
          context: {cluster: mock, user: me, namespace: launcher}
        - name: elsewhere
          context: {cluster: mock, user: me, namespace: nothing}
        current-context: mock
        """.formatted(client.getConfiguration().getMasterUrl()), StandardCharsets.UTF_8);
    Map<String, String> env = Map.of("BCGITOPS_JAR", jar.toString(), "KUBECONFIG", kubeconfig.toString());

    Result get = launch(env, "get");
    assertEquals(0, get.code(), get::toString);
    assertTrue(get.out().startsWith("gitopssource/examples  revision main@1800da0  Ready  3/3 apps ready\n"), get.out());
    assertEquals("", get.err()); // no log line of the client library

    Result elsewhere = launch(env, "get", "--context", "elsewhere");
    assertEquals(new Result(0, "no GitOpsSource nor AppDeployment in namespace nothing\n", ""), elsewhere);
  }
}
