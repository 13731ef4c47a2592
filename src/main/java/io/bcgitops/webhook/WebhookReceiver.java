package io.bcgitops.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.HttpLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives GitHub and GitLab push events and asks every GitOpsSource on the pushed repository and
 * ref to reconcile now (design §3), instead of at its next interval.
 *
 * <p>Serve it on a listener of its own, bounded for deliveries from the internet:
 *
 * <pre>{@code
 * new BoundedHttpServer("bcgitops-webhooks", address, HttpLimits.WEBHOOKS, WebhookReceiver.create(client, config));
 * }</pre>
 *
 * <p>Then {@code POST /hook/github} takes GitHub deliveries (content type JSON or form, signed with
 * {@code X-Hub-Signature-256}), and {@code POST /hook/gitlab} GitLab ones ({@code X-Gitlab-Token}).
 * Both are verified with key {@code token} of the configured Secret. Answers, each a small JSON object:
 * <ul>
 *   <li>202 {@code {"triggered": ["ns/name", ...]}}: a push that matched sources; 200 with an empty list when none did;
 *   <li>200 for GitHub's {@code ping}; 202 for any other verified event (ignored);
 *   <li>401 bad or missing signature/token; 503 no Secret configured, or the Secret is missing or has no token;
 *   <li>413 a body over 1 MiB (the listener reads no more of it); 405 a method other than POST; 404 another path;
 *       400 a body that is not a push event;
 *   <li>500 when the API server refused to list or annotate sources.
 * </ul>
 * Nothing is triggered unless the delivery is verified, and no body is read before the method, the path and the
 * Secret (and GitLab's token) are known to be right. Each delivery logs one line (provider, repository,
 * ref, and the sources triggered or why it was rejected); the secret and signatures never appear.
 *
 * <p>The handler is thread-safe and needs no leader: any replica can annotate the sources. It needs RBAC
 * to {@code get} the Secret, and to {@code list} and {@code patch} {@code gitopssources}.
 */
public final class WebhookReceiver implements BoundedHttpServer.Handler {
  /** Where to mount the receiver: {@code /hook/github} and {@code /hook/gitlab} are below it. */
  public static final String PATH = "/hook/";
  /** The largest body accepted; GitHub caps its payloads at 25 MB, but a push to a GitOps repo is far smaller. */
  public static final int MAX_BODY_BYTES = HttpLimits.WEBHOOKS.maxBodyBytes();

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final String GITHUB = "github";
  private static final String GITLAB = "gitlab";
  private static final String SIGNATURE_PREFIX = "sha256=";

  private final WebhookSecret secret;
  private final SourceTrigger trigger;
  private final ObjectMapper json = JsonMapper.builder().build();

  /**
   * @param client the operator's client: reads the Secret, lists and annotates GitOpsSources
   * @param namespaces the namespaces whose GitOpsSources the operator watches; empty means all
   * @param secretNamespace the namespace of the Secret (the operator's own)
   * @param secretName the Secret whose key {@code token} verifies deliveries; null when none is configured
   *     (every delivery is then answered 503, saying so)
   */
  public WebhookReceiver(KubernetesClient client, Set<String> namespaces, String secretNamespace, String secretName) {
    this(client, namespaces, secretNamespace, secretName, Clock.systemUTC());
  }

  WebhookReceiver(KubernetesClient client, Set<String> namespaces, String secretNamespace, String secretName,
      Clock clock) {
    this.secret = new WebhookSecret(client, secretNamespace, secretName);
    this.trigger = new SourceTrigger(client, namespaces, clock, json);
  }

  /** The receiver the operator's settings describe: watched namespaces, and BCGITOPS_WEBHOOK_SECRET in its own namespace. */
  public static WebhookReceiver create(KubernetesClient client, OperatorConfig config) {
    return new WebhookReceiver(client, config.namespaces(), config.service().ownNamespace(),
        config.service().webhookSecret());
  }

  /** The answer to one delivery and the line logged for it (none when null); {@code allow}: methods for a 405. */
  private record Reply(int status, Map<String, Object> body, String log, String allow) {
    Reply(int status, Map<String, Object> body, String log) {
      this(status, body, log, null);
    }

    static Reply error(int status, String message) {
      return new Reply(status, Map.of("error", message), "rejected (" + status + "): " + message);
    }

    Reply withAllow(String methods) {
      return new Reply(status, body, log, methods);
    }
  }

  /**
   * 405, 404, 503, and GitLab's 401, before the body is read: a delivery that cannot be verified costs no more than
   * its head.
   */
  @Override
  public BoundedHttpServer.Reply admit(Head head) {
    Reply refused = refuse(head);
    return refused == null ? null : answer(head, refused);
  }

  @Override
  public BoundedHttpServer.Reply handle(Head head, byte[] body) {
    Reply reply;
    try {
      reply = GITHUB.equals(provider(head)) ? github(head, body) : gitlab(head, body);
    } catch (RuntimeException e) {
      LOG.error("webhook {} delivery {}: failed", clean(provider(head)), clean(delivery(head)), e);
      reply = new Reply(500, Map.of("error", "internal error"), null);
    }
    return answer(head, reply);
  }

  /** The listener's refusals (a body over 1 MiB, one that stalled), as JSON, each logged as a delivery. */
  @Override
  public BoundedHttpServer.Reply refusal(Head head, int status, String message) {
    return answer(head, Reply.error(status, message));
  }

  private Reply refuse(Head head) {
    if (!"POST".equals(head.method())) {
      return Reply.error(405, "method " + clean(head.method()) + " not allowed: deliveries are POSTed")
          .withAllow("POST");
    }
    String provider = provider(head);
    if (!GITHUB.equals(provider) && !GITLAB.equals(provider)) {
      return Reply.error(404, "no webhook receiver here: use " + PATH + GITHUB + " or " + PATH + GITLAB);
    }
    String unavailable = secret.unavailable();
    if (unavailable != null) {
      return Reply.error(503, unavailable);
    }
    // GitLab's token is a header: it is checked before a byte of the body is read. GitHub's signature is the body's.
    return GITLAB.equals(provider) ? gitlabToken(head) : null;
  }

  /** 401 (or 503) for a GitLab delivery without the Secret's token; null when it has it. */
  private Reply gitlabToken(Head head) {
    String header = head.header("X-Gitlab-Token");
    if (header == null) {
      return Reply.error(401, "no X-Gitlab-Token header: set a secret token on the GitLab webhook");
    }
    byte[] given = header.getBytes(StandardCharsets.UTF_8);
    WebhookSecret.Check check = secret.verify(token -> WebhookSecret.sameSecret(token, given));
    if (check.unavailable() != null) {
      return Reply.error(503, check.unavailable());
    }
    return check.verified() ? null : Reply.error(401, "the X-Gitlab-Token does not match the webhook Secret's token");
  }

  private Reply github(Head head, byte[] body) {
    String header = head.header("X-Hub-Signature-256");
    if (header == null) {
      return Reply.error(401, "no X-Hub-Signature-256 header: set a secret on the GitHub webhook");
    }
    byte[] signature = signatureBytes(header);
    WebhookSecret.Check check = signature == null ? WebhookSecret.Check.REJECTED
        : secret.verify(token -> MessageDigest.isEqual(hmacSha256(token, body), signature));
    if (check.unavailable() != null) {
      return Reply.error(503, check.unavailable());
    }
    if (!check.verified()) {
      return Reply.error(401, "the X-Hub-Signature-256 signature does not match the body and the webhook Secret's token");
    }
    String event = head.header("X-GitHub-Event");
    if ("ping".equals(event)) {
      return new Reply(200, Map.of("message", "pong"), "ping answered");
    }
    if (!"push".equals(event)) {
      return ignored(event);
    }
    JsonNode payload;
    try {
      payload = parse(githubJson(head, body));
    } catch (Push.BadPayload e) {
      return Reply.error(400, e.getMessage());
    }
    return push(payload, List.of("repository"), List.of("clone_url", "ssh_url", "git_url", "html_url", "svn_url", "url"));
  }

  /** A delivery whose token admit() verified. */
  private Reply gitlab(Head head, byte[] body) {
    JsonNode payload;
    try {
      payload = parse(body);
    } catch (Push.BadPayload e) {
      return Reply.error(400, e.getMessage());
    }
    // object_kind is in the payload of project and system hooks alike; the header is the fallback.
    String kind = payload.path("object_kind").asText(null);
    if (kind == null) {
      String event = head.header("X-Gitlab-Event");
      kind = "Push Hook".equals(event) ? "push" : "Tag Push Hook".equals(event) ? "tag_push" : event;
    }
    if (!"push".equals(kind) && !"tag_push".equals(kind)) {
      return ignored(kind);
    }
    return push(payload, List.of("project", "repository"),
        List.of("git_http_url", "git_ssh_url", "http_url", "ssh_url", "web_url", "url", "homepage"));
  }

  private Reply push(JsonNode payload, List<String> objects, List<String> urlFields) {
    Push push;
    try {
      push = Push.from(payload, objects, urlFields);
    } catch (Push.BadPayload e) {
      return Reply.error(400, e.getMessage());
    }
    String what = "push " + clean(push.repository()) + " " + clean(push.ref());
    List<GitOpsSource> sources;
    try {
      sources = trigger.matching(push);
    } catch (KubernetesClientException e) {
      return new Reply(500, Map.of("error", "GitOpsSources cannot be listed (HTTP " + e.getCode() + ")"),
          what + ": GitOpsSources cannot be listed (HTTP " + e.getCode() + ")");
    }
    SourceTrigger.Result result = trigger.trigger(sources);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repository", push.repository());
    body.put("ref", push.ref());
    body.put("triggered", result.triggered());
    if (!result.failed().isEmpty()) {
      body.put("failed", result.failed());
      return new Reply(500, body, what + ": triggered " + result.triggered() + ", failed " + result.failed());
    }
    if (result.triggered().isEmpty()) {
      return new Reply(200, body, what + ": no GitOpsSource on this repository and ref");
    }
    return new Reply(202, body, what + ": triggered " + result.triggered());
  }

  private static Reply ignored(String event) {
    String name = event == null ? "(none)" : clean(event);
    return new Reply(202, Map.of("message", "event " + name + " ignored: only push events trigger a reconcile"),
        "event " + name + " ignored");
  }

  /** GitHub's form content type carries the JSON in the {@code payload} field; the signature covers the raw body. */
  private static byte[] githubJson(Head head, byte[] body) throws Push.BadPayload {
    String type = head.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return body;
    }
    for (String field : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (field.startsWith("payload=")) {
        try {
          return URLDecoder.decode(field.substring("payload=".length()), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new Push.BadPayload("the form field 'payload' is not URL-encoded");
        }
      }
    }
    throw new Push.BadPayload("the form has no field 'payload'");
  }

  private JsonNode parse(byte[] body) throws Push.BadPayload {
    try {
      JsonNode node = json.readTree(body);
      if (node == null || !node.isObject()) {
        throw new Push.BadPayload("the body is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new Push.BadPayload("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Push.BadPayload("the body cannot be read as JSON");
    }
  }

  /** The 32 bytes of {@code sha256=<64 hex>}, or null when the header is not of that form. */
  private static byte[] signatureBytes(String header) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())
        || h.length() != SIGNATURE_PREFIX.length() + 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(h.substring(SIGNATURE_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static byte[] hmacSha256(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The path segment below {@link #PATH}: {@code github} for {@code /hook/github} or {@code /hook/github/}. */
  private static String provider(Head head) {
    String path = head.path();
    if (!path.startsWith(PATH)) {
      return "";
    }
    String rest = path.substring(PATH.length());
    while (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return rest;
  }

  private static String delivery(Head head) {
    String github = head.header("X-GitHub-Delivery");
    return github != null ? github : head.header("X-Gitlab-Event-UUID");
  }

  /** The reply as JSON, and its line in the log. */
  private BoundedHttpServer.Reply answer(Head head, Reply reply) {
    if (reply.log() != null) {
      String provider = provider(head);
      String delivery = delivery(head);
      String line = "webhook " + (provider.isEmpty() ? "(no provider)" : clean(provider))
          + (delivery == null ? "" : " delivery " + clean(delivery)) + " from " + head.remoteAddress() + ": "
          + reply.log();
      if (reply.status() < 400) {
        LOG.info(line);
      } else {
        LOG.warn(line);
      }
    }
    BoundedHttpServer.Reply json;
    try {
      json = BoundedHttpServer.Reply.json(reply.status(), this.json.writeValueAsBytes(reply.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply of strings cannot fail to serialize", e);
    }
    return reply.allow() == null ? json : json.withHeader("Allow", reply.allow());
  }

  /** A value from a request, fit for one log line: no control characters, at most 200 characters. */
  private static String clean(String value) {
    if (value == null) {
      return "";
    }
    String s = value.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
