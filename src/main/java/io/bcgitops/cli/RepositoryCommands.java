package io.bcgitops.cli;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.controller.DesiredAppDeployments;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.ParsedApp;
import io.bcgitops.spec.PathNotFoundException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** validate and render: what a GitOps repository on disk asks for, without a cluster. */
final class RepositoryCommands {
  private RepositoryCommands() {
  }

  static int validate(CommandLine line, PrintStream out, PrintStream err) throws IOException {
    DesiredState state = scan(line, err);
    if (state == null) {
      return 1;
    }
    state.problems().forEach(out::println);
    if (!state.invalid().isEmpty()) {
      return 1;
    }
    out.println(state.apps().size() + (state.apps().size() == 1 ? " app valid" : " apps valid"));
    return 0;
  }

  static int render(CommandLine line, PrintStream out, PrintStream err) throws IOException {
    DesiredState state = scan(line, err);
    if (state == null) {
      return 1;
    }
    KubernetesSerialization yaml = new KubernetesSerialization();
    for (ParsedApp app : state.apps()) {
      AppDeployment deployment = DesiredAppDeployments.of(app, line.text("--source", "local"));
      out.print(yaml.asYaml(deployment));
    }
    state.problems().forEach(err::println);
    return state.invalid().isEmpty() ? 0 : 1;
  }

  private static DesiredState scan(CommandLine line, PrintStream err) throws IOException {
    if (line.positional().size() != 1) {
      err.println("expected one argument: the repository folder");
      return null;
    }
    try {
      return new GitOpsRepository().scan(Path.of(line.positional().get(0)), line.text("--path", "apps"));
    } catch (PathNotFoundException e) {
      err.println(e.getMessage());
      return null;
    }
  }
}
