package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bcgitops.spec.AppFile;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** examples/gitops-repo is what users copy: it must stay valid. */
class ExampleRepositoryTest {
  private static final Path EXAMPLE = Path.of("examples/gitops-repo");

  @Test
  void validateAcceptsTheExample() throws Exception {
    MainTest.Run run = MainTest.run("validate", EXAMPLE.toString());

    assertEquals(new MainTest.Run(0, "3 apps valid\n", ""), run);
  }

  @Test
  void exampleAppsAreWhatTheReadmeDescribes() throws Exception {
    DesiredState state = new GitOpsRepository().scan(EXAMPLE, "apps");

    assertEquals(List.of(), state.problems());
    assertEquals(List.of("greeter", "clock", "web"), state.names().toList());

    AppFile greeter = state.apps().get(0).spec();
    assertEquals("embedded", greeter.getIsolation().name());
    assertEquals("maven", greeter.getSource().getType().name());
    assertEquals("io.bcgitops.examples:greeter", greeter.getSource().getCoordinates());
    assertEquals(Map.of("PORT", "8081", "GREETING", "Hello"), greeter.getEnv());
    assertEquals(8081, greeter.getHealth().getPort());
    assertEquals("/health", greeter.getHealth().getPath());

    AppFile clock = state.apps().get(1).spec();
    assertEquals("embedded", clock.getIsolation().name());
    assertEquals(List.of("greeter"), clock.dependencies());
    assertEquals("io.bcgitops.examples:clock", clock.getSource().getCoordinates());
    // Embedded apps of one runtime pool share its pod's network: greeter is on localhost.
    assertEquals(Map.of("PORT", "8082", "GREETER_URL", "http://localhost:8081"), clock.getEnv());
    assertEquals(8082, clock.getHealth().getPort());

    AppFile web = state.apps().get(2).spec();
    assertEquals("vm", web.getIsolation().name());
    assertEquals("io.bcgitops.examples:web", web.getSource().getCoordinates());
    assertEquals(Map.of("PORT", "8080"), web.getEnv());
    assertEquals(new IntOrString(256), web.getVmConfig().getMemoryLimit(), "MiB, as written");
    assertEquals(1, web.getVmConfig().getSchedulerLimit());
    assertEquals("http", web.getHealth().getType().name());
    assertEquals("/health", web.getHealth().getPath());
    assertEquals(8080, web.getHealth().getPort());
    assertEquals(Duration.ofSeconds(10), web.getHealth().interval());

    // No repository of their own: the operator's default applies (the local mode's: the built one).
    state.apps().forEach(app -> assertNull(app.spec().getSource().getRepository(), app.file()));
  }
}
