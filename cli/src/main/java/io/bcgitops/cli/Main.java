package io.bcgitops.cli;

import io.bcgitops.fetch.FetchCommand;
import io.bcgitops.fetch.LoaderCommand;
import io.bcgitops.runtime.RuntimeHostCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.TreeMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Entry point of the jar and the image: one command per role (DESIGN.md section 7). Every command
 * answers {@code --help} and {@code -h} with its usage (exit 0); a wrong argument exits 2, a failed
 * check or a failure to start 1.
 */
public final class Main {
  private static final String USAGE = """
      usage: bcgitops <command> [args]   (java -jar bc-gitops-operator.jar, or kubectl bcgitops; <command> --help
             for its options)
      The daily loop, against the cluster of the current kubeconfig context (--context, -n, -A as kubectl):
        get [<source>] [-A] [-o yaml|json] [--watch]
                                 sources, their apps and what runs them, as a tree, with why anything is not Ready
        reconcile source <name> [--wait] [--timeout 2m]
                                 fetch and apply a source now; with --wait, print the revision applied and what
                                 changed
        suspend|resume (source|app) <name>
                                 stop or restart a source's (or a standalone app's) reconciliation
        diff <dir> --source <name>
                                 what applying this working copy would change: exit 1 on a difference (for CI)
        events [<name>]          the Kubernetes Events of sources, apps and pools, newest last
        logs <app> [-f] [--tail N] [--since 5m]
                                 a vm app's pod logs; an embedded app's lines from its runtime pool; -f follows
                                 them, and the pods a rollout starts
        version [--client]       this CLI's version and the operator's in the cluster
        completion bash|zsh      a shell completion script
      Repositories and the operator's own roles:
        operator                 run the operator (the image's default command); configured by BCGITOPS_
                                 environment variables
        validate <dir> [--path apps]
                                 lint a GitOps repository: one line per problem, exit 1 if any
        render <dir> [--path apps] [--source name]
                                 print, as YAML, the AppDeployments a GitOpsSource would create
        fetch --dest <file> (--url <url> | --maven <g:a:v> [--repository <url>]) [--sha256 <hex>] ...
                                 download and verify an app's jar (vm init container)
        runtime-host [--port 9090] [--dir /apps] [--bind 0.0.0.0] [--backoff 1s] ...
                                 run a runtime pool's app host (embedded apps); token digest in --token-sha256-file
        loader [--port 9091] [--dir /apps] [--bind 0.0.0.0] [--maven-repository <url>] [--timeout 5m] [--retries 3]
                                 serve a runtime pool's jar loader (embedded sidecar); token in --token-file
        local <repo-url-or-dir> [--path apps] [--interval 10s] [--state-dir .bcgitops-local] ...
                                 the whole GitOps loop on this machine, no cluster: apps run here, kubectl works
                                 through .bcgitops-local/kubeconfig
        help [<command>]         this help, or a command's
        --version                the version of this jar
      exit: 0 done, 1 a check failed or the command could not run (diff: a difference), 2 wrong arguments;
            get --watch and logs -f run until Ctrl-C (130), logs also ends when its output is closed (141)
      """;

  /**
   * What runs a command: its arguments after the command's name, where the cluster commands find
   * the cluster, and the process's output streams.
   */
  @FunctionalInterface
  private interface Runner {
    int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err) throws Exception;
  }

  /** A command: its usage (printed for --help) and what runs it. */
  private record Command(String usage, Runner runner) {
  }

  private static final Map<String, Command> COMMANDS = commands();
  /** The commands that talk to a cluster as a user's client (not the operator's roles). */
  private static final Set<String> CLUSTER_COMMANDS =
      Set.of("get", "reconcile", "suspend", "resume", "diff", "events", "logs", "version");
  private static final Set<String> HELP_OPTIONS = Set.of("--help", "-h");
  private static final Set<String> HELP = Set.of("help", "--help", "-h");
  private static final Set<String> HELP_COMMAND = Set.of("help");

  private Main() {
  }

  private static Map<String, Command> commands() {
    Map<String, Command> commands = new TreeMap<>();
    commands.put("get", new Command(GetCommand.USAGE, GetCommand::run));
    commands.put("reconcile", new Command(ReconcileCommand.USAGE, ReconcileCommand::run));
    commands.put("suspend", new Command(SuspendCommand.SUSPEND_USAGE, SuspendCommand::suspend));
    commands.put("resume", new Command(SuspendCommand.RESUME_USAGE, SuspendCommand::resume));
    commands.put("diff", new Command(DiffCommand.USAGE, DiffCommand::run));
    commands.put("events", new Command(EventsCommand.USAGE, EventsCommand::run));
    commands.put("logs", new Command(LogsCommand.USAGE, LogsCommand::run));
    commands.put("version", new Command(VersionCommand.USAGE, VersionCommand::run));
    commands.put("completion", new Command(CompletionCommand.USAGE,
        (args, kubeconfigs, out, err) -> CompletionCommand.run(args,
            java.util.stream.Stream.concat(commands.keySet().stream(), HELP_COMMAND.stream()).toList(), out, err)));
    commands.put("operator", new Command(OperatorCommand.USAGE,
        (args, kubeconfigs, out, err) -> OperatorCommand.run(args, System.getenv(), err)));
    commands.put("validate", new Command(RepositoryCommands.VALIDATE_USAGE,
        (args, kubeconfigs, out, err) -> RepositoryCommands.validate(args, out, err)));
    commands.put("render", new Command(RepositoryCommands.RENDER_USAGE,
        (args, kubeconfigs, out, err) -> RepositoryCommands.render(args, out, err)));
    commands.put("fetch", new Command(FetchCommand.USAGE,
        (args, kubeconfigs, out, err) -> FetchCommand.run(args, System.getenv(), out, err)));
    commands.put("runtime-host", new Command(RuntimeHostCommand.USAGE,
        (args, kubeconfigs, out, err) -> RuntimeHostCommand.run(args, System.getenv(), out, err)));
    commands.put("loader", new Command(LoaderCommand.USAGE,
        (args, kubeconfigs, out, err) -> LoaderCommand.run(args, System.getenv(), out, err)));
    commands.put("local", new Command(LocalCommand.USAGE,
        (args, kubeconfigs, out, err) -> LocalCommand.run(args, System.getenv(), out, err)));
    return Collections.unmodifiableMap(commands);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && CLUSTER_COMMANDS.contains(args[0])) {
      // Their output is what they print: the client library's warnings would mix into it (and into -o json).
      Logging.off();
    }
    System.exit(run(args, Kubeconfigs.DEFAULT, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return run(args, Kubeconfigs.DEFAULT, out, err);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with the cluster commands' kubeconfig from {@code kubeconfigs}. */
  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err) throws Exception {
    // No arguments at all: the jar explains itself (the image's CMD names the operator command).
    String name = args.length == 0 ? "help" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    if (HELP.contains(name)) {
      return help(rest, out, err);
    }
    if (name.equals("--version")) {
      out.println("bc-gitops-operator " + version());
      return 0;
    }
    Command command = COMMANDS.get(name);
    if (command == null) {
      err.println("unknown command '" + name + "'");
      err.print(USAGE);
      return 2;
    }
    // Wherever it is: "validate . --help" asks for help as much as "validate --help" does.
    if (Arrays.stream(rest).anyMatch(HELP_OPTIONS::contains)) {
      out.print(command.usage());
      return 0;
    }
    return command.runner().run(rest, kubeconfigs, out, err);
  }

  private static int help(String[] topics, PrintStream out, PrintStream err) {
    if (topics.length == 0) {
      out.print(USAGE);
      return 0;
    }
    Command command = topics.length == 1 ? COMMANDS.get(topics[0]) : null;
    if (command == null) {
      err.println("help: no command '" + String.join(" ", topics) + "'; the commands: "
          + String.join(", ", COMMANDS.keySet().stream().sorted().toList()));
      return 2;
    }
    out.print(command.usage());
    return 0;
  }

  /** The Maven project's version this jar was built from (the build writes it into version.properties). */
  static String version() {
    Properties properties = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is not on the class path: the build writes it");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}
