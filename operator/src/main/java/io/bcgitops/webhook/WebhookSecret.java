package io.bcgitops.webhook;

import io.bcgitops.api.Api;
import io.bcgitops.api.WebhookSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The shared secret deliveries are verified with: key {@value #KEY} of one Kubernetes Secret (the operator's, or a
 * source's own, which must then be labelled as credentials like every Secret a source names), read
 * through the API server and kept for a few seconds. A delivery that fails verification against a
 * token older than a second re-reads the Secret once, so a rotated token works at once while a
 * stream of forged deliveries costs the API server at most one read a second. The token is never
 * logged nor put in a response or exception message.
 */
final class WebhookSecret {
  static final String KEY = WebhookSpec.TOKEN_KEY;
  private static final Duration KEEP = Duration.ofSeconds(10);
  private static final Duration KEEP_PROBLEM = Duration.ofSeconds(1);
  private static final Duration FRESH = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  /** A source's own Secret: it must carry the credentials label, the consent of its owner. */
  private final boolean ofSource;
  private Loaded loaded;

  /** What the last read found: the token (and its variants), or why there is none. */
  private record Loaded(long atNanos, List<byte[]> tokens, String problem) {
    boolean olderThan(Duration age) {
      return System.nanoTime() - atNanos > age.toNanos();
    }
  }

  /** Verification outcome: verified, rejected, or no usable Secret (with the sentence to answer 503 with). */
  record Check(boolean verified, String unavailable) {
    static final Check VERIFIED = new Check(true, null);
    static final Check REJECTED = new Check(false, null);
  }

  /** {@code name} null or blank: no Secret configured, so every delivery is answered 503. */
  WebhookSecret(KubernetesClient client, String namespace, String name) {
    this(client, namespace, name, false);
  }

  private WebhookSecret(KubernetesClient client, String namespace, String name, boolean ofSource) {
    this.client = client;
    this.namespace = namespace;
    this.name = name == null || name.isBlank() ? null : name;
    this.ofSource = ofSource;
  }

  /** The Secret a source's spec.webhook.secretRef names, in its namespace. */
  static WebhookSecret ofSource(KubernetesClient client, String namespace, String name) {
    return new WebhookSecret(client, namespace, name, true);
  }

  /** Why no delivery can be verified now, or null when the Secret holds a token. */
  String unavailable() {
    return current(false).problem();
  }

  /**
   * Whether {@code accepts} accepts the token (tried as stored and, when it ends in a line break,
   * without it: Secrets made with {@code --from-file} often carry one the provider was not given).
   */
  Check verify(Predicate<byte[]> accepts) {
    Loaded token = current(false);
    if (token.problem() != null) {
      return new Check(false, token.problem());
    }
    if (token.tokens().stream().anyMatch(accepts)) {
      return Check.VERIFIED;
    }
    if (!token.olderThan(FRESH)) {
      return Check.REJECTED;
    }
    Loaded reread = current(true);
    if (reread.problem() != null) {
      return new Check(false, reread.problem());
    }
    return reread.tokens().stream().anyMatch(accepts) ? Check.VERIFIED : Check.REJECTED;
  }

  private synchronized Loaded current(boolean reread) {
    Loaded last = loaded;
    if (last != null && !reread && !last.olderThan(last.problem() == null ? KEEP : KEEP_PROBLEM)) {
      return last;
    }
    loaded = load();
    return loaded;
  }

  private Loaded load() {
    long now = System.nanoTime();
    if (name == null && ofSource) {
      return new Loaded(now, null, "spec.webhook.secretRef names no Secret");
    }
    if (name == null) {
      return new Loaded(now, null, "no webhook Secret is configured: set BCGITOPS_WEBHOOK_SECRET to the name of a"
          + " Secret in namespace " + namespace + " with key '" + KEY + "'");
    }
    String which = "webhook Secret " + namespace + "/" + name;
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return new Loaded(now, null, which + " cannot be read (HTTP " + e.getCode() + ")");
    }
    if (secret == null) {
      return new Loaded(now, null, which + " is missing: create it with key '" + KEY + "'");
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (ofSource && (labels == null || !"true".equals(labels.get(Api.CREDENTIALS_LABEL)))) {
      return new Loaded(now, null, which + " is not labelled " + Api.CREDENTIALS_LABEL + "=true");
    }
    byte[] token = value(secret);
    if (token == null || token.length == 0) {
      return new Loaded(now, null, which + " has no key '" + KEY + "' (or it is empty)");
    }
    return new Loaded(now, variants(token), null);
  }

  private static byte[] value(Secret secret) {
    if (secret.getData() != null && secret.getData().get(KEY) != null) {
      try {
        return Base64.getDecoder().decode(secret.getData().get(KEY).trim());
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    // stringData only appears on objects not yet stored (the API server moves it into data).
    if (secret.getStringData() != null && secret.getStringData().get(KEY) != null) {
      return secret.getStringData().get(KEY).getBytes(StandardCharsets.UTF_8);
    }
    return null;
  }

  private static List<byte[]> variants(byte[] token) {
    int end = token.length;
    while (end > 0 && (token[end - 1] == '\n' || token[end - 1] == '\r')) {
      end--;
    }
    return end == token.length || end == 0 ? List.of(token) : List.of(token, Arrays.copyOf(token, end));
  }

  /** Constant-time equality of two secrets of any lengths (their SHA-256 digests are compared). */
  static boolean sameSecret(byte[] a, byte[] b) {
    return MessageDigest.isEqual(sha256(a), sha256(b));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
