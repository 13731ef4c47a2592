package io.bcgitops.cli;

import io.bcgitops.arguments.CommandLine;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;

/**
 * What every command that talks to the cluster does around its own work: reads its arguments
 * (a wrong one: exit 2, with the usage), connects, and turns a failure into one line on stderr
 * with its exit code, never a stack trace.
 */
final class ClusterVerb {
  /** A command's own work, once its arguments are read and the cluster is chosen; returns the exit code. */
  @FunctionalInterface
  interface Body {
    int run(CommandLine line, Cluster cluster) throws CommandFailure, InterruptedException;
  }

  /** Checks the positional arguments before connecting; throws IllegalArgumentException saying what is wrong. */
  @FunctionalInterface
  interface Arguments {
    void check(CommandLine line);
  }

  private ClusterVerb() {
  }

  static int run(String verb, String usage, CommandLine.Grammar grammar, Arguments arguments, String[] args,
      Kubeconfigs kubeconfigs, PrintStream err, Body body) throws InterruptedException {
    return run(verb, usage, grammar, arguments, args, kubeconfigs, err, 1, body);
  }

  /** As above; a failure exits {@code failureExit} (diff's 1 means a difference, so its failures exit 2). */
  static int run(String verb, String usage, CommandLine.Grammar grammar, Arguments arguments, String[] args,
      Kubeconfigs kubeconfigs, PrintStream err, int failureExit, Body body) throws InterruptedException {
    CommandLine line;
    try {
      line = CommandLine.parse(args, grammar, CommandLine.Allow.POSITIONAL);
      arguments.check(line);
    } catch (IllegalArgumentException e) {
      err.println(verb + ": " + e.getMessage());
      err.print(usage);
      return 2;
    }
    try (Cluster cluster = Cluster.connect(line, kubeconfigs)) {
      try {
        return body.run(line, cluster);
      } catch (KubernetesClientException e) {
        throw cluster.failure(e);
      }
    } catch (CommandFailure e) {
      err.println(verb + ": " + e.getMessage());
      return e.exitCode() == 1 ? failureExit : e.exitCode();
    }
  }

  /** For {@link Arguments}: exactly these many positional arguments, named for the message. */
  static Arguments positional(String... names) {
    return line -> {
      if (line.positional().size() != names.length) {
        throw new IllegalArgumentException("give " + (names.length == 0 ? "no argument"
            : String.join(" and ", names)) + (line.positional().isEmpty() ? "" : "; got " + line.positional()));
      }
    };
  }
}
