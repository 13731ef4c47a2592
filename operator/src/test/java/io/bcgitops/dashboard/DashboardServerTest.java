package io.bcgitops.dashboard;

import static io.bcgitops.dashboard.DashboardFixture.ALICE;
import static io.bcgitops.dashboard.DashboardFixture.TEAM_A;
import static io.bcgitops.dashboard.DashboardFixture.TEAM_B;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.Isolation;
import io.bcgitops.testing.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint of the dashboard, against the mock API server: what a viewer gets, and what they are refused. */
@EnableKubernetesMockClient(crud = true)
class DashboardServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private final HttpClient http = HttpClient.newHttpClient();
  private static final String CLOSED = "(the stream ended)";
  private final ManualClock clock = new ManualClock();
  private DashboardFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new DashboardFixture(server, client, Duration.ofSeconds(2), clock);
    fixture.source(TEAM_A, "shop", "https://github.com/acme/shop.git", SHA);
    fixture.app(TEAM_A, "web", "shop", Isolation.vm, Phase.Running, List.of("api"), "the <i>shop</i> front");
    fixture.app(TEAM_A, "api", "shop", Isolation.embedded, Phase.Failed, List.of("db", "worker"), null);
    fixture.app(TEAM_A, "worker", "shop", Isolation.embedded, Phase.Running, List.of("api"), null);
    fixture.app(TEAM_B, "secret-app", "vault", Isolation.vm, Phase.Running, List.of(), null);
    fixture.source(TEAM_B, "vault", "https://github.com/acme/vault.git", SHA);
    fixture.pool(TEAM_A, "default", List.of("api", "worker"));
    fixture.pool(TEAM_B, "default", List.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/overview", ALICE).statusCode() == 200
        && JSON.readTree(get("/api/overview", ALICE).body()).path("apps").size() == 3
        && JSON.readTree(get("/api/overview", ALICE).body()).path("pools").size() == 1);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void thePageAndItsFilesComeFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
        && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
    // No inline script or style, which the policy would block anyway.
    assertFalse(page.body().matches("(?s).*<script>.*") || page.body().contains("style="), page.body());
    assertEquals(200, get("/app.js", null).statusCode());
    assertTrue(get("/app.js", null).headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
    assertEquals(200, get("/app.css", null).statusCode());
  }

  @Test
  void pathsOutsideTheListAreNotFound() throws Exception {
    // Refused before it reaches the dashboard: Jetty's URI checks.
    assertEquals(400, get("/%2e%2e/pom.xml", ALICE).statusCode());
    for (String path : List.of("/nothing", "/app.js/../pom.xml", "/io/bcgitops/dashboard/app.js",
        "/api/apps/team-a", "/api/apps/team-a/web/x", "/api/apps/Team-A/web", "/api/apps/team-a/we%2Fb",
        "/api/graph/team-a/..")) {
      HttpResponse<String> response = get(path, ALICE);
      assertEquals(404, response.statusCode(), path + ": " + response.body());
      assertNotNull(response.headers().firstValue("Content-Security-Policy").orElse(null), path);
    }
    assertEquals(405, send(HttpRequest.newBuilder(uri("/api/overview")).PUT(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + ALICE)).statusCode());
    // A body is refused before it is read: nothing here takes one.
    assertEquals(413, send(HttpRequest.newBuilder(uri("/api/session")).POST(HttpRequest.BodyPublishers.ofString("x"))
        .header("Authorization", "Bearer " + ALICE)).statusCode());
  }

  @Test
  void withoutAnAcceptedTokenTheDataIsRefused() throws Exception {
    for (String path : List.of("/api/overview", "/api/apps/team-a/web", "/api/graph/team-a/shop", "/api/stream")) {
      assertEquals(401, get(path, null).statusCode(), path);
      assertEquals(401, get(path, "bob-token").statusCode(), path);
      assertEquals(401, send(HttpRequest.newBuilder(uri(path)).header("Cookie",
          Sessions.COOKIE + "=" + "0".repeat(64))).statusCode(), path);
    }
    HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/api/session")).POST(HttpRequest.BodyPublishers
        .noBody()).header("Authorization", "Bearer bob-token"));
    assertEquals(401, login.statusCode());
    assertTrue(login.headers().firstValue("Set-Cookie").isEmpty());
  }

  @Test
  void theOverviewHoldsWhatTheViewerMayGetFailingAppsFirst() throws Exception {
    JsonNode overview = JSON.readTree(get("/api/overview", ALICE).body());
    assertEquals(List.of(TEAM_A), names(overview.path("namespaces")));
    List<String> apps = new ArrayList<>();
    overview.path("apps").forEach(a -> apps.add(a.path("name").asText()));
    assertEquals(List.of("api", "web", "worker"), apps, "failing first, then by name; team-b's not at all");
    JsonNode api = overview.path("apps").get(0);
    assertTrue(api.path("failing").asBoolean());
    assertEquals("Failed", api.path("phase").asText());
    assertEquals("1.1.0", api.path("desiredVersion").asText());
    assertEquals("1.0.0", api.path("deployedVersion").asText());
    assertEquals(3, api.path("restarts").asInt());
    assertEquals("pool", api.path("where").asText());
    assertEquals("default", api.path("runtime").asText());
    assertEquals(36, api.path("icon").path("identicon").asText().length());
    JsonNode web = overview.path("apps").get(1);
    assertEquals("pod", web.path("where").asText());
    JsonNode source = overview.path("sources").get(0);
    assertEquals(1, overview.path("sources").size());
    assertEquals("https://github.com/acme/shop/commit/" + SHA, source.path("commitUrl").asText());
    assertEquals("Progressing", source.path("ready").path("reason").asText());
    JsonNode pool = overview.path("pools").get(0);
    assertEquals("768Mi", pool.path("memoryLimit").asText());
    assertEquals(2, pool.path("apps").size());
    assertFalse(get("/api/overview", ALICE).body().contains("secret-app"));
  }

  @Test
  void anAppsPageHasItsConditionsEventsVersionsSpecAndPool() throws Exception {
    // The API server selects by involvedObject.name (the mock server does not index that field: it is answered
    // as the API server would, with one event of another object besides, which the dashboard leaves out too).
    server.expect().get().withPath("/api/v1/namespaces/team-a/events?fieldSelector=involvedObject.name%3Dapi&limit=100")
        .andReturn(200, new EventListBuilder().addToItems(event("api", "Warning", "HealthCheckFailed",
            "GET /health answered 500", 2), event("apiserver", "Normal", "Deploying", "not api's", 1)).build())
        .once();
    JsonNode page = JSON.readTree(get("/api/apps/team-a/api", ALICE).body());
    assertEquals("0.9.0", page.path("app").path("previousVersion").asText());
    assertEquals("HealthCheckFailed", page.path("conditions").get(0).path("reason").asText());
    assertEquals(1, page.path("events").size(), page.toString());
    assertEquals("GET /health answered 500", page.path("events").get(0).path("message").asText());
    assertEquals(2, page.path("events").get(0).path("count").asInt());
    assertTrue(page.path("specYaml").asText().contains("version: \"1.1.0\""), page.path("specYaml").asText());
    assertTrue(page.path("specYaml").asText().contains("GREETING: \"hello <b>world</b>\""));
    assertEquals("default", page.path("pool").path("name").asText());
    assertEquals(List.of("worker"), names(page.path("poolApps"), "name"));
    // vm apps have no pool; another team's app, and one that does not exist, are alike: not found.
    assertTrue(JSON.readTree(get("/api/apps/team-a/web", ALICE).body()).path("poolApps").isMissingNode());
    assertEquals(404, get("/api/apps/team-b/secret-app", ALICE).statusCode());
    assertEquals(404, get("/api/apps/team-a/nothing", ALICE).statusCode());
    assertEquals(get("/api/apps/team-b/secret-app", ALICE).body().replace("team-b/secret-app", ""),
        get("/api/apps/team-a/nothing", ALICE).body().replace("team-a/nothing", ""));
  }

  @Test
  void theGraphShowsLayersCyclesAndMissingDependencies() throws Exception {
    JsonNode graph = JSON.readTree(get("/api/graph/team-a/shop", ALICE).body());
    assertEquals(List.of(List.of("api", "worker", "api")), JSON.convertValue(graph.path("cycles"), List.class));
    assertEquals(List.of("db"), names(graph.path("missing")));
    JsonNode db = node(graph, "db");
    assertTrue(db.path("missing").asBoolean());
    assertTrue(node(graph, "api").path("onCycle").asBoolean());
    assertTrue(node(graph, "web").path("layer").asInt() > node(graph, "api").path("layer").asInt());
    assertEquals(404, get("/api/graph/team-b/vault", ALICE).statusCode());
    assertEquals(404, get("/api/graph/team-a/nothing", ALICE).statusCode());

    // dependsOn names any app of the namespace: one of another source is that, not missing; one of another
    // namespace is never looked up (team-b's secret-app stays missing, and nothing of it shows).
    fixture.app(TEAM_A, "db", "billing", Isolation.vm, Phase.Running, List.of(), null);
    AppDeployment web = client.resources(AppDeployment.class).inNamespace(TEAM_A).withName("web").get();
    web.getSpec().setDependsOn(List.of("api", "secret-app"));
    client.resource(web).update();
    await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get("/api/graph/team-a/shop", ALICE).body())
        .path("missing").toString().equals("[\"secret-app\"]"));
    graph = JSON.readTree(get("/api/graph/team-a/shop", ALICE).body());
    db = node(graph, "db");
    assertFalse(db.path("missing").asBoolean());
    assertEquals("billing", db.path("otherSource").asText());
    assertEquals("Running", db.path("phase").asText());
    assertTrue(node(graph, "secret-app").path("phase").isMissingNode());
  }

  @Test
  void aLoginGivesAStrictSessionCookieAndTheLiveStreamPushesChanges() throws Exception {
    String cookie = login();
    try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
      socket.setSoTimeout(10_000);
      BlockingQueue<String> events = stream(socket, cookie);
      JsonNode first = JSON.readTree(events.poll(10, TimeUnit.SECONDS));
      assertEquals(3, first.path("apps").size());
      assertFalse(first.toString().contains("secret-app"));

      AppDeployment web = client.resources(AppDeployment.class).inNamespace(TEAM_A).withName("web").get();
      long changed = System.nanoTime();
      fixture.setPhase(web, Phase.Degraded, "1.0.0");
      JsonNode next;
      do {
        next = JSON.readTree(events.poll(10, TimeUnit.SECONDS));
      } while (!"Degraded".equals(phaseOf(next, "web")));
      long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
      System.out.println("DashboardServerTest: a status change reached the live stream in " + latencyMs + " ms");
      assertTrue(latencyMs < 2000, "latency " + latencyMs);
      assertTrue(next.path("version").asLong() > first.path("version").asLong());
      // A change in a namespace the viewer may not see is pushed too, and holds nothing of it.
      fixture.app(TEAM_B, "hidden", "vault", Isolation.vm, Phase.Running, List.of(), null);
      String after = events.poll(10, TimeUnit.SECONDS);
      assertFalse(after.contains("hidden") || after.contains("secret-app"));
    }
    // Logged out: the cookie opens nothing.
    HttpResponse<String> out = send(HttpRequest.newBuilder(uri("/api/session")).DELETE().header("Cookie", cookie));
    assertEquals(204, out.statusCode());
    assertEquals(401, send(HttpRequest.newBuilder(uri("/api/stream")).header("Cookie", cookie)).statusCode());
  }

  @Test
  void liveStreamsAreBoundedAndASlowClientIsDropped() throws Exception {
    String cookie = login();
    List<Socket> sockets = new ArrayList<>();
    try {
      // Users of their own, each with as many streams as one user may have.
      List<String> cookies = new ArrayList<>();
      for (int user = 0; user < Dashboard.MAX_STREAMS / Dashboard.MAX_STREAMS_PER_USER; user++) {
        cookies.add(user == 0 ? cookie : login("viewer-" + user + "-token", "viewer-" + user, null));
      }
      for (int i = 0; i < Dashboard.MAX_STREAMS; i++) {
        Socket socket = new Socket("127.0.0.1", fixture.dashboard.port());
        socket.setSoTimeout(10_000);
        socket.setReceiveBufferSize(4096);
        sockets.add(socket);
        stream(socket, cookies.get(i / Dashboard.MAX_STREAMS_PER_USER)).poll(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> fixture.dashboard.streams() == Dashboard.MAX_STREAMS);
      String another = login("viewer-99-token", "viewer-99", null);
      HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/stream")).header("Cookie", another));
      assertEquals(503, refused.statusCode());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    // A closed client is noticed when a write to it fails: at the next change (or heartbeat).
    AppDeployment web = client.resources(AppDeployment.class).inNamespace(TEAM_A).withName("web").get();
    int[] changes = {0};
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
      fixture.setPhase(web, changes[0]++ % 2 == 0 ? Phase.Degraded : Phase.Running, "1.0.0");
      return fixture.dashboard.streams() == 0;
    });

    // A client that reads nothing while large updates are pushed: its writes stall, and it is dropped.
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(1024);
      slow.connect(new java.net.InetSocketAddress("127.0.0.1", fixture.dashboard.port()));
      OutputStream out = slow.getOutputStream();
      out.write(("GET /api/stream HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> fixture.dashboard.streams() == 1);
      String description = "x".repeat(2000);
      for (int i = 0; i < 400 && fixture.dashboard.streams() == 1; i++) {
        fixture.app(TEAM_A, "bulk-" + i, "shop", Isolation.vm, Phase.Running, List.of(), description);
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> fixture.dashboard.streams() == 0);
    }
  }

  @Test
  void loggingOutEndsTheOpenLiveStream() throws Exception {
    String cookie = login();
    try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
      BlockingQueue<String> events = streamPastItsFirstPush(socket, cookie);
      assertEquals(204, send(HttpRequest.newBuilder(uri("/api/session")).DELETE().header("Cookie", cookie))
          .statusCode());
      assertTrue(ends(events, Duration.ofSeconds(5)), "the stream goes on after its session was logged out");
    }
  }

  @Test
  void aSessionIsRenewedByItsTokenAndEndsWhenTheTokenIsRevoked() throws Exception {
    String cookie = login();
    // The page's renewal: the same session, for another lifetime; past the first, it still opens the stream.
    clock.advance(Duration.ofSeconds(50));
    assertEquals(cookie, login(ALICE, "alice", cookie));
    clock.advance(Duration.ofSeconds(50));
    // Another's session id is never taken over: carol renewing with alice's cookie gets a session of her own.
    assertNotEquals(cookie, login(DashboardFixture.CAROL, "carol", cookie));
    try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
      BlockingQueue<String> events = streamPastItsFirstPush(socket, cookie);
      // Revoked: the cached review holds for 30 s; then the next renewal is refused, and the session and its
      // stream end at once.
      fixture.aliceValid.set(false);
      clock.advance(Duration.ofSeconds(31));
      HttpResponse<String> renewal = send(HttpRequest.newBuilder(uri("/api/session"))
          .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + ALICE)
          .header("Cookie", cookie));
      assertEquals(401, renewal.statusCode());
      assertTrue(ends(events, Duration.ofSeconds(5)), "the stream goes on after its token was revoked");
    }
    assertEquals(401, send(HttpRequest.newBuilder(uri("/api/stream")).header("Cookie", cookie)).statusCode());
  }

  @Test
  void aSessionNoLongerRenewedEndsWithinAMinuteAndItsStreamWithIt() throws Exception {
    String cookie = login();
    try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
      BlockingQueue<String> events = streamPastItsFirstPush(socket, cookie);
      clock.advance(Duration.ofSeconds(61));
      assertTrue(ends(events, Duration.ofSeconds(5)), "the stream outlives its session");
    }
  }

  @Test
  void aFloodOfUnknownTokensCostsABoundedNumberOfTokenReviews() throws Exception {
    // alice's token was reviewed once (start()), and is known since.
    int before = fixture.tokenReviews.get();
    int busy = 0;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = get("/api/overview", "bogus-token-" + i);
      if (response.statusCode() == 429) {
        busy++;
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
      } else {
        assertEquals(401, response.statusCode());
      }
      // A known token is answered as before, flood or not.
      if (i % 10 == 0) {
        assertEquals(200, get("/api/overview", ALICE).statusCode());
      }
    }
    assertEquals(KubernetesAccess.REVIEW_BURST - 1, fixture.tokenReviews.get() - before);
    assertEquals(100 - (KubernetesAccess.REVIEW_BURST - 1), busy);
    // A new user during the flood is told to try again; a moment later she is in.
    assertEquals(429, send(HttpRequest.newBuilder(uri("/api/session")).POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + DashboardFixture.CAROL)).statusCode());
    clock.advance(Duration.ofSeconds(1));
    login(DashboardFixture.CAROL, "carol", null);
  }

  @Test
  void oneUserCannotTakeEveryLiveStream() throws Exception {
    String cookie = login();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < Dashboard.MAX_STREAMS_PER_USER; i++) {
        Socket socket = new Socket("127.0.0.1", fixture.dashboard.port());
        socket.setSoTimeout(10_000);
        sockets.add(socket);
        assertNotNull(stream(socket, cookie).poll(10, TimeUnit.SECONDS));
      }
      HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/stream")).header("Cookie", cookie));
      assertEquals(429, refused.statusCode(), refused.body());
      // Another user still gets hers.
      Socket carol = new Socket("127.0.0.1", fixture.dashboard.port());
      carol.setSoTimeout(10_000);
      sockets.add(carol);
      assertNotNull(stream(carol, login(DashboardFixture.CAROL, "carol", null)).poll(10, TimeUnit.SECONDS));
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void theLiveStreamTakesASessionNotABearerToken() throws Exception {
    HttpResponse<String> response = get("/api/stream", ALICE);
    assertEquals(401, response.statusCode());
    assertTrue(response.body().contains("session"), response.body());
  }

  @Test
  void tenantTextIsBoundedAndCredentialsNeverShow() throws Exception {
    fixture.source(TEAM_A, "leaky", "https://deploy:s3cr3t@git.example.com/acme/leaky.git", SHA);
    AppDeployment app = fixture.app(TEAM_A, "huge", "leaky", Isolation.vm, Phase.Failed, List.of(),
        "x".repeat(1_000_000));
    app.getSpec().getSource().setUrl("https://bot:s3cr3t@artifacts.example.com/huge.jar");
    app = client.resource(app).update();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(new ConditionBuilder().withType("Ready").withStatus("False").withReason("ArtifactFetchFailed")
        .withMessage("downloading https://bot:s3cr3t@artifacts.example.com/huge.jar failed: " + "y".repeat(100_000))
        .build());
    for (int i = 0; i < 10_000; i++) {
      conditions.add(new ConditionBuilder().withType("Junk" + i).withStatus("True").withMessage("z".repeat(100))
          .build());
    }
    app.getStatus().setConditions(conditions);
    client.resource(app).updateStatus();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/overview", ALICE).body().contains("\"huge\""));

    String overview = get("/api/overview", ALICE).body();
    assertFalse(overview.contains("s3cr3t"), "a credential in the overview");
    JsonNode huge = null;
    for (JsonNode a : JSON.readTree(overview).path("apps")) {
      huge = a.path("name").asText().equals("huge") ? a : huge;
    }
    assertNotNull(huge);
    assertTrue(huge.toString().length() < 4 * ShownText.OVERVIEW, "an app's part of the overview is "
        + huge.toString().length() + " characters");
    assertTrue(huge.path("description").asText().endsWith("… (998976 more characters)"),
        huge.path("description").asText().substring(ShownText.OVERVIEW - 10));
    assertTrue(huge.path("ready").path("message").asText().startsWith("downloading https://***@artifacts.example.com"));

    String body = get("/api/apps/team-a/huge", ALICE).body();
    assertFalse(body.contains("s3cr3t"), "a credential on the app's page");
    JsonNode page = JSON.readTree(body);
    assertEquals(DashboardHandler.MAX_CONDITIONS, page.path("conditions").size());
    assertTrue(page.path("specYaml").asText().contains("https://***@artifacts.example.com/huge.jar"));
  }

  @Test
  void probesOfTheListenerGetNothingButThePagesFiles() throws Exception {
    for (String path : List.of("/static/../../logback.xml", "/..%2f..%2flogback.xml", "/%2e%2e%2f%2e%2e%2fpom.xml",
        "/app.js%2f..%2f..%2fpom.xml", "//app.js", "/APP.JS", "/app.js/", "/app.js;x=1", "/logback.xml",
        "/io/bcgitops/dashboard/app.js", "/./app.js", "/app.js%00", "/%5c..%5cpom.xml")) {
      String response = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"), path + ": " + response);
      assertFalse(response.contains("<configuration") || response.contains("<project"), path);
    }
    // No method but GET and HEAD (POST and DELETE on /api/session only); TRACE echoes nothing back.
    for (String method : List.of("OPTIONS", "TRACE", "PUT", "PATCH")) {
      String response = raw(method + " / HTTP/1.1\r\nHost: x\r\nX-Probe: echo-me\r\nConnection: close\r\n\r\n");
      assertTrue(response.startsWith("HTTP/1.1 405"), method + ": " + response);
      assertFalse(response.contains("echo-me"), method);
    }
    // The Host header is never reflected (the page uses relative URLs only).
    String page = raw("GET / HTTP/1.1\r\nHost: evil.example:666\r\nConnection: close\r\n\r\n");
    assertTrue(page.startsWith("HTTP/1.1 200"), page);
    assertFalse(page.contains("evil.example"));
    assertTrue(page.contains("X-Frame-Options: DENY"));
    // Headers over 8 KiB.
    String big = raw("GET /api/overview HTTP/1.1\r\nHost: x\r\nCookie: " + "a".repeat(9000)
        + "\r\nConnection: close\r\n\r\n");
    assertTrue(big.startsWith("HTTP/1.1 431"), big);
  }

  /** Sends {@code request} as is on a new connection: the whole answer. */
  private String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Whether the stream ends within {@code within} (the events before its end skipped). */
  private static boolean ends(BlockingQueue<String> events, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    String event;
    while ((event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
      if (event.equals(CLOSED)) {
        return true;
      }
    }
    return false;
  }

  /** Logs alice in: the Set-Cookie's session. */
  private String login() throws Exception {
    return login(ALICE, "alice", null);
  }

  /** Logs a user in, carrying {@code cookie} when not null (the page's renewal): the Set-Cookie's session. */
  private String login(String token, String user, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/session")).POST(HttpRequest.BodyPublishers
        .noBody()).header("Authorization", "Bearer " + token);
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    HttpResponse<String> login = send(request);
    assertEquals(200, login.statusCode(), login.body());
    assertEquals(user, JSON.readTree(login.body()).path("user").asText());
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"),
        setCookie);
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** Opens the live stream on {@code socket}: each event's data, as they come. */
  /** The live stream on {@code socket}, its first push (the whole overview) already taken. */
  private static BlockingQueue<String> streamPastItsFirstPush(Socket socket, String cookie) throws Exception {
    socket.setSoTimeout(10_000);
    BlockingQueue<String> events = stream(socket, cookie);
    assertNotNull(events.poll(10, TimeUnit.SECONDS));
    return events;
  }

  private static BlockingQueue<String> stream(Socket socket, String cookie) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(("GET /api/stream HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String status = in.readLine();
    assertEquals("HTTP/1.1 200 OK", status);
    String header;
    boolean eventStream = false;
    while (!(header = in.readLine()).isEmpty()) {
      eventStream |= header.toLowerCase().startsWith("content-type: text/event-stream");
    }
    assertTrue(eventStream);
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          // Chunked framing: size lines, then the event's lines.
          if (line.startsWith("data: ")) {
            events.add(line.substring(6));
          } else if (line.equals("0")) {
            // The last chunk: the answer ended (the connection may stay open for another request).
            break;
          }
        }
        events.add(CLOSED);
      } catch (Exception closed) {
        // The test closed the socket.
      }
    });
    reader.setDaemon(true);
    reader.start();
    return events;
  }

  private static Event event(String app, String type, String reason, String message, int count) {
    return new EventBuilder().withNewMetadata().withName(app + ".1").withNamespace(TEAM_A).endMetadata()
        .withNewInvolvedObject().withApiVersion("bcgitops.io/v1alpha1").withKind("AppDeployment").withName(app)
        .withNamespace(TEAM_A).endInvolvedObject().withType(type).withReason(reason).withMessage(message)
        .withCount(count).withLastTimestamp(Instant.now().toString()).build();
  }

  private static String phaseOf(JsonNode overview, String app) {
    for (JsonNode a : overview.path("apps")) {
      if (a.path("name").asText().equals(app)) {
        return a.path("phase").asText();
      }
    }
    return null;
  }

  private static JsonNode node(JsonNode graph, String name) {
    for (JsonNode n : graph.path("nodes")) {
      if (n.path("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node " + name + " in " + graph);
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.path(field).asText()));
    return names;
  }

  private URI uri(String path) {
    return URI.create(fixture.url() + path);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

}
