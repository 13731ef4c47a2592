package io.bcgitops.webhook;

import static io.bcgitops.webhook.Hooks.createSource;
import static io.bcgitops.webhook.Hooks.githubPush;
import static io.bcgitops.webhook.Hooks.gitlabPush;
import static io.bcgitops.webhook.Hooks.requested;
import static java.nio.charset.StandardCharsets.UTF_8;
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
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.api.WebhookSpec;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.http.HttpLimits;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each source's own receiver, tried as a tenant trying to reach past its own source would: two tenants, each with
 * a source, a Secret and a path of its own, on one operator that also serves the shared receiver.
 */
@EnableKubernetesMockClient(crud = true)
class SourceWebhookTest {
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_A = "token-of-tenant-a";
  private static final String TOKEN_B = "token-of-tenant-b";
  private static final String SHARED = "the-operators-shared-token";

  private final int n = TESTS.incrementAndGet();
  private final String a = "tenant-a-" + n;
  private final String b = "tenant-b-" + n;
  private final String ops = "ops-" + n;
  private final String repoA = "https://github.com/acme/a-" + n + ".git";
  private final String repoB = "https://github.com/acme/b-" + n + ".git";
  /** The receiver's clock for rate limits and replays, moved by the tests. */
  private final AtomicLong nanos = new AtomicLong();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final AtomicInteger pushes = new AtomicInteger();
  private Hooks hooks;
  private String pathA;
  private String pathB;

  @BeforeAll
  static void registerCrds() throws Exception {
    OperatorHarness.registerCrds(client);
  }

  @BeforeEach
  void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(WebhookReceiver.class)).addAppender(logs);
    Hooks.createSecret(client, ops, "webhook", SHARED);
    secret(a, "hook", true, TOKEN_A);
    secret(b, "hook", true, TOKEN_B);
    hooks = Hooks.serve(new WebhookReceiver(client, Set.of(a, b), ops, "webhook", Clock.systemUTC(), nanos::get),
        HttpLimits.WEBHOOKS);
    pathA = enable(createSource(client, a, "shop", repoA, spec -> spec.setWebhook(webhook("hook"))));
    pathB = enable(createSource(client, b, "shop", repoB, spec -> spec.setWebhook(webhook("hook"))));
  }

  @AfterEach
  void stop() {
    hooks.close();
    ((Logger) LoggerFactory.getLogger(WebhookReceiver.class)).detachAppender(logs);
    for (ILoggingEvent event : logs.list) {
      for (String secret : List.of(TOKEN_A, TOKEN_B, SHARED, "sha256=")) {
        assertFalse(event.getFormattedMessage().contains(secret), "no secret nor signature is logged: " + event);
      }
    }
  }

  private static WebhookSpec webhook(String secret) {
    WebhookSpec webhook = new WebhookSpec();
    webhook.setEnabled(true);
    webhook.setSecretRef(new LocalObjectReference(secret));
    return webhook;
  }

  /** A Secret as the API server stores it (values in data), labelled as credentials or not. */
  private static void secret(String namespace, String name, boolean labelled, String token) {
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withLabels(labelled ? Map.of(Api.CREDENTIALS_LABEL, "true") : Map.of()).endMetadata()
        .withData(Map.of(WebhookSpec.TOKEN_KEY, Base64.getEncoder().encodeToString(token.getBytes(UTF_8))))
        .build()).createOr(r -> r.update());
  }

  /** Gives the source the path the operator would (random), as its status; returns it once the receiver has it. */
  private static String enable(GitOpsSource source) {
    String path = WebhookSpec.PATH_PREFIX + HexFormat.of().formatHex(RANDOM.generateSeed(16));
    GitOpsSourceStatus status = new GitOpsSourceStatus();
    status.setWebhookPath(path);
    source.setStatus(status);
    Hooks.awaitCached(client.resource(source).updateStatus());
    return path;
  }

  /** A GitHub push of {@code repo}'s main, new each time (as each real push is), signed with {@code token}. */
  private HttpResponse<String> github(String path, String repo, String token) throws Exception {
    String body = githubPush("refs/heads/main", repo, null).replace("\"pusher\"",
        "\"after_push\":" + pushes.incrementAndGet() + ",\"pusher\"");
    return github(path, body, token, "delivery-" + n + "-" + pushes.get());
  }

  private HttpResponse<String> github(String path, String body, String token, String delivery) throws Exception {
    return hooks.post(path, body, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", Hooks.sign(token, body),
        "X-GitHub-Delivery", delivery));
  }

  private HttpResponse<String> gitlab(String path, String repo, String token) throws Exception {
    String body = gitlabPush("push", "refs/heads/main", repo, repo).replace("\"ref\"",
        "\"after_push\":" + pushes.incrementAndGet() + ",\"ref\"");
    return hooks.post(path, body, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", token,
        "X-Gitlab-Event-UUID", "uuid-" + n + "-" + pushes.get()));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private Map<String, String> annotations() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String ns : List.of(a, b)) {
      Map<String, String> annotations = client.resources(GitOpsSource.class).inNamespace(ns).withName("shop").get()
          .getMetadata().getAnnotations();
      out.put(ns, annotations == null ? null : annotations.get(Api.RECONCILE_REQUESTED_AT));
    }
    return out;
  }

  @Test
  void aTenantsTokenTriggersItsOwnSourceOnly() throws Exception {
    Map<String, String> before = annotations();

    // Tenant A's token on tenant B's path, for B's repository: refused, GitHub and GitLab alike.
    HttpResponse<String> githubToB = github(pathB, repoB, TOKEN_A);
    HttpResponse<String> gitlabToB = gitlab(pathB, repoB, TOKEN_A);
    assertEquals(401, githubToB.statusCode(), githubToB.body());
    assertEquals(401, gitlabToB.statusCode(), gitlabToB.body());
    // ...and on the shared receiver, which has the operator's token only.
    assertEquals(401, hooks.github("push", githubPush("refs/heads/main", repoB, null), TOKEN_A).statusCode());
    assertEquals(401, hooks.gitlab("Push Hook", gitlabPush("push", "refs/heads/main", repoB, repoB), TOKEN_A)
        .statusCode());
    // ...and on its own path, naming B's repository: verified, but B's source is not A's.
    HttpResponse<String> ownPathOtherRepo = github(pathA, repoB, TOKEN_A);
    assertEquals(200, ownPathOtherRepo.statusCode(), ownPathOtherRepo.body());
    assertTrue(json(ownPathOtherRepo).path("message").asText().contains("not on this source's repository"),
        ownPathOtherRepo.body());
    assertEquals(before, annotations(), "nothing was triggered");
    assertEquals(List.of(), requested(client, a, b));

    // Tenant A's own push, on its path: its source, and only it.
    HttpResponse<String> own = github(pathA, repoA, TOKEN_A);
    assertEquals(202, own.statusCode(), own.body());
    assertEquals(List.of(a + "/shop"), JSON.convertValue(json(own).get("triggered"), List.class));
    assertEquals(List.of(a + "/shop"), requested(client, a, b));
    HttpResponse<String> ownGitlab = gitlab(pathB, repoB, TOKEN_B);
    assertEquals(202, ownGitlab.statusCode(), ownGitlab.body());
    assertEquals(List.of(a + "/shop", b + "/shop"), requested(client, a, b));
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(a + "/shop: push " + repoA
        + " refs/heads/main: triggered [" + a + "/shop]")), logs.list::toString);
  }

  @Test
  void aReplayedDeliveryIsRefused() throws Exception {
    String body = githubPush("refs/heads/main", repoA, null);
    assertEquals(202, github(pathA, body, TOKEN_A, "id-1").statusCode());
    String triggered = annotations().get(a);

    HttpResponse<String> same = github(pathA, body, TOKEN_A, "id-1");
    HttpResponse<String> newId = github(pathA, body, TOKEN_A, "id-2"); // the id is not signed: the body is
    HttpResponse<String> sameIdOtherBody = github(pathA, body.replace("\"pusher\"", "\"x\":1,\"pusher\""), TOKEN_A,
        "id-1");
    for (HttpResponse<String> replay : List.of(same, newId, sameIdOtherBody)) {
      assertEquals(409, replay.statusCode(), replay.body());
      assertTrue(json(replay).path("error").asText().contains("received already"), replay.body());
    }
    assertTrue(json(same).path("error").asText().contains("delivery id-1"), same.body());
    assertEquals(triggered, annotations().get(a), "a replay triggers nothing");
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("delivery id-1 from")
        && e.getFormattedMessage().contains("rejected (409): this delivery was received already")), logs.list::toString);

    // Remembered for an hour: then the same delivery is taken again (a redelivery from GitHub's page, say).
    nanos.addAndGet(TimeUnit.MINUTES.toNanos(61));
    assertEquals(202, github(pathA, body, TOKEN_A, "id-1").statusCode());
    // Tenant B's receiver has its own memory.
    String bodyB = githubPush("refs/heads/main", repoB, null);
    assertEquals(202, github(pathB, bodyB, TOKEN_B, "id-1").statusCode());
  }

  @Test
  void triggersOverTheRateAre429UntilTheBucketRefills() throws Exception {
    for (int i = 0; i < WebhookReceiver.BURST; i++) {
      assertEquals(202, github(pathA, repoA, TOKEN_A).statusCode());
    }
    String last = annotations().get(a);
    HttpResponse<String> over = github(pathA, repoA, TOKEN_A);
    assertEquals(429, over.statusCode(), over.body());
    assertEquals("20", over.headers().firstValue("Retry-After").orElse(null));
    assertTrue(json(over).path("error").asText().contains("triggered too often"), over.body());
    assertEquals(last, annotations().get(a));
    // Another tenant's source has its own budget.
    assertEquals(202, github(pathB, repoB, TOKEN_B).statusCode());

    nanos.addAndGet(WebhookReceiver.REFILL.toNanos());
    assertEquals(202, github(pathA, repoA, TOKEN_A).statusCode());
    assertEquals(429, github(pathA, repoA, TOKEN_A).statusCode());
  }

  @Test
  void aWrongOrMissingSignatureIs401() throws Exception {
    String body = githubPush("refs/heads/main", repoA, null);
    HttpResponse<String> wrong = github(pathA, body, "guess", "d1");
    HttpResponse<String> unsigned = hooks.post(pathA, body, Map.of("X-GitHub-Event", "push"));
    HttpResponse<String> tampered = hooks.post(pathA, body.replace("main", "dev"), Map.of("X-GitHub-Event", "push",
        "X-Hub-Signature-256", Hooks.sign(TOKEN_A, body)));
    HttpResponse<String> sharedToken = github(pathA, body, SHARED, "d2");
    HttpResponse<String> gitlabWrong = gitlab(pathA, repoA, "guess");
    for (HttpResponse<String> r : List.of(wrong, unsigned, tampered, sharedToken, gitlabWrong)) {
      assertEquals(401, r.statusCode(), r.body());
    }
    assertEquals(List.of(), requested(client, a, b));
    // The refused deliveries were not remembered: the genuine one is taken.
    assertEquals(202, github(pathA, body, TOKEN_A, "d1").statusCode());
  }

  @Test
  void aPathNoEnabledSourceHasIs404LikeAnyOther() throws Exception {
    String unknown = WebhookSpec.PATH_PREFIX + "0".repeat(32);
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(github(unknown, repoA, TOKEN_A));
    answers.add(gitlab(unknown, repoA, TOKEN_A));
    answers.add(github("/hook/" + pathA.substring(6, 20), repoA, TOKEN_A));
    answers.add(github(pathA + "/", repoA, TOKEN_A));
    answers.add(github("/hook/bitbucket", repoA, TOKEN_A));
    answers.add(github("/metrics", repoA, TOKEN_A));

    // A's webhook disabled: its path, still in the status, is 404 at once.
    client.resources(GitOpsSource.class).inNamespace(a).withName("shop").edit(s -> {
      s.getSpec().getWebhook().setEnabled(false);
      return s;
    });
    Hooks.awaitCached(client.resources(GitOpsSource.class).inNamespace(a).withName("shop").get());
    answers.add(github(pathA, repoA, TOKEN_A));

    for (HttpResponse<String> r : answers) {
      assertEquals(404, r.statusCode(), r.body());
      assertEquals("{\"error\":\"no webhook receiver here\"}", r.body(), "the same answer, naming no path");
    }
    assertEquals(List.of(), requested(client, a, b));
  }

  @Test
  void aSecretNotLabelledOrASuspendedSourceTriggerNothing() throws Exception {
    secret(a, "hook", false, TOKEN_A);
    Thread.sleep(1100); // a Secret read within the last second is not read again
    HttpResponse<String> unlabelled = github(pathA, repoA, TOKEN_A);
    assertEquals(503, unlabelled.statusCode(), unlabelled.body());
    assertTrue(json(unlabelled).path("error").asText().contains("is not labelled " + Api.CREDENTIALS_LABEL),
        unlabelled.body());

    client.resources(GitOpsSource.class).inNamespace(b).withName("shop").edit(s -> {
      s.getSpec().setSuspend(true);
      return s;
    });
    Hooks.awaitCached(client.resources(GitOpsSource.class).inNamespace(b).withName("shop").get());
    HttpResponse<String> suspended = github(pathB, repoB, TOKEN_B);
    assertEquals(200, suspended.statusCode(), suspended.body());
    assertTrue(json(suspended).path("message").asText().contains("suspended"), suspended.body());
    assertEquals(List.of(), requested(client, a, b));
  }

  /** Sources come from the receiver's cache: a delivery costs the API server its one patch, never a list. */
  @Test
  void noDeliveryListsSources() throws Exception {
    github(pathA, repoA, TOKEN_A); // the first reads the Secret; it is then kept
    hooks.github("push", githubPush("refs/heads/main", repoA, null), SHARED);
    drain();

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      answers.add(github(pathA, repoA, TOKEN_A).statusCode() + " own");
      answers.add(github(pathB, repoB, TOKEN_A).statusCode() + " forged");
      answers.add(github(WebhookSpec.PATH_PREFIX + "f".repeat(32), repoB, TOKEN_A).statusCode() + " unknown");
      answers.add(hooks.github("push", githubPush("refs/heads/main", repoB, null), SHARED).statusCode() + " shared");
    }
    List<String> requests = drain().stream()
        .filter(r -> !r.getPath().contains("watch=true")) // the informers' watches, opened before
        .map(r -> r.getMethod() + " " + r.getPath().replaceAll("\\?.*", "")).toList();

    assertEquals(List.of("202 own", "401 forged", "404 unknown", "202 shared", "202 own", "401 forged",
        "404 unknown", "202 shared"), answers);
    String sources = "/apis/bcgitops.io/v1alpha1/namespaces/";
    assertEquals(List.of("PATCH " + sources + a + "/gitopssources/shop", "PATCH " + sources + b + "/gitopssources/shop",
        "PATCH " + sources + a + "/gitopssources/shop", "PATCH " + sources + b + "/gitopssources/shop"),
        requests.stream().filter(r -> !r.contains("/secrets/")).toList(), "the patches, and no list");
    assertTrue(requests.stream().filter(r -> r.contains("/secrets/")).count() <= 2, requests::toString);
  }

  private static List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }
}
