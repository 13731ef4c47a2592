package io.bcgitops.cli;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.controller.DesiredAppDeployments;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.ParsedApp;
import io.bcgitops.spec.PathNotFoundException;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.RepositoryTooLargeException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** validate and render: what a GitOps repository on disk asks for, without a cluster. */
final class RepositoryCommands {
  static final String VALIDATE_USAGE = """
      usage: validate <dir> [--path apps]
        <dir>    the GitOps repository's folder (a checkout; no git needed)
        --path   the apps folder in it, one folder per app (default apps)
      Prints one line per problem (file and field), or how many apps are valid.
      exit: 0 every app valid, 1 a problem (or no such path in the repository), 2 wrong arguments
      """;
  static final String RENDER_USAGE = """
      usage: render <dir> [--path apps] [--source name]
        <dir>     the GitOps repository's folder (a checkout; no git needed)
        --path    the apps folder in it, one folder per app (default apps)
        --source  the GitOpsSource's name, in the AppDeployments' bcgitops.io/source label (default local)
      Prints, as YAML, the AppDeployments the source would create; problems go to stderr.
      exit: 0 every app valid, 1 a problem (or no such path in the repository), 2 wrong arguments
      """;

  private RepositoryCommands() {
  }

  static int validate(String[] args, PrintStream out, PrintStream err) {
    DesiredState state;
    try {
      state = scan("validate", parse("validate", args, Set.of("--path"), VALIDATE_USAGE));
    } catch (CommandFailure e) {
      err.println(e.getMessage());
      return e.exitCode();
    }
    state.problems().forEach(out::println);
    if (!state.invalid().isEmpty()) {
      return 1;
    }
    out.println(state.apps().size() + (state.apps().size() == 1 ? " app valid" : " apps valid"));
    return 0;
  }

  static int render(String[] args, PrintStream out, PrintStream err) {
    DesiredState state;
    CommandLine line;
    try {
      line = parse("render", args, Set.of("--path", "--source"), RENDER_USAGE);
      state = scan("render", line);
    } catch (CommandFailure e) {
      err.println(e.getMessage());
      return e.exitCode();
    }
    KubernetesSerialization yaml = new KubernetesSerialization();
    for (ParsedApp app : state.apps()) {
      AppDeployment deployment = DesiredAppDeployments.of(app, line.text("--source", "local"));
      out.print(yaml.asYaml(deployment));
    }
    state.problems().forEach(err::println);
    return state.invalid().isEmpty() ? 0 : 1;
  }

  /** The arguments: one folder and the options; a usage error (exit 2) says what is wrong, then the usage. */
  private static CommandLine parse(String command, String[] args, Set<String> options, String usage)
      throws CommandFailure {
    CommandLine line;
    try {
      // The folder is positional; a repeated option's last value counts, as it always has.
      line = CommandLine.parse(args, options, CommandLine.Allow.POSITIONAL, CommandLine.Allow.REPEATS);
    } catch (CommandLine.UsageException e) {
      throw new CommandFailure(2, command + ": " + e.getMessage() + "\n" + usage.stripTrailing());
    }
    if (line.positional().size() != 1) {
      throw new CommandFailure(2, command + ": give one argument, the repository's folder"
          + (line.positional().isEmpty() ? "" : "; got " + line.positional()) + "\n" + usage.stripTrailing());
    }
    return line;
  }

  private static DesiredState scan(String command, CommandLine line) throws CommandFailure {
    try {
      return scan(Path.of(line.positional().get(0)), line.text("--path", "apps"));
    } catch (CommandFailure e) {
      throw new CommandFailure(e.exitCode(), command + ": " + e.getMessage());
    }
  }

  /**
   * The desired state of the repository folder {@code root}, read as the operator reads it, within
   * its limits; a folder that is not there is a wrong argument (exit 2), a path not in it or a
   * limit passed exit 1.
   */
  static DesiredState scan(Path root, String path) throws CommandFailure {
    if (!Files.isDirectory(root)) {
      throw new CommandFailure(2, root + (Files.exists(root) ? " is not a folder" : " does not exist")
          + "; give the folder of a GitOps repository (the one holding " + path + "/)");
    }
    RepositoryLimits limits;
    try {
      // The operator's limits, from the same variables: validate fails where the operator would.
      limits = RepositoryLimits.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(2, e.getMessage());
    }
    try {
      return new GitOpsRepository().scan(root, path, limits);
    } catch (PathNotFoundException | RepositoryTooLargeException e) {
      throw new CommandFailure(1, e.getMessage());
    } catch (IOException e) {
      Object failed = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : root;
      throw new CommandFailure(1, "cannot read " + failed + " (" + FileErrors.describe(e) + ")");
    }
  }
}
