package io.bcgitops.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.http.BoundedHttpServer.Head;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifying and reading GitHub and GitLab deliveries, the same for the operator's shared receiver and for each
 * source's own: GitHub signs the body ({@code X-Hub-Signature-256}, HMAC-SHA256 with the token), GitLab sends the
 * token itself ({@code X-Gitlab-Token}, checked before the body is read).
 */
final class Deliveries {
  static final String GITHUB = "github";
  static final String GITLAB = "gitlab";
  static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String SIGNATURE_PREFIX = "sha256=";

  private Deliveries() {
  }

  /** What a verified delivery asks: a push to look at, or else the answer to give (ping, an ignored event, 400). */
  record Event(Push push, Answer answer) {
    static Event of(Push push) {
      return new Event(push, null);
    }

    static Event answered(Answer answer) {
      return new Event(null, answer);
    }
  }

  /** 401 (or 503) for a GitLab delivery without the Secret's token; null when it has it. */
  static Answer gitlabToken(Head head, WebhookSecret secret) {
    String header = head.header("X-Gitlab-Token");
    if (header == null) {
      return Answer.error(401, "no X-Gitlab-Token header: set a secret token on the GitLab webhook");
    }
    byte[] given = header.getBytes(StandardCharsets.UTF_8);
    WebhookSecret.Check check = secret.verify(token -> WebhookSecret.sameSecret(token, given));
    if (check.unavailable() != null) {
      return Answer.error(503, check.unavailable());
    }
    return check.verified() ? null
        : Answer.error(401, "the X-Gitlab-Token does not match the webhook Secret's token");
  }

  /** 401 (or 503) for a GitHub delivery whose body the Secret's token did not sign; null when it did. */
  static Answer githubSignature(Head head, byte[] body, WebhookSecret secret) {
    String header = head.header("X-Hub-Signature-256");
    if (header == null) {
      return Answer.error(401, "no X-Hub-Signature-256 header: set a secret on the GitHub webhook");
    }
    byte[] signature = signatureBytes(header);
    WebhookSecret.Check check = signature == null ? WebhookSecret.Check.REJECTED
        : secret.verify(token -> MessageDigest.isEqual(hmacSha256(token, body), signature));
    if (check.unavailable() != null) {
      return Answer.error(503, check.unavailable());
    }
    return check.verified() ? null : Answer.error(401,
        "the X-Hub-Signature-256 signature does not match the body and the webhook Secret's token");
  }

  /** A verified GitHub delivery: a push, or ping (200), another event (202, ignored), a body that is no push (400). */
  static Event github(Head head, byte[] body) {
    String event = head.header("X-GitHub-Event");
    if ("ping".equals(event)) {
      return Event.answered(new Answer(200, Map.of("message", "pong"), "ping answered"));
    }
    if (!"push".equals(event)) {
      return Event.answered(ignored(event));
    }
    try {
      return Event.of(Push.from(parse(githubJson(head, body)), List.of("repository"),
          List.of("clone_url", "ssh_url", "git_url", "html_url", "svn_url", "url")));
    } catch (Push.BadPayload e) {
      return Event.answered(Answer.error(400, e.getMessage()));
    }
  }

  /** A verified GitLab delivery: a push or tag push, another event (202, ignored), a body that is no push (400). */
  static Event gitlab(Head head, byte[] body) {
    try {
      JsonNode payload = parse(body);
      // object_kind is in the payload of project and system hooks alike; the header is the fallback.
      String kind = payload.path("object_kind").asText(null);
      if (kind == null) {
        String event = head.header("X-Gitlab-Event");
        kind = "Push Hook".equals(event) ? "push" : "Tag Push Hook".equals(event) ? "tag_push" : event;
      }
      if (!"push".equals(kind) && !"tag_push".equals(kind)) {
        return Event.answered(ignored(kind));
      }
      return Event.of(Push.from(payload, List.of("project", "repository"),
          List.of("git_http_url", "git_ssh_url", "http_url", "ssh_url", "web_url", "url", "homepage")));
    } catch (Push.BadPayload e) {
      return Event.answered(Answer.error(400, e.getMessage()));
    }
  }

  private static Answer ignored(String event) {
    String name = event == null ? "(none)" : clean(event);
    return new Answer(202, Map.of("message", "event " + name + " ignored: only push events trigger a reconcile"),
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

  private static JsonNode parse(byte[] body) throws Push.BadPayload {
    try {
      JsonNode node = JSON.readTree(body);
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

  /** The SHA-256 of a body, in hex: what a replay of it is recognised by. */
  static String digest(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The provider's id of this delivery (the same on a redelivery), or null. */
  static String deliveryId(Head head) {
    String github = head.header("X-GitHub-Delivery");
    return github != null ? github : head.header("X-Gitlab-Event-UUID");
  }

  /** A value from a request, fit for one log line: no control characters, at most 200 characters. */
  static String clean(String value) {
    if (value == null) {
      return "";
    }
    String s = value.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
