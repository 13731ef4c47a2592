package io.bcgitops.runtime;

import static io.bcgitops.runtime.HostProcess.http;
import static io.bcgitops.runtime.HostProcess.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.Health;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import io.bcgitops.testing.Ports;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime host as the operator sees it: one real host process, many example apps in it,
 * each test with apps and ports of its own.
 */
class RuntimeHostTest {
  private static final Duration CRASH_LOOP = Duration.ofSeconds(15);

  @TempDir
  static Path dir;
  static HostProcess host;

  @BeforeAll
  static void startHost() throws Exception {
    host = HostProcess.start(dir);
  }

  @AfterAll
  static void stopHost() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  @Test
  void twoAppsFromOneJarAnswerEachWithTheirOwnEnv() throws Exception {
    Path jar = host.install("hello-one", "1.0.0", "hello");
    Path sameJar = host.install("hello-two", "1.0.0", "hello");
    int one = Ports.free();
    int two = Ports.free();
    AppState accepted = host.put("hello-one", request("1.0.0", jar,
        Map.of("PORT", "" + one, "GREETING", "Hi", "APP_NAME", "one"), List.of(), http(one)));
    assertEquals(EmbeddedState.Starting, accepted.state());
    assertEquals("1.0.0", accepted.version());
    host.put("hello-two", request("1.0.0", sameJar,
        Map.of("PORT", "" + two, "GREETING", "Howdy", "APP_NAME", "two"), List.of(), http(two)));

    AppState running = host.awaitRunning("hello-one", "1.0.0");
    host.await("hello-one", "healthy", s -> "healthy".equals(s.health()), Duration.ofSeconds(5));
    host.awaitRunning("hello-two", "1.0.0");
    assertEquals(0, running.restarts());
    assertNull(running.failedVersion());
    assertEquals("Hi from one 1.0.0", host.get(one, "/").body());
    assertEquals("Howdy from two 1.0.0", host.get(two, "/").body());
    assertTrue(host.log().contains("app hello-one: version 1.0.0 running"), host.log());

    // The same request again changes nothing: answered with the running state, no restart.
    AppState again = host.put("hello-one", request("1.0.0", jar,
        Map.of("PORT", "" + one, "GREETING", "Hi", "APP_NAME", "one"), List.of(), http(one)));
    assertEquals(EmbeddedState.Running, again.state());
    // The same version with another env: restarted with it.
    AppState reconfigured = host.put("hello-one", request("1.0.0", jar,
        Map.of("PORT", "" + one, "GREETING", "Hello again", "APP_NAME", "one"), List.of(), http(one)));
    assertEquals(EmbeddedState.Starting, reconfigured.state());
    host.await("hello-one", "the new greeting", s -> s.state() == EmbeddedState.Running && greets(one, "Hello again"),
        Duration.ofSeconds(10));
    assertEquals("Howdy from two 1.0.0", host.get(two, "/").body());
    assertEquals(204, host.delete("hello-one"));
    assertEquals(204, host.delete("hello-two"));
  }

  @Test
  void everyCallNeedsTheToken() throws Exception {
    Path jar = host.install("intruder", "1.0.0", "hello");
    LoadRequest load = request("1.0.0", jar, Map.of("PORT", "" + Ports.free()), List.of(), null);
    assertEquals(401, host.send("PUT", "/v1/apps/intruder", load, null).statusCode());
    assertEquals(401, host.send("PUT", "/v1/apps/intruder", load, "wrong").statusCode());
    assertEquals(401, host.send("GET", "/v1/apps", null, null).statusCode());
    assertEquals(401, host.send("GET", "/v1/health", null, "wrong").statusCode());
    assertEquals(401, host.send("DELETE", "/v1/apps/intruder", null, null).statusCode());
    assertTrue(host.app("intruder").isEmpty(), "nothing may be loaded without the token");
  }

  /**
   * The kubelet's probes, on a port of their own with no token (the pod's Deployment probes it there): the API's port
   * is in the pool's Service, where a flood of slow connections could delay them.
   */
  @Test
  void theProbesAnswerOnTheirOwnPortWithoutAToken() throws Exception {
    for (String path : List.of("/healthz", "/readyz")) {
      HttpResponse<String> probe = host.get(host.healthPort, path);
      assertEquals(200, probe.statusCode(), path);
      assertEquals("ok", probe.body(), path);
    }
    assertEquals(404, host.get(host.healthPort, "/v1/apps").statusCode(), "the API is not on the probes' port");
  }

  @Test
  void badRequestsAre400AndLoadNothing() throws Exception {
    Path outside = HostProcess.exampleJar("hello"); // exists, but not in the host's folder
    LoadRequest fromOutside = request("1.0.0", outside, Map.of(), List.of(), null);
    HttpResponse<String> refused = host.send("PUT", "/v1/apps/outsider", fromOutside, HostProcess.TOKEN);
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("is not inside"), refused.body());
    LoadRequest climbing = new LoadRequest("1.0.0", "../../etc/passwd", null, Map.of(), List.of(), null);
    assertEquals(400, host.send("PUT", "/v1/apps/outsider", climbing, HostProcess.TOKEN).statusCode());
    assertEquals(400, host.send("PUT", "/v1/apps/Not_A_Name", fromOutside, HostProcess.TOKEN).statusCode());
    assertEquals(400, host.send("PUT", "/v1/apps/outsider", "{not json", HostProcess.TOKEN).statusCode());
    LoadRequest noVersion = new LoadRequest(null, "outsider/1/app.jar", null, null, null, null);
    assertEquals(400, host.send("PUT", "/v1/apps/outsider", noVersion, HostProcess.TOKEN).statusCode());
    LoadRequest badHealth = new LoadRequest("1", "outsider/1/app.jar", null, null, null,
        new Health("exec", 8080, null, 0, 0, null));
    assertEquals(400, host.send("PUT", "/v1/apps/outsider", badHealth, HostProcess.TOKEN).statusCode());
    assertTrue(host.app("outsider").isEmpty());
    assertEquals(404, host.delete("outsider"));
  }

  @Test
  void aMissingJarFailsWithoutRestarts() throws Exception {
    host.put("ghost", new LoadRequest("1.0.0", "ghost/1.0.0/app.jar", null, Map.of(), List.of(), null));
    AppState failed = host.await("ghost", "Failed", s -> s.state() == EmbeddedState.Failed, Duration.ofSeconds(10));
    assertTrue(failed.message().contains("no jar at"), failed.message());
    Thread.sleep(500);
    assertEquals(0, host.app("ghost").orElseThrow().restarts());
    assertEquals(204, host.delete("ghost"));
  }

  @Test
  void anAppWhoseStartThrowsCrashesAndIsRestartedWithBackoff() throws Exception {
    Path jar = host.install("broken", "1.0.0", "broken-start");
    host.put("broken", request("1.0.0", jar, Map.of(), List.of(), null));
    AppState crashed = host.await("broken", "three restarts", s -> s.restarts() >= 3, CRASH_LOOP);
    assertTrue(List.of(EmbeddedState.Crashed, EmbeddedState.Starting).contains(crashed.state()), crashed.toString());
    AppState shown = host.await("broken", "Crashed", s -> s.state() == EmbeddedState.Crashed, CRASH_LOOP);
    assertTrue(shown.message().contains("database not reachable"), shown.message());
    assertTrue(shown.message().contains("restart in"), shown.message());
    assertEquals("1.0.0", shown.version());
    assertEquals(204, host.delete("broken"));
    String log = host.log();
    assertTrue(log.contains("app broken: version 1.0.0 crashed: start() threw java.lang.IllegalStateException: "
        + "database not reachable"), log);
  }

  @Test
  void anUncaughtExceptionInAnAppThreadIsThatAppsCrash() throws Exception {
    Path jar = host.install("crasher", "1.0.0", "crasher");
    int port = Ports.free();
    host.put("crasher", request("1.0.0", jar, Map.of("PORT", "" + port, "CRASH_AFTER_MS", "300"), List.of(),
        http(port)));
    AppState crashed = host.await("crasher", "two restarts", s -> s.restarts() >= 2, CRASH_LOOP);
    AppState shown = crashed.state() == EmbeddedState.Crashed ? crashed
        : host.await("crasher", "Crashed", s -> s.state() == EmbeddedState.Crashed, CRASH_LOOP);
    assertTrue(shown.message().contains("uncaught exception in thread"), shown.message());
    assertTrue(shown.message().contains("crasher crashed on purpose"), shown.message());
    // The host itself is fine.
    assertEquals(200, host.send("GET", "/v1/health", null, HostProcess.TOKEN).statusCode());
    host.await("crasher", "Running again", s -> s.state() == EmbeddedState.Running, CRASH_LOOP);
    assertEquals(204, host.delete("crasher"));
  }

  @Test
  void anAppThatNeverPassesItsHealthCheckIsUnhealthyThenRestarted() throws Exception {
    Path jar = host.install("sick", "1.0.0", "sick");
    int port = Ports.free();
    host.put("sick", request("1.0.0", jar, Map.of("PORT", "" + port), List.of(), http(port)));
    AppState unhealthy = host.await("sick", "unhealthy", s -> "unhealthy".equals(s.health()), CRASH_LOOP);
    assertTrue(unhealthy.message().contains("503"), unhealthy.message());
    assertEquals("sick", host.get(port, "/").body()); // it serves, it is just not healthy
    AppState restarted = host.await("sick", "a restart", s -> s.restarts() >= 1, CRASH_LOOP);
    assertTrue(restarted.message().contains("not healthy within 2s"), restarted.message());
    assertEquals(204, host.delete("sick"));
  }

  @Test
  void aRunningAppThatFailsThreeHealthChecksIsRestarted() throws Exception {
    Path jar = host.install("wilting", "1.0.0", "sick");
    int port = Ports.free();
    host.put("wilting", request("1.0.0", jar, Map.of("PORT", "" + port, "HEALTHY_FOR_MS", "1000"), List.of(),
        http(port)));
    host.await("wilting", "Running healthy", s -> s.state() == EmbeddedState.Running && "healthy".equals(s.health()),
        CRASH_LOOP);
    AppState crashed = host.await("wilting", "a restart", s -> s.restarts() >= 1, CRASH_LOOP);
    assertTrue(crashed.message().contains("health check failed 3 times in a row"), crashed.message());
    assertEquals(204, host.delete("wilting"));
  }

  @Test
  void anUpgradeWhoseNewVersionCannotStartFallsBackToTheOldOne() throws Exception {
    Path v1 = host.install("web", "1.0.0", "hello");
    Path v2 = host.install("web", "2.0.0", "broken-start");
    int port = Ports.free();
    Map<String, String> env = Map.of("PORT", "" + port, "APP_NAME", "web");
    host.put("web", request("1.0.0", v1, env, List.of(), http(port)));
    host.awaitRunning("web", "1.0.0");

    AppState upgrading = host.put("web", request("2.0.0", v2, env, List.of(), http(port)));
    assertEquals("2.0.0", upgrading.version());
    assertEquals(EmbeddedState.Starting, upgrading.state());
    AppState back = host.await("web", "the fallback", s -> "2.0.0".equals(s.failedVersion())
        && s.state() == EmbeddedState.Running, Duration.ofSeconds(15));
    assertEquals("1.0.0", back.version());
    assertTrue(back.message().contains("version 2.0.0 failed"), back.message());
    assertTrue(back.message().contains("database not reachable"), back.message());
    assertTrue(back.message().contains("back to version 1.0.0"), back.message());
    assertEquals("Hello from web 1.0.0", host.get(port, "/").body());

    // The operator asking again for the version that failed, unchanged: no new attempt.
    AppState asked = host.put("web", request("2.0.0", v2, env, List.of(), http(port)));
    assertEquals("1.0.0", asked.version());
    assertEquals("2.0.0", asked.failedVersion());

    // A new version that starts but never becomes healthy falls back too (after the startup window).
    Path v3 = host.install("web", "3.0.0", "sick");
    host.put("web", request("3.0.0", v3, env, List.of(), http(port)));
    AppState sickBack = host.await("web", "the second fallback", s -> "3.0.0".equals(s.failedVersion())
        && s.state() == EmbeddedState.Running, Duration.ofSeconds(15));
    assertEquals("1.0.0", sickBack.version());
    assertTrue(sickBack.message().contains("not healthy within"), sickBack.message());
    assertEquals("Hello from web 1.0.0", host.get(port, "/").body());

    // A good new version replaces it.
    Path v4 = host.install("web", "4.0.0", "hello");
    host.put("web", request("4.0.0", v4, Map.of("PORT", "" + port, "APP_NAME", "web", "GREETING", "New"), List.of(),
        http(port)));
    AppState upgraded = host.awaitRunning("web", "4.0.0");
    assertNull(upgraded.failedVersion());
    assertTrue(upgraded.message().contains("upgraded from version 1.0.0"), upgraded.message());
    assertEquals("New from web 1.0.0", host.get(port, "/").body()); // the jar's own version is 1.0.0
    assertEquals(204, host.delete("web"));
  }

  @Test
  void twoVersionsOfOneLibraryLiveSideBySide() throws Exception {
    Path a = host.install("lib-a", "1.0.0", "lib-a");
    Path b = host.install("lib-b", "1.0.0", "lib-b");
    int portA = Ports.free();
    int portB = Ports.free();
    // lib-a is checked by its own class, run in its own loader: it must see its own library.
    Health custom = new Health("custom", 0, null, HostProcess.CHECK_INTERVAL_MILLIS, 1000,
        "io.bcgitops.examples.liba.GreetingCheck");
    host.put("lib-a", request("1.0.0", a, Map.of("PORT", "" + portA), List.of(), custom));
    host.put("lib-b", request("1.0.0", b, Map.of("PORT", "" + portB), List.of(),
        new Health("tcp", portB, null, HostProcess.CHECK_INTERVAL_MILLIS, 1000, null)));
    assertEquals("healthy", host.awaitRunning("lib-a", "1.0.0").health());
    host.await("lib-b", "healthy", s -> "healthy".equals(s.health()), Duration.ofSeconds(10));
    assertEquals("greeting v1", host.get(portA, "/").body());
    assertEquals("greeting v2", host.get(portB, "/").body());
    assertEquals(204, host.delete("lib-a"));
    assertEquals(204, host.delete("lib-b"));
  }

  @Test
  void anAppWithOnlyMainRunsWithItsArgsAndStopsOnDelete() throws Exception {
    Path jar = host.install("plain", "1.0.0", "main-only");
    int port = Ports.free();
    host.put("plain", request("1.0.0", jar, Map.of(), List.of("" + port),
        new Health("tcp", port, null, HostProcess.CHECK_INTERVAL_MILLIS, 1000, null)));
    host.await("plain", "healthy", s -> s.state() == EmbeddedState.Running && "healthy".equals(s.health()),
        Duration.ofSeconds(10));
    assertEquals("main-only on " + port, host.get(port, "/").body());
    assertTrue(host.log().contains("no lifecycle: env is not passed"), host.log());
    assertEquals(204, host.delete("plain"));
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void deleteStopsTheAppAndFreesItsPort() throws Exception {
    Path jar = host.install("doomed", "1.0.0", "hello");
    int port = Ports.free();
    LoadRequest load = request("1.0.0", jar, Map.of("PORT", "" + port), List.of(), http(port));
    host.put("doomed", load);
    host.awaitRunning("doomed", "1.0.0");
    assertEquals(204, host.delete("doomed"));
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    assertTrue(host.app("doomed").isEmpty());
    assertEquals(404, host.delete("doomed"));
    assertTrue(host.log().contains("app doomed: removed"), host.log());

    // Loaded again under the same name, it gets the port back.
    host.put("doomed", load);
    host.awaitRunning("doomed", "1.0.0");
    assertEquals(200, host.get(port, "/health").statusCode());
    assertEquals(204, host.delete("doomed"));
  }

  @Test
  void hostHealthReportsMemoryAndClasses() throws Exception {
    RuntimeApi.HostState state = host.health(true);
    assertTrue(state.heapUsedBytes() > 0, state.toString());
    assertTrue(state.metaspaceUsedBytes() > 0, state.toString());
    assertTrue(state.loadedClasses() > 1000, state.toString());
    assertFalse(state.apps() < 0);
  }

  private static boolean greets(int port, String greeting) {
    try {
      return host.get(port, "/").body().startsWith(greeting + " from");
    } catch (Exception notYet) {
      return false;
    }
  }
}
