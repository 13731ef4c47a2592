package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bcgitops.spec.AppSpec;
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

    AppSpec greeter = state.apps().get(0).spec();
    assertEquals("embedded", greeter.isolationOrDefault());
    assertEquals("maven", greeter.source().type());
    assertEquals("io.bcgitops.examples:greeter", greeter.source().coordinates());
    assertEquals(Map.of("PORT", "8081", "GREETING", "Hello"), greeter.env());
    assertEquals(8081, greeter.health().port());
    assertEquals("/health", greeter.health().path());

    AppSpec clock = state.apps().get(1).spec();
    assertEquals("embedded", clock.isolationOrDefault());
    assertEquals(List.of("greeter"), clock.dependencies());
    assertEquals("io.bcgitops.examples:clock", clock.source().coordinates());
    // Embedded apps of one runtime pool share its pod's network: greeter is on localhost.
    assertEquals(Map.of("PORT", "8082", "GREETER_URL", "http://localhost:8081"), clock.env());
    assertEquals(8082, clock.health().port());

    AppSpec web = state.apps().get(2).spec();
    assertEquals("vm", web.isolationOrDefault());
    assertEquals("io.bcgitops.examples:web", web.source().coordinates());
    assertEquals(Map.of("PORT", "8080"), web.env());
    assertEquals(new IntOrString(256), web.vmConfig().memoryLimit(), "MiB, as written");
    assertEquals(1, web.vmConfig().schedulerLimit());
    assertEquals("http", web.health().type());
    assertEquals("/health", web.health().path());
    assertEquals(8080, web.health().port());
    assertEquals(Duration.ofSeconds(10), web.health().interval());

    // No repository of their own: the operator's default applies (the local mode's: the built one).
    state.apps().forEach(app -> assertNull(app.spec().source().repository(), app.file()));
  }
}
