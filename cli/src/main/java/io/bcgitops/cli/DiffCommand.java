package io.bcgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.controller.DesiredAppDeployments;
import io.bcgitops.controller.JsonContent;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.ParsedApp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code diff} command: what the operator would change in the cluster if a GitOpsSource's
 * revision were this working copy. The folder is read and validated by the operator's own code,
 * and compared with the source's AppDeployments by the rules it applies and prunes by.
 */
final class DiffCommand {
  static final String USAGE = """
      usage: diff <dir> --source <name> [--path <path>] [-n <namespace>] [--context <name>]
        <dir>      the working copy of the source's repository (no git needed: the files as they are)
        --source   the GitOpsSource whose apps to compare with
        --path     the apps folder in <dir> (default: the source's spec.path)
      Prints one line per app added (+), changed (~, with each field: live -> git), removed (-) and per
      invalid spec (!, whose AppDeployment the operator leaves as it is).
      exit: 0 no difference, 1 a difference (or an invalid spec), 2 wrong arguments, an unreadable folder, no
      such source, or the cluster could not be read
      """;
  private static final String SOURCE = "--source";
  private static final String PATH = "--path";
  static final CommandLine.Grammar GRAMMAR = Cluster.grammar(Set.of(SOURCE, PATH), Set.of(), Map.of(),
      false);

  private DiffCommand() {
  }

  static int run(String[] args, Kubeconfigs kubeconfigs, PrintStream out, PrintStream err)
      throws InterruptedException {
    return ClusterVerb.run("diff", USAGE, GRAMMAR, line -> {
      ClusterVerb.positional("the working copy's folder").check(line);
      if (!line.has(SOURCE)) {
        throw new IllegalArgumentException("--source is required: the GitOpsSource to compare with");
      }
    }, args, kubeconfigs, err, 2, (line, cluster) -> {
      GitOpsSource source = cluster.source(line.text(SOURCE));
      String path = line.text(PATH, source.getSpec().getPath());
      DesiredState desired = RepositoryCommands.scan(Path.of(line.positional().get(0)), path);
      List<AppDeployment> inNamespace = cluster.client().resources(AppDeployment.class)
          .inNamespace(cluster.namespace()).list().getItems();
      List<String> lines = differences(source, desired, inNamespace);
      lines.forEach(out::println);
      if (lines.isEmpty()) {
        out.println("no difference: gitopssource/" + source.getMetadata().getName() + " has the "
            + desired.apps().size() + (desired.apps().size() == 1 ? " app" : " apps") + " of " + path + "/");
        return 0;
      }
      return 1;
    });
  }

  /** The lines of the diff; none when applying would change nothing. */
  static List<String> differences(GitOpsSource source, DesiredState desired, List<AppDeployment> inNamespace) {
    String name = source.getMetadata().getName();
    Map<String, AppDeployment> live = inNamespace.stream()
        .filter(app -> app.getMetadata().getLabels() != null
            && name.equals(app.getMetadata().getLabels().get(Api.SOURCE_LABEL)))
        .collect(Collectors.toMap(app -> app.getMetadata().getName(), Function.identity()));
    Set<String> others = inNamespace.stream().map(app -> app.getMetadata().getName())
        .filter(app -> !live.containsKey(app)).collect(Collectors.toSet());
    List<String> lines = new ArrayList<>();
    if (desired.apps().isEmpty() && !source.getSpec().isAllowEmpty()) {
      lines.add("! no valid app in the folder: the operator would change no AppDeployment and stall the source"
          + " (spec.allowEmpty is false)");
    } else {
      for (ParsedApp app : desired.apps()) {
        AppDeployment want = DesiredAppDeployments.of(app, name);
        AppDeployment have = live.get(app.name());
        if (have == null && others.contains(app.name())) {
          lines.add("! " + app.name() + ": an AppDeployment of that name exists and is not this source's; the"
              + " operator would not take it over (" + app.file() + ")");
        } else if (have == null) {
          lines.add("+ " + app.name() + "  version " + app.spec().getVersion() + ", " + app.spec().getIsolation()
              + ", from " + app.file());
        } else {
          List<String> fields = new ArrayList<>();
          fieldChanges("spec", JsonContent.normalized(have.getSpec()), JsonContent.normalized(want.getSpec()),
              fields);
          String fileWas = DesiredAppDeployments.specFile(have);
          if (!Objects.equals(fileWas, app.file())) {
            fields.add("spec file: " + Objects.requireNonNullElse(fileWas, "(none)") + " -> " + app.file());
          }
          for (int i = 0; i < fields.size(); i++) {
            lines.add((i == 0 ? "~ " + app.name() + "  " : " ".repeat(app.name().length() + 4)) + fields.get(i));
          }
        }
      }
      if (source.getSpec().isPrune()) {
        // With prune off the operator leaves them: no difference.
        DesiredAppDeployments.stale(desired, live.values()).stream().map(app -> app.getMetadata().getName())
            .sorted().forEach(app -> lines.add("- " + app + "  pruned: its folder is no longer in git"));
      }
    }
    // "file: what is wrong", as validate prints it; the operator leaves such an app's AppDeployment as it is.
    desired.problems().forEach(problem -> lines.add("! " + problem));
    return lines;
  }

  /** One "path: live -> git" per leaf that differs; "(none)" where one side has no value. */
  private static void fieldChanges(String path, JsonNode have, JsonNode want, List<String> fields) {
    if (have != null && want != null && have.isObject() && want.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      have.fieldNames().forEachRemaining(keys::add);
      want.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        fieldChanges(path + "." + key, have.get(key), want.get(key), fields);
      }
      return;
    }
    if (!Objects.equals(have, want)) {
      fields.add(path + ": " + (have == null ? "(none)" : have.toString()) + " -> "
          + (want == null ? "(none)" : want.toString()));
    }
  }
}
