package io.bcgitops.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.dashboard.Views.AppDetail;
import io.bcgitops.dashboard.Views.AppView;
import io.bcgitops.dashboard.Views.ConditionView;
import io.bcgitops.dashboard.Views.PoolView;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.spec.SafeUrls;
import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.BoundedHttpServer.Reply;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's routes. Every answer carries a strict Content-Security-Policy (scripts and styles from this
 * listener only, no inline script, images from here, data: and https:), and nothing is cached. Paths are matched
 * whole against a fixed list; namespaces and names must be DNS-1123 names. What a viewer may not see is answered
 * as what does not exist (404), so names do not leak.
 */
final class DashboardHandler implements BoundedHttpServer.Handler {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:;"
      + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "Content-Security-Policy", CSP,
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer",
      "X-Frame-Options", "DENY",
      "Cache-Control", "no-store");
  private static final String NAME = "[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?";
  private static final Pattern APP = Pattern.compile("/api/apps/(" + NAME + ")/(" + NAME + ")");
  private static final Pattern GRAPH = Pattern.compile("/api/graph/(" + NAME + ")/(" + NAME + ")");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An app's page lists this many of its conditions at most (the operator writes five). */
  static final int MAX_CONDITIONS = 32;

  private final OperatorCaches caches;
  private final LiveUpdates live;
  private final Access access;
  private final Sessions sessions;
  private final RecentEvents events;
  private final StaticFiles files = new StaticFiles();

  DashboardHandler(OperatorCaches caches, LiveUpdates live, Access access, Sessions sessions, RecentEvents events) {
    this.caches = caches;
    this.live = live;
    this.access = access;
    this.sessions = sessions;
    this.events = events;
  }

  @Override
  public BoundedHttpServer.Stream stream(Head head) {
    if (!head.path().equals("/api/stream")) {
      return null;
    }
    String session = Sessions.idFrom(head.header("Cookie"));
    Optional<Viewer> viewer = sessions.viewer(session);
    if (viewer.isEmpty()) {
      return null; // handle() says 401
    }
    Snapshot.Visibility visibility = visibility(viewer.get());
    return live.subscribe(viewer.get().user(), snapshot -> "event: overview\nid: " + snapshot.version + "\ndata: "
        + json(snapshot.visibleTo(visibility)) + "\n\n", () -> sessions.viewer(session).isPresent(),
        SECURITY_HEADERS);
  }

  @Override
  public Reply handle(Head head, byte[] body) {
    try {
      return answer(head);
    } catch (Access.TooManyReviews e) {
      return secured(error(429, e.getMessage()).withHeader("Retry-After",
          String.valueOf(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000))));
    }
  }

  private Reply answer(Head head) {
    String path = head.path();
    if (path.equals("/api/session")) {
      return session(head);
    }
    if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
      return secured(error(405, "only GET is served here").withHeader("Allow", "GET, HEAD"));
    }
    StaticFiles.File file = files.get(path.equals("/index.html") ? "/" : path);
    if (file != null) {
      return secured(new Reply(200, file.contentType(), file.body(), Map.of()));
    }
    if (!path.startsWith("/api/")) {
      return secured(error(404, "no such page"));
    }
    if (path.equals("/api/stream")) {
      return secured(streamRefused(head));
    }
    Optional<Viewer> viewer = viewer(head);
    if (viewer.isEmpty()) {
      return secured(error(401, "log in with a Kubernetes bearer token"));
    }
    Snapshot.Visibility visibility = visibility(viewer.get());
    if (path.equals("/api/overview")) {
      return secured(Reply.json(200, bytes(live.snapshot().visibleTo(visibility))));
    }
    Matcher app = APP.matcher(path);
    if (app.matches()) {
      return secured(app(viewer.get(), visibility, app.group(1), app.group(2)));
    }
    Matcher graph = GRAPH.matcher(path);
    if (graph.matches()) {
      return secured(graph(visibility, graph.group(1), graph.group(2)));
    }
    return secured(error(404, "no such page"));
  }

  /** Why stream() opened no stream: no session (the stream takes no token), or too many open. */
  private Reply streamRefused(Head head) {
    Optional<Viewer> viewer = sessions.viewer(Sessions.idFrom(head.header("Cookie")));
    if (viewer.isEmpty()) {
      return error(401, "the live stream needs the session cookie a login (POST /api/session) gives");
    }
    if (live.fullFor(viewer.get().user())) {
      return error(429, "you have " + Dashboard.MAX_STREAMS_PER_USER + " live streams open (one a tab): close one")
          .withHeader("Retry-After", "10");
    }
    return error(503, "too many live streams are open; try again later").withHeader("Retry-After", "10");
  }

  @Override
  public Reply refusal(Head head, int status, String message) {
    return secured(error(status, message));
  }

  /**
   * POST: the bearer token checks out, a session cookie for the live stream (the session renewed when the request
   * carries it); DELETE: the session ends, and its live streams with it.
   */
  private Reply session(Head head) {
    if (head.method().equals("DELETE")) {
      sessions.close(Sessions.idFrom(head.header("Cookie")));
      return secured(new Reply(204, "text/plain", new byte[0], Map.of()).withHeader("Set-Cookie",
          Sessions.expiredCookie()));
    }
    if (!head.method().equals("POST")) {
      return secured(error(405, "POST logs in, DELETE logs out").withHeader("Allow", "POST, DELETE"));
    }
    Optional<Viewer> viewer = access.authenticate(bearer(head));
    if (viewer.isEmpty()) {
      // The page's renewal, its token now refused (revoked, expired): its session and live stream end now.
      Reply refused = error(401, "the token was not accepted: it is unknown, expired or revoked");
      String presented = Sessions.idFrom(head.header("Cookie"));
      if (presented != null) {
        sessions.close(presented);
        refused = refused.withHeader("Set-Cookie", Sessions.expiredCookie());
      }
      return secured(refused);
    }
    String session = sessions.renewOrOpen(Sessions.idFrom(head.header("Cookie")), viewer.get());
    return secured(new Reply(200, "application/json", bytes(Map.of("user", viewer.get().user())), Map.of())
        .withHeader("Set-Cookie", Sessions.cookie(session)));
  }

  /** The viewer of a request: its bearer token's, else its session's. */
  private Optional<Viewer> viewer(Head head) {
    String token = bearer(head);
    if (token != null) {
      return access.authenticate(token);
    }
    return sessions.viewer(Sessions.idFrom(head.header("Cookie")));
  }

  private static String bearer(Head head) {
    String authorization = head.header("Authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).strip() : null;
  }

  private Snapshot.Visibility visibility(Viewer viewer) {
    return (resource, namespace) -> access.allows(viewer, Api.GROUP, resource, "get", namespace);
  }

  private Reply app(Viewer viewer, Snapshot.Visibility visibility, String namespace, String name) {
    if (!visibility.mayGet(Snapshot.APPS, namespace)) {
      return error(404, "no app " + namespace + "/" + name);
    }
    Optional<AppDeployment> found = caches.apps().stream()
        .filter(a -> namespace.equals(a.getMetadata().getNamespace()) && name.equals(a.getMetadata().getName()))
        .findFirst();
    if (found.isEmpty()) {
      return error(404, "no app " + namespace + "/" + name);
    }
    AppDeployment deployment = found.get();
    AppView view = Snapshot.app(deployment);
    AppDeploymentStatus status = deployment.getStatus();
    List<ConditionView> conditions = status == null || status.getConditions() == null ? List.of()
        : status.getConditions().stream().limit(MAX_CONDITIONS).map(c -> Snapshot.condition(c, ShownText.PAGE))
            .toList();
    RecentEvents.Read read = access.allows(viewer, "", "events", "list", namespace)
        ? events.of(namespace, name) : new RecentEvents.Read(null, "you may not list events in " + namespace);
    PoolView pool = null;
    List<AppView> poolApps = null;
    Snapshot snapshot = live.snapshot();
    if (view.runtime() != null) {
      if (visibility.mayGet(Snapshot.POOLS, namespace)) {
        pool = snapshot.pools.stream().filter(p -> p.namespace().equals(namespace) && p.name().equals(view.runtime()))
            .findFirst().orElse(null);
      }
      poolApps = snapshot.appsOfPool(namespace, view.runtime()).stream().filter(a -> !a.name().equals(name)).toList();
    }
    // Credentials in a URL of the spec (an artifact's) are never shown; the rest is what kubectl shows its viewer.
    String spec = deployment.getSpec() == null ? "" : SafeUrls.redact(Serialization.asYaml(deployment.getSpec())
        .replaceFirst("^---\\n", ""));
    return Reply.json(200, bytes(new AppDetail(view, conditions, spec, read.events(), read.error(), pool,
        poolApps)));
  }

  private Reply graph(Snapshot.Visibility visibility, String namespace, String source) {
    Snapshot snapshot = live.snapshot();
    if (!visibility.mayGet(Snapshot.SOURCES, namespace) || !visibility.mayGet(Snapshot.APPS, namespace)
        || snapshot.sources.stream().noneMatch(s -> s.namespace().equals(namespace) && s.name().equals(source))) {
      return error(404, "no source " + namespace + "/" + source);
    }
    List<AppView> namespaceApps = snapshot.apps.stream().filter(a -> a.namespace().equals(namespace)).toList();
    List<AppView> apps = namespaceApps.stream().filter(a -> source.equals(a.source())).toList();
    return Reply.json(200, bytes(DependencyGraph.of(namespace, source, apps, namespaceApps)));
  }

  private static Reply error(int status, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", message);
    return Reply.json(status, bytes(body));
  }

  private static Reply secured(Reply reply) {
    Reply secured = reply;
    for (Map.Entry<String, String> header : SECURITY_HEADERS.entrySet()) {
      secured = secured.withHeader(header.getKey(), header.getValue());
    }
    return secured;
  }

  private static byte[] bytes(Object value) {
    return json(value).getBytes(StandardCharsets.UTF_8);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the dashboard's views are plain values", e);
    }
  }
}
