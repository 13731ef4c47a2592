package io.bcgitops.webhook;

import io.bcgitops.controller.OperatorHarness;
import static io.bcgitops.webhook.Hooks.branch;
import static io.bcgitops.webhook.Hooks.commit;
import static io.bcgitops.webhook.Hooks.createSource;
import static io.bcgitops.webhook.Hooks.githubPush;
import static io.bcgitops.webhook.Hooks.gitlabPush;
import static io.bcgitops.webhook.Hooks.requested;
import static io.bcgitops.webhook.Hooks.semver;
import static io.bcgitops.webhook.Hooks.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.testing.HostileClients;
import io.bcgitops.testing.HostileClients.Flood;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The receiver served on loopback, against Fabric8's mock API server in CRUD mode with the CRDs from crds/. */
@EnableKubernetesMockClient(crud = true)
class WebhookReceiverTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cr3t-token-value";

  private final int n = TESTS.incrementAndGet();
  /** The watched namespace, another one the operator does not watch, and the operator's own (the Secret's). */
  private final String ns = "hook-" + n;
  private final String unwatched = "elsewhere-" + n;
  private final String ops = "ops-" + n;
  /** Per test, so that tests sharing the mock server never match each other's sources. */
  private final String repo = "https://github.com/acme/shop-" + n + ".git";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Hooks> served = new ArrayList<>();
  private Hooks hooks;

  @BeforeAll
  static void registerCrds() throws Exception {
    OperatorHarness.registerCrds(client);
  }

  @BeforeEach
  void start() throws IOException {
    logs.start();
    ((Logger) LoggerFactory.getLogger(WebhookReceiver.class)).addAppender(logs);
    Hooks.createSecret(client, ops, "webhook", TOKEN);
    hooks = serve(new WebhookReceiver(client, Set.of(ns), ops, "webhook"));
  }

  @AfterEach
  void stop() {
    served.forEach(Hooks::close);
    ((Logger) LoggerFactory.getLogger(WebhookReceiver.class)).detachAppender(logs);
    for (ILoggingEvent event : logs.list) {
      assertFalse(event.getFormattedMessage().contains(TOKEN), "the secret is never logged: " + event);
      assertFalse(event.getFormattedMessage().contains("sha256="), "signatures are never logged: " + event);
    }
  }

  private Hooks serve(WebhookReceiver receiver) throws IOException {
    return serve(receiver, HttpLimits.WEBHOOKS);
  }

  private Hooks serve(WebhookReceiver receiver, HttpLimits limits) throws IOException {
    Hooks h = Hooks.serve(receiver, limits);
    served.add(h);
    return h;
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static List<String> triggered(HttpResponse<String> response) throws IOException {
    List<String> out = new ArrayList<>();
    json(response).path("triggered").forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The annotation of every source in the test's namespaces, to show that a rejected delivery changed none. */
  private Map<String, String> annotations() {
    Map<String, String> out = new TreeMap<>();
    for (String namespace : List.of(ns, unwatched)) {
      for (GitOpsSource s : client.resources(GitOpsSource.class).inNamespace(namespace).list().getItems()) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        out.put(namespace + "/" + s.getMetadata().getName(), a == null ? null : a.get(Api.RECONCILE_REQUESTED_AT));
      }
    }
    return out;
  }

  @Test
  void aSignedGithubPushTriggersTheSourcesOnThatRepositoryAndBranchOnly() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { }); // no ref: branch main
    createSource(client, ns, "shop-main", repo.replace(".git", ""), branch("main"));
    createSource(client, ns, "shop-dev", repo, branch("dev"));
    createSource(client, ns, "shop-pinned", repo, commit("a".repeat(40)));
    createSource(client, ns, "shop-tag", repo, tag("v1.0.0"));
    createSource(client, ns, "other-repo", "https://github.com/acme/other-" + n + ".git", spec -> { });
    createSource(client, unwatched, "shop", repo, spec -> { });
    createSource(client, ns, "shop-suspended", repo, spec -> spec.setSuspend(true));

    HttpResponse<String> response = hooks.github("push", githubPush("refs/heads/main", repo, null), TOKEN);

    assertEquals(202, response.statusCode(), response.body());
    assertEquals(List.of(ns + "/shop", ns + "/shop-main"), triggered(response));
    assertEquals(repo, json(response).path("repository").asText());
    assertEquals("refs/heads/main", json(response).path("ref").asText());
    assertEquals(List.of(ns + "/shop", ns + "/shop-main"), requested(client, ns, unwatched));
    String value = client.resources(GitOpsSource.class).inNamespace(ns).withName("shop").get().getMetadata()
        .getAnnotations().get(Api.RECONCILE_REQUESTED_AT);
    java.time.Instant.parse(value); // an ISO-8601 instant

    // A second push sets a new value, so the controller sees a change again.
    assertEquals(202, hooks.github("push", githubPush("refs/heads/main", repo, null), TOKEN).statusCode());
    String again = client.resources(GitOpsSource.class).inNamespace(ns).withName("shop").get().getMetadata()
        .getAnnotations().get(Api.RECONCILE_REQUESTED_AT);
    assertFalse(value.equals(again), "a new push gives the annotation a new value");

    HttpResponse<String> dev = hooks.github("push", githubPush("refs/heads/dev", repo, null), TOKEN);
    assertEquals(List.of(ns + "/shop-dev"), triggered(dev));
  }

  @Test
  void sshAndScpUrlsNameTheSameRepositoryAsHttps() throws Exception {
    String path = "acme/shop-" + n;
    createSource(client, ns, "scp", "git@github.com:" + path + ".git", spec -> { });
    createSource(client, ns, "ssh", "ssh://git@GitHub.com:22/" + path + "/", spec -> { });
    createSource(client, ns, "https-user", "https://deploy:pw@github.com/" + path, spec -> { });
    createSource(client, ns, "git", "git://github.com/" + path + ".git", spec -> { });
    createSource(client, ns, "other-host", "git@gitlab.com:" + path + ".git", spec -> { });
    createSource(client, ns, "prefix", "https://github.com/" + path + "-extra", spec -> { });

    // Only the https clone URL in the payload: the ssh and scp sources match it by normalisation.
    HttpResponse<String> https = hooks.github("push", githubPush("refs/heads/main", repo, null), TOKEN);
    assertEquals(List.of(ns + "/git", ns + "/https-user", ns + "/scp", ns + "/ssh"), triggered(https));

    // Only an scp-form URL in the payload matches the https source just the same.
    createSource(client, ns, "https", "https://github.com/" + path, spec -> { });
    String body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"ssh_url\":\"git@github.com:" + path + ".git\"}}";
    assertEquals(List.of(ns + "/git", ns + "/https", ns + "/https-user", ns + "/scp", ns + "/ssh"),
        triggered(hooks.github("push", body, TOKEN)));
  }

  @Test
  void aBadOrMissingSignatureIs401AndChangesNothing() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    createSource(client, unwatched, "shop", repo, spec -> { });
    Map<String, String> before = annotations();
    String body = githubPush("refs/heads/main", repo, null);

    HttpResponse<String> wrongSecret = hooks.github("push", body, "not-the-token");
    HttpResponse<String> unsigned = hooks.github("push", body, null);
    HttpResponse<String> malformed = hooks.post("/hook/github", body,
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz"));
    HttpResponse<String> sha1 = hooks.post("/hook/github", body,
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", Hooks.sign(TOKEN, body).replace("sha256=", "sha1=")));
    HttpResponse<String> tampered = hooks.post("/hook/github", body.replace("main", "dev"),
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", Hooks.sign(TOKEN, body)));

    for (HttpResponse<String> r : List.of(wrongSecret, unsigned, malformed, sha1, tampered)) {
      assertEquals(401, r.statusCode(), r.body());
      assertFalse(r.body().contains(TOKEN));
      assertFalse(json(r).has("triggered"));
    }
    assertTrue(unsigned.body().contains("X-Hub-Signature-256"), unsigned.body());
    assertEquals(before, annotations());
    assertEquals(List.of(), requested(client, ns, unwatched));
  }

  @Test
  void gitlabPushIsVerifiedWithItsToken() throws Exception {
    String http = "https://gitlab.example.com/group/app-" + n + ".git";
    String ssh = "git@gitlab.example.com:group/app-" + n + ".git";
    createSource(client, ns, "app", ssh, spec -> { });
    createSource(client, ns, "app-dev", http, branch("dev"));
    String body = gitlabPush("push", "refs/heads/main", http, ssh);

    HttpResponse<String> wrong = hooks.gitlab("Push Hook", body, "wrong");
    HttpResponse<String> missing = hooks.post("/hook/gitlab", body, Map.of("X-Gitlab-Event", "Push Hook"));
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertEquals(401, missing.statusCode(), missing.body());
    assertEquals(List.of(), requested(client, ns));

    HttpResponse<String> right = hooks.gitlab("Push Hook", body, TOKEN);
    assertEquals(202, right.statusCode(), right.body());
    assertEquals(List.of(ns + "/app"), triggered(right));
    assertEquals(List.of(ns + "/app"), requested(client, ns));

    // GitLab's other events are verified, then ignored.
    HttpResponse<String> issue = hooks.gitlab("Issue Hook", "{\"object_kind\":\"issue\"}", TOKEN);
    assertEquals(202, issue.statusCode());
    assertTrue(issue.body().contains("ignored"));
  }

  @Test
  void aTagPushTriggersTagAndSemverSources() throws Exception {
    createSource(client, ns, "v1", repo, tag("v1.2.0"));
    createSource(client, ns, "v1-old", repo, tag("v1.1.0"));
    createSource(client, ns, "range", repo, semver(">=1.0.0 <2.0.0"));
    createSource(client, ns, "main", repo, spec -> { });
    createSource(client, ns, "pinned", repo, commit("b".repeat(40)));

    HttpResponse<String> github = hooks.github("push", githubPush("refs/tags/v1.2.0", repo, null), TOKEN);
    assertEquals(202, github.statusCode(), github.body());
    assertEquals(List.of(ns + "/range", ns + "/v1"), triggered(github));
    assertEquals(List.of(ns + "/range", ns + "/v1"), requested(client, ns));

    String ssh = repo.replace("https://github.com/", "git@github.com:");
    HttpResponse<String> gitlab = hooks.gitlab("Tag Push Hook", gitlabPush("tag_push", "refs/tags/v1.1.0", repo, ssh),
        TOKEN);
    assertEquals(List.of(ns + "/range", ns + "/v1-old"), triggered(gitlab));
  }

  @Test
  void aPushNoSourceWatchesIsAnswered200WithAnEmptyList() throws Exception {
    createSource(client, ns, "pinned", repo, commit("c".repeat(40)));
    HttpResponse<String> response = hooks.github("push", githubPush("refs/heads/main", repo, null), TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(List.of(), triggered(response));
    assertTrue(json(response).path("triggered").isArray());
  }

  @Test
  void withNoNamespaceListedEveryNamespaceIsWatched() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    createSource(client, unwatched, "shop", repo, spec -> { });
    Hooks all = serve(new WebhookReceiver(client, Set.of(), ops, "webhook"));

    HttpResponse<String> response = all.github("push", githubPush("refs/heads/main", repo, null), TOKEN);

    assertEquals(List.of(unwatched + "/shop", ns + "/shop"), triggered(response));
  }

  @Test
  void aBodyOverOneMebibyteIs413AndTriggersNothing() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    // A valid, signed push padded past 1 MiB: too large however well signed.
    String body = padded(WebhookReceiver.MAX_BODY_BYTES + 1);
    String signature = Hooks.sign(TOKEN, body);

    // Declared too large by Content-Length: refused before the body is read.
    String declared = rawRequest("POST /hook/github HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Event: push\r\n"
        + "X-Hub-Signature-256: " + signature + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n", null);
    assertTrue(declared.startsWith("HTTP/1.1 413"), declared);

    // Streamed (chunked, no Content-Length): refused once more than 1 MiB has arrived.
    HttpResponse<String> streamed = Hooks.HTTP.send(HttpRequest.newBuilder(hooks.uri("/hook/github"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
        .header("X-GitHub-Event", "push").header("X-Hub-Signature-256", signature).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, streamed.statusCode(), streamed.body());

    assertEquals(List.of(), requested(client, ns));
    // Exactly 1 MiB is accepted.
    assertEquals(202, hooks.github("push", padded(WebhookReceiver.MAX_BODY_BYTES), TOKEN).statusCode());
  }

  /** A body sent as fast as the client can: refused on its declared length, unread, and logged as a delivery. */
  @Test
  void aThreeHundredMegabyteDeliveryIsRefusedUnread() throws Exception {
    long huge = 300L << 20;
    Flood flood = HostileClients.flood(hooks.port(), "POST /hook/github HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\n"
        + "Content-Length: " + huge + "\r\n\r\n", huge, Duration.ofSeconds(20));

    assertEquals("HTTP/1.1 413 Payload Too Large", flood.statusLine(), flood.answer());
    assertTrue(flood.answer().endsWith("{\"error\":\"the body is larger than 1048576 bytes\"}"), flood.answer());
    assertTrue(flood.bytesSent() < 64L << 20, flood.bytesSent() + " bytes sent");
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith(
        "rejected (413): the body is larger than 1048576 bytes")), logs.list::toString);
  }

  /**
   * GitLab's token is a header: a delivery without the right one is refused on its head, and its body (announced,
   * never sent) is not waited for. Before, the body was read first: the delivery held its connection until the
   * receive deadline, and got no answer.
   */
  @Test
  void aGitlabDeliveryWithAWrongTokenIsRefusedBeforeItsBody() throws Exception {
    for (String token : List.of("X-Gitlab-Token: wrong\r\n", "")) {
      long start = System.nanoTime();
      try (Socket socket = HostileClients.stalled(hooks.port(), "POST /hook/gitlab HTTP/1.1\r\nHost: x\r\n"
          + "X-Gitlab-Event: Push Hook\r\n" + token + "Content-Length: 1048576\r\n\r\n{\"object_kind\":")) {
        String answer = HostileClients.untilClosed(socket, Duration.ofSeconds(20));
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();

        assertTrue(answer != null && answer.startsWith("HTTP/1.1 401 "), String.valueOf(answer));
        assertTrue(answer.contains("Connection: close"), answer);
        assertTrue(answer.contains(token.isEmpty() ? "no X-Gitlab-Token header" : "the X-Gitlab-Token does not match"),
            answer);
        assertTrue(took < 2000, "answered after " + took + " ms");
      }
    }
  }

  /** Deliveries that stall (mid-head, mid-body) are closed at the deadline and delay no other one. */
  @Test
  void stalledDeliveriesDelayNoOther() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    Hooks bounded = serve(new WebhookReceiver(client, Set.of(ns), ops, "webhook"),
        HttpLimits.WEBHOOKS.withDeadlines(Duration.ofSeconds(1), Duration.ofSeconds(10)).withMaxConnections(64));
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        stalled.add(HostileClients.stalled(bounded.port(), "POST /hook/github HTTP/1.1\r\nHost: x\r\nX-Hub-Sig"));
        stalled.add(HostileClients.stalled(bounded.port(), "POST /hook/github HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 1000\r\n\r\n{\"ref\":"));
      }
      long start = System.nanoTime();
      HttpResponse<String> push = bounded.github("push", githubPush("refs/heads/main", repo, null), TOKEN);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertEquals(202, push.statusCode(), push.body());
      assertTrue(took < 2000, "answered after " + took + " ms");
      for (Socket socket : stalled) {
        assertEquals("", HostileClients.untilClosed(socket, Duration.ofSeconds(20)), "closed without an answer");
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  /** A push event on the test's repository and main, padded to exactly {@code bytes} bytes. */
  private String padded(int bytes) {
    String base = githubPush("refs/heads/main", repo, null).replace("\"pusher\"", "\"padding\":\"\",\"pusher\"");
    return base.replace("\"padding\":\"\"", "\"padding\":\"" + "x".repeat(bytes - base.length()) + "\"");
  }

  @Test
  void withoutItsSecretEveryDeliveryIs503SayingWhichSecret() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    String body = githubPush("refs/heads/main", repo, null);
    Hooks none = serve(new WebhookReceiver(client, Set.of(ns), ops, null));
    Hooks missing = serve(new WebhookReceiver(client, Set.of(ns), ops, "no-such-secret"));
    client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace(ops)
        .withName("no-token").endMetadata().addToData("other", Base64.getEncoder().encodeToString(new byte[] {1}))
        .build()).create();
    Hooks noToken = serve(new WebhookReceiver(client, Set.of(ns), ops, "no-token"));

    HttpResponse<String> notConfigured = none.github("push", body, TOKEN);
    assertEquals(503, notConfigured.statusCode());
    assertTrue(json(notConfigured).path("error").asText().contains("no webhook Secret is configured"),
        notConfigured.body());

    for (HttpResponse<String> r : List.of(missing.github("push", body, TOKEN), missing.github("ping", "{}", null),
        missing.gitlab("Push Hook", gitlabPush("push", "refs/heads/main", repo, repo), TOKEN))) {
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(json(r).path("error").asText().contains(ops + "/no-such-secret"), r.body());
      assertTrue(json(r).path("error").asText().contains("missing"), r.body());
    }
    HttpResponse<String> empty = noToken.github("push", body, TOKEN);
    assertEquals(503, empty.statusCode());
    assertTrue(json(empty).path("error").asText().contains(ops + "/no-token has no key 'token'"), empty.body());
    assertEquals(List.of(), requested(client, ns));
  }

  @Test
  void pingIs200AndOtherGithubEventsAreIgnored() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    HttpResponse<String> ping = hooks.github("ping", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}", TOKEN);
    assertEquals(200, ping.statusCode(), ping.body());
    HttpResponse<String> unsignedPing = hooks.github("ping", "{\"zen\":\"x\"}", null);
    assertEquals(401, unsignedPing.statusCode());

    HttpResponse<String> issues = hooks.github("issues", githubPush("refs/heads/main", repo, null), TOKEN);
    assertEquals(202, issues.statusCode());
    assertTrue(json(issues).path("message").asText().contains("ignored"), issues.body());
    assertEquals(List.of(), requested(client, ns));
  }

  @Test
  void onlyPostIsAllowedAndOnlyKnownProvidersAreServed() throws Exception {
    HttpResponse<String> get = Hooks.HTTP.send(HttpRequest.newBuilder(hooks.uri("/hook/github")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
    HttpResponse<String> put = Hooks.HTTP.send(HttpRequest.newBuilder(hooks.uri("/hook/gitlab"))
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, put.statusCode());

    HttpResponse<String> unknown = hooks.post("/hook/bitbucket", "{}", Map.of());
    assertEquals(404, unknown.statusCode());
  }

  @Test
  void aSignedBodyThatIsNotAPushEventIs400() throws Exception {
    HttpResponse<String> garbage = hooks.github("push", "{not json", TOKEN);
    assertEquals(400, garbage.statusCode(), garbage.body());
    assertTrue(json(garbage).path("error").asText().contains("not valid JSON"), garbage.body());
    assertEquals(400, hooks.github("push", "[1,2]", TOKEN).statusCode());
    assertEquals(400, hooks.github("push", "{\"repository\":{\"clone_url\":\"" + repo + "\"}}", TOKEN).statusCode());
    assertEquals(400, hooks.github("push", "{\"ref\":\"refs/heads/main\"}", TOKEN).statusCode());
    assertEquals(400, hooks.gitlab("Push Hook", "{\"object_kind\":", TOKEN).statusCode());
  }

  @Test
  void githubFormEncodedDeliveriesAreAccepted() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    String body = "payload=" + URLEncoder.encode(githubPush("refs/heads/main", repo, null), StandardCharsets.UTF_8);
    HttpResponse<String> response = hooks.post("/hook/github", body, Map.of("Content-Type",
        "application/x-www-form-urlencoded", "X-GitHub-Event", "push", "X-Hub-Signature-256", Hooks.sign(TOKEN, body)));
    assertEquals(202, response.statusCode(), response.body());
    assertEquals(List.of(ns + "/shop"), triggered(response));
  }

  @Test
  void aRotatedTokenIsUsedAtOnceAndATrailingNewlineInTheSecretIsTolerated() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    String body = githubPush("refs/heads/main", repo, null);
    assertEquals(202, hooks.github("push", body, TOKEN).statusCode());

    client.secrets().inNamespace(ops).withName("webhook").edit(s -> {
      s.setData(Map.of(WebhookSecret.KEY, Base64.getEncoder().encodeToString("rotated\n".getBytes(StandardCharsets.UTF_8))));
      s.setStringData(null);
      return s;
    });
    Thread.sleep(1100); // a token verified within the last second is not re-read

    assertEquals(202, hooks.github("push", body, "rotated").statusCode());
    assertEquals(202, hooks.github("push", body, "rotated\n").statusCode());
    assertEquals(401, hooks.github("push", body, TOKEN).statusCode());
  }

  @Test
  void eachDeliveryLogsOneLineWithProviderRepositoryRefAndOutcome() throws Exception {
    createSource(client, ns, "shop", repo, spec -> { });
    hooks.github("push", githubPush("refs/heads/main", repo, null), TOKEN);
    hooks.github("push", githubPush("refs/heads/main", repo, null), "wrong");

    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("webhook github delivery d-"), lines.get(0));
    assertTrue(lines.get(0).contains("push " + repo + " refs/heads/main: triggered [" + ns + "/shop]"), lines.get(0));
    assertTrue(lines.get(1).contains("rejected (401)"), lines.get(1));
  }

  /** Sends {@code head} (and {@code body}) on a plain socket; returns what the server answered. */
  private String rawRequest(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), hooks.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int read;
      while ((read = in.read(buffer)) > 0) {
        answer.write(buffer, 0, read);
        if (answer.toString(StandardCharsets.ISO_8859_1).contains("}")) {
          break;
        }
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
