package io.bcgitops.cli;

import io.bcgitops.fetch.FetchCommand;
import io.bcgitops.fetch.LoaderCommand;
import io.bcgitops.runtime.RuntimeHostCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/** Entry point of the jar and the image: one command per role (DESIGN.md section 7). */
public final class Main {
  private static final String USAGE = """
      usage: java -jar bc-gitops-operator.jar [command] [args]
        operator                 run the operator (default); configured by BCGITOPS_ environment variables
        validate <dir> [--path apps]
                                 lint a GitOps repository: one line per problem, exit 1 if any
        render <dir> [--path apps] [--source name]
                                 print, as YAML, the AppDeployments a GitOpsSource would create
        fetch --dest <file> (--url <url> | --maven <g:a:v> [--repository <url>]) [--sha256 <hex>] ...
                                 download and verify an app's jar (vm init container); fetch --help for all options
        runtime-host [--port 9090] [--dir /apps] [--bind 0.0.0.0] [--backoff 1s] ...
                                 run a runtime pool's app host (embedded apps); token in BCGITOPS_RUNTIME_TOKEN;
                                 runtime-host --help for all options
        loader [--port 9091] [--dir /apps] [--bind 0.0.0.0] [--maven-repository <url>] [--timeout 30s] [--retries 3]
                                 serve a runtime pool's jar loader (embedded sidecar); token in BCGITOPS_RUNTIME_TOKEN
        local <repo-url-or-dir> [--path apps] [--interval 10s] [--state-dir .bcgitops-local] ...
                                 the whole GitOps loop on this machine, no cluster: apps run here, kubectl works
                                 through .bcgitops-local/kubeconfig; local --help for all options
      """;

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Logging.configure(System.getenv());
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String command = args.length == 0 ? "operator" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    return switch (command) {
      case "operator" -> OperatorCommand.run(System.getenv());
      case "validate" -> {
        CommandLine line = parse(rest, Set.of("--path"), err);
        yield line == null ? 2 : RepositoryCommands.validate(line, out, err);
      }
      case "render" -> {
        CommandLine line = parse(rest, Set.of("--path", "--source"), err);
        yield line == null ? 2 : RepositoryCommands.render(line, out, err);
      }
      case "fetch" -> FetchCommand.run(rest, out, err);
      case "runtime-host" -> RuntimeHostCommand.run(rest, System.getenv(), out, err);
      case "loader" -> LoaderCommand.run(rest, System.getenv(), out, err);
      case "local" -> LocalCommand.run(rest, System.getenv(), out, err);
      case "help", "--help", "-h" -> {
        out.print(USAGE);
        yield 0;
      }
      default -> {
        err.println("unknown command '" + command + "'");
        err.print(USAGE);
        yield 2;
      }
    };
  }

  /** The command's arguments; null, after printing what is wrong and the usage, when they are not usable. */
  private static CommandLine parse(String[] args, Set<String> options, PrintStream err) {
    try {
      // The repository folder is positional; a repeated option's last value counts, as it always has.
      return CommandLine.parse(args, options, CommandLine.Allow.POSITIONAL, CommandLine.Allow.REPEATS);
    } catch (CommandLine.UsageException e) {
      // With one or two options, naming them all is the quickest help.
      err.println(e.problem() == CommandLine.Problem.UNKNOWN_OPTION ? e.getMessage() + "; known: " + options
          : e.getMessage());
      err.print(USAGE);
      return null;
    }
  }
}
