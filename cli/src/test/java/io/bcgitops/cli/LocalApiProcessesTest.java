package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bcgitops.local.LocalApiServer;
import io.bcgitops.local.StateFolder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as processes against local mode's API (TLS, a token, the kubeconfig it writes), as a
 * user of `bcgitops local` runs them; and completion of the kubectl plugin, through the real kubectl.
 */
class LocalApiProcessesTest extends CommandProcessesContract {
  @TempDir
  static Path dir;
  static StateFolder state;
  static LocalApiServer api;
  static CliProcess cli;

  @BeforeAll
  static void start() throws IOException {
    state = StateFolder.open(dir.resolve("state"));
    api = LocalApiServer.start(0, state);
    cli = CliProcess.in(dir).with(Map.of("KUBECONFIG", api.writeKubeconfig(dir.resolve("kubeconfig")).toString()));
  }

  @AfterAll
  static void stop() throws IOException {
    api.close();
    state.close();
  }

  @Override
  KubernetesClient client() {
    return api.client();
  }

  @Override
  CliProcess cli() {
    return cli;
  }

  /** Local mode serves no pod log: the API's answer, which says where the log is, is the one line. */
  @Test
  void logsSaysWhatLocalModeSaysOfTheLog() throws Exception {
    String ns = recorded("p-logs");
    String said = "logs: cannot read the log of container app of pod/web-69bf6d4b85-wnf2d: kubectl logs is not served"
        + " in local mode: no process of this machine runs pod \"web-69bf6d4b85-wnf2d\", so it has no log\n";

    assertEquals(new CliProcess.Result(1, "", said), cli.run("logs", "web", "-n", ns));
    assertEquals(new CliProcess.Result(1, "", said), cli.run("logs", "web", "-f", "-n", ns));
  }

  /**
   * "kubectl bcgitops <TAB>": kubectl 1.26+ asks bin/kubectl_complete-bcgitops, which must answer what
   * "bcgitops completion bash" answers for the same words: verbs, kinds, -o values, and names read with
   * kubectl from the namespace the words name.
   */
  @Test
  void theKubectlPluginCompletesAsTheBashCompletionDoes() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not on PATH");
    String ns = recorded("p-complete");
    CliProcess withPlugin = cli.withBinOnPath();
    Path bash = dir.resolve("completion.bash");
    Files.writeString(bash, cli.run("completion", "bash").out());

    Map<List<String>, List<String>> expected = Map.of(
        List.of("re"), List.of("reconcile", "render", "resume"),
        List.of("suspend", ""), List.of("source", "app"),
        List.of("get", "-o", ""), List.of("yaml", "json"),
        List.of("suspend", "source", "-n", ns, ""), List.of("examples"),
        List.of("logs", "-n", ns, "g"), List.of("greeter"));
    for (var words : expected.entrySet()) {
      List<String> kubectl = new ArrayList<>(List.of("kubectl", "__complete", "bcgitops"));
      kubectl.addAll(words.getKey());
      CliProcess.Result plugin = withPlugin.run(kubectl);
      assertEquals(0, plugin.code(), plugin::toString);
      // The candidates, then cobra's directive: 0, the shell's own completion when there is none.
      assertEquals(withDirective(words.getValue()), plugin.out().lines().toList(), String.join(" ", words.getKey()));
      assertEquals(words.getValue(), bashCandidates(withPlugin, bash, words.getKey()), String.join(" ", words.getKey()));
    }
  }

  private static List<String> withDirective(List<String> candidates) {
    List<String> lines = new ArrayList<>(candidates);
    lines.add(":0");
    return lines;
  }

  /** What the completion function of "bcgitops completion bash" offers for these words after "bcgitops". */
  private static List<String> bashCandidates(CliProcess cli, Path script, List<String> words) throws Exception {
    String array = String.join(" ", words.stream().map(word -> "'" + word + "'").toList());
    CliProcess.Result result = cli.run(List.of("bash", "-c", "source " + script + "; COMP_WORDS=(bcgitops " + array
        + "); COMP_CWORD=" + words.size() + "; _bcgitops; printf '%s\\n' \"${COMPREPLY[@]}\""));
    assertEquals(0, result.code(), result::toString);
    return result.out().lines().filter(line -> !line.isEmpty()).toList();
  }

  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(folder -> Files.isExecutable(Path.of(folder, program)));
  }
}
