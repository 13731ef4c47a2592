package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The command line as a user runs it: bin/kubectl-bcgitops (the launcher that kubectl runs as
 * "kubectl bcgitops", and that bin/bcgitops links to), as a process of its own, on a jar whose
 * manifest names the test's class path (so that it runs the classes just built), with the
 * environment given (KUBECONFIG). What it printed is read from files, as a terminal would show it.
 */
final class CliProcess {
  static final Path BIN = Path.of("bin").toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Path dir;
  private final Map<String, String> env;

  /** What a run printed, and its exit code. */
  record Result(int code, String out, String err) {
  }

  private CliProcess(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = Map.copyOf(env);
  }

  /** Processes that keep their output in {@code dir}. */
  static CliProcess in(Path dir) {
    return new CliProcess(dir, Map.of("BCGITOPS_JAR", jar().toString(), "JAVA_HOME", System.getProperty("java.home")));
  }

  /** The same, with these environment variables too. */
  CliProcess with(Map<String, String> more) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(more);
    return new CliProcess(dir, all);
  }

  /** With KUBECONFIG naming a kubeconfig whose current context is the API server at {@code server}. */
  CliProcess against(String server, String namespace) {
    Path kubeconfig = dir.resolve("kubeconfig-" + RUNS.incrementAndGet());
    write(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: me
          user: {token: not-a-secret}
        contexts:
        - name: test
          context: {cluster: test, user: me, namespace: %s}
        - name: elsewhere
          context: {cluster: test, user: me, namespace: nothing}
        current-context: test
        """.formatted(server, namespace));
    return with(Map.of("KUBECONFIG", kubeconfig.toString()));
  }

  /** Runs the launcher with these arguments until it ends. */
  Result run(String... args) throws IOException, InterruptedException {
    return run(launcher(args));
  }

  /** Runs this command (a launcher's, or kubectl's) in this environment until it ends. */
  Result run(List<String> command) throws IOException, InterruptedException {
    return start(command).result();
  }

  /**
   * Runs the launcher once for each of these argument lists, all at once (their JVMs start in parallel: most
   * of a command's time is its JVM's start), and returns their results in the same order.
   */
  List<Result> runAll(List<List<String>> argumentLists) throws IOException, InterruptedException {
    List<Started> started = new ArrayList<>();
    for (List<String> args : argumentLists) {
      started.add(start(launcher(args.toArray(String[]::new))));
    }
    List<Result> results = new ArrayList<>();
    for (Started one : started) {
      results.add(one.result());
    }
    return results;
  }

  /** Starts the launcher with these arguments. */
  Started start(String... args) throws IOException {
    return start(launcher(args));
  }

  private Started start(List<String> command) throws IOException {
    int run = RUNS.incrementAndGet();
    Path out = dir.resolve("out-" + run);
    Path err = dir.resolve("err-" + run);
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("KUBE") || name.startsWith("BCGITOPS_"));
    builder.environment().putAll(env);
    return new Started(builder.start(), out, err);
  }

  /** Starts the launcher with its output to a pipe this test reads (and may close), stderr to a file. */
  Process startPiped(String... args) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(launcher(args))
        .redirectError(dir.resolve("err-" + RUNS.incrementAndGet()).toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("KUBE") || name.startsWith("BCGITOPS_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The PATH with bin/ first: kubectl finds the plugin and its completion there. */
  CliProcess withBinOnPath() {
    return with(Map.of("PATH", BIN + File.pathSeparator + System.getenv("PATH")));
  }

  private static List<String> launcher(String... args) {
    List<String> command = new ArrayList<>(List.of("bash", BIN.resolve("kubectl-bcgitops").toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** A running command; its output so far. */
  record Started(Process process, Path outFile, Path errFile) {
    String out() {
      return read(outFile);
    }

    String err() {
      return read(errFile);
    }

    /** Waits for the end, and what it printed. */
    Result result() throws InterruptedException {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(process.info().commandLine().orElse("a command") + " did not end: " + err());
      }
      return new Result(process.exitValue(), out(), err());
    }

    void awaitOut(String text) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out().contains(text) || !process.isAlive());
      assertTrue(out().contains(text), () -> "expected '" + text + "' in:\n" + out() + "\nstderr:\n" + err());
    }

    /** Sends the process a signal (INT as Ctrl-C does, TERM as kill does) and waits for its exit code. */
    int stop(String signal) throws IOException, InterruptedException {
      new ProcessBuilder("kill", "-s", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
      assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the command did not stop on SIG" + signal);
      return process.exitValue();
    }
  }

  private static Path jar;

  /** A jar of nothing but a manifest naming Main and the test's class path, made once per test JVM. */
  private static synchronized Path jar() {
    if (jar == null) {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(
          System.getProperty("java.class.path").split(File.pathSeparator))
          .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
      try {
        Path made = Files.createTempFile("bc-gitops-operator", ".jar");
        made.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(made); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
          // The manifest is the whole jar.
        }
        jar = made;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return jar;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
