package io.bcgitops.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.WebhookSpec;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.HttpLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives GitHub and GitLab push events and asks the GitOpsSources on the pushed repository and ref to reconcile
 * now (design §3), instead of at their next interval.
 *
 * <p>Serve it on a listener of its own, bounded for deliveries from the internet, and start its cache:
 *
 * <pre>{@code
 * WebhookReceiver receiver = new WebhookReceiver(client, namespaces, ownNamespace, secretName);
 * new BoundedHttpServer("bcgitops-webhooks", address, HttpLimits.WEBHOOKS, receiver);
 * receiver.start();
 * }</pre>
 *
 * <p>Two kinds of receiver share the listener:
 * <ul>
 *   <li>the operator's shared one: {@code POST /hook/github} takes GitHub deliveries (content type JSON or form,
 *       signed with {@code X-Hub-Signature-256}), and {@code POST /hook/gitlab} GitLab ones ({@code X-Gitlab-Token}),
 *       both verified with key {@code token} of the operator's Secret (BCGITOPS_WEBHOOK_SECRET); a push triggers
 *       every watched source on its repository and ref, in any namespace;
 *   <li>each source's own ({@link SourceHooks}), at its {@code status.webhookPath}: GitHub and GitLab deliveries
 *       alike, verified with the token of the source's own Secret; a push triggers that source only, replays are
 *       refused and triggers are rate-limited.
 * </ul>
 * Answers, each a small JSON object:
 * <ul>
 *   <li>202 {@code {"triggered": ["ns/name", ...]}}: a push that matched sources; 200 when none did;
 *   <li>200 for GitHub's {@code ping}; 202 for any other verified event (ignored);
 *   <li>401 bad or missing signature/token; 503 no Secret configured, the Secret is missing or has no token, or the
 *       cache of sources is not loaded yet;
 *   <li>409 a replayed delivery, 429 a source triggered too often (its own receiver only);
 *   <li>413 a body over 1 MiB (the listener reads no more of it); 405 a method other than POST; 404 another path;
 *       400 a body that is not a push event;
 *   <li>500 when the API server refused to annotate a source.
 * </ul>
 * Nothing is triggered unless the delivery is verified, and no body is read before the method, the path and the
 * Secret (and GitLab's token) are known to be right. Sources are looked up in an informer's cache, never listed
 * per delivery. Each delivery logs one line (provider, repository, ref, and the sources triggered or why it was
 * rejected); the secret and signatures never appear.
 *
 * <p>The handler is thread-safe and needs no leader: any replica can annotate the sources. It needs RBAC to
 * {@code get} the Secrets, and to {@code list}, {@code watch} and {@code patch} {@code gitopssources}.
 */
public final class WebhookReceiver implements BoundedHttpServer.Handler, AutoCloseable {
  /** Where to mount the receiver: {@code /hook/github}, {@code /hook/gitlab} and sources' paths are below it. */
  public static final String PATH = WebhookSpec.PATH_PREFIX;
  /** The largest body accepted; GitHub caps its payloads at 25 MB, but a push to a GitOps repo is far smaller. */
  public static final int MAX_BODY_BYTES = HttpLimits.WEBHOOKS.maxBodyBytes();
  /** Triggers a source's own receiver allows: a burst of this many, then one every {@link #REFILL}. */
  static final int BURST = 3;
  static final Duration REFILL = Duration.ofSeconds(20);
  /** Deliveries each source's receiver remembers, and for how long, to refuse replays. */
  static final int REMEMBERED = 100;
  static final Duration REMEMBER = Duration.ofHours(1);
  /** Sources whose deliveries and rate are remembered at once (the least recently used forgotten first). */
  private static final int SOURCES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

  private final WebhookSecret secret;
  private final SourceCache cache;
  private final SourceTrigger trigger;
  private final SourceHooks sources;

  /**
   * @param client the operator's client: reads the Secrets, watches and annotates GitOpsSources
   * @param namespaces the namespaces whose GitOpsSources the operator watches; empty means all
   * @param secretNamespace the namespace of the shared receiver's Secret (the operator's own)
   * @param secretName the Secret whose key {@code token} verifies the shared receiver's deliveries; null when none
   *     is configured (each of them is then answered 503, saying so)
   */
  public WebhookReceiver(KubernetesClient client, Set<String> namespaces, String secretNamespace, String secretName) {
    this(client, namespaces, secretNamespace, secretName, Clock.systemUTC(), System::nanoTime);
  }

  /** As above, with the clock annotations are written with, and the one rate limits and replays are timed by. */
  WebhookReceiver(KubernetesClient client, Set<String> namespaces, String secretNamespace, String secretName,
      Clock clock, LongSupplier nanos) {
    this.secret = new WebhookSecret(client, secretNamespace, secretName);
    this.cache = new SourceCache(client, namespaces);
    this.trigger = new SourceTrigger(client, cache, clock, Deliveries.JSON);
    this.sources = new SourceHooks(client, cache, trigger, new DeliveryLog(SOURCES, REMEMBERED, REMEMBER, nanos),
        new TriggerBudget(SOURCES, BURST, REFILL, nanos));
  }

  /** Starts watching GitOpsSources; deliveries are answered 503 until the first list has arrived. */
  public WebhookReceiver start() {
    cache.start();
    return this;
  }

  /** Whether the cache of sources is loaded: deliveries are answered from then on. */
  public boolean ready() {
    return cache.synced();
  }

  /** The source as this receiver's cache has it, or null (tests wait for a change to arrive there). */
  GitOpsSource cached(String namespace, String name) {
    return cache.get(namespace, name);
  }

  boolean watches(String namespace) {
    return cache.watches(namespace);
  }

  /** Stops watching. */
  @Override
  public void close() {
    cache.close();
  }

  /**
   * 405, 404, 503, and GitLab's 401, before the body is read: a delivery that cannot be verified costs no more than
   * its head.
   */
  @Override
  public BoundedHttpServer.Reply admit(Head head) {
    Answer refused = refuse(head);
    return refused == null ? null : answer(head, refused);
  }

  @Override
  public BoundedHttpServer.Reply handle(Head head, byte[] body) {
    Answer reply;
    try {
      String provider = shared(head);
      reply = provider == null ? sources.handle(head, body)
          : Deliveries.GITHUB.equals(provider) ? github(head, body) : gitlab(head, body);
    } catch (RuntimeException e) {
      LOG.error("webhook {} delivery {}: failed", Deliveries.clean(head.path()),
          Deliveries.clean(Deliveries.deliveryId(head)), e);
      reply = new Answer(500, Map.of("error", "internal error"), null);
    }
    return answer(head, reply);
  }

  /** The listener's refusals (a body over 1 MiB, one that stalled), as JSON, each logged as a delivery. */
  @Override
  public BoundedHttpServer.Reply refusal(Head head, int status, String message) {
    return answer(head, Answer.error(status, message));
  }

  private Answer refuse(Head head) {
    if (!"POST".equals(head.method())) {
      return Answer.error(405, "method " + Deliveries.clean(head.method()) + " not allowed: deliveries are POSTed")
          .withHeader("Allow", "POST");
    }
    String provider = shared(head);
    if (provider == null && !head.path().matches(WebhookSpec.PATH_PATTERN)) {
      return Answer.error(404, SourceHooks.NOT_FOUND);
    }
    if (!cache.synced()) {
      return Answer.error(503, "the operator is still loading its GitOpsSources: try again in a few seconds");
    }
    if (provider == null) {
      return sources.admit(head);
    }
    String unavailable = secret.unavailable();
    if (unavailable != null) {
      return Answer.error(503, unavailable);
    }
    // GitLab's token is a header: it is checked before a byte of the body is read. GitHub's signature is the body's.
    return Deliveries.GITLAB.equals(provider) ? Deliveries.gitlabToken(head, secret) : null;
  }

  private Answer github(Head head, byte[] body) {
    Answer refused = Deliveries.githubSignature(head, body, secret);
    if (refused != null) {
      return refused;
    }
    Deliveries.Event event = Deliveries.github(head, body);
    return event.answer() != null ? event.answer() : push(event.push());
  }

  /** A delivery whose token admit() verified. */
  private Answer gitlab(Head head, byte[] body) {
    Deliveries.Event event = Deliveries.gitlab(head, body);
    return event.answer() != null ? event.answer() : push(event.push());
  }

  private Answer push(Push push) {
    String what = "push " + Deliveries.clean(push.repository()) + " " + Deliveries.clean(push.ref());
    List<GitOpsSource> matching;
    try {
      matching = trigger.matching(push);
    } catch (KubernetesClientException e) {
      return new Answer(500, Map.of("error", "GitOpsSources cannot be listed (HTTP " + e.getCode() + ")"),
          what + ": GitOpsSources cannot be listed (HTTP " + e.getCode() + ")");
    }
    SourceTrigger.Result result = trigger.trigger(matching);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repository", push.repository());
    body.put("ref", push.ref());
    body.put("triggered", result.triggered());
    if (!result.failed().isEmpty()) {
      body.put("failed", result.failed());
      return new Answer(500, body, what + ": triggered " + result.triggered() + ", failed " + result.failed());
    }
    if (result.triggered().isEmpty()) {
      return new Answer(200, body, what + ": no GitOpsSource on this repository and ref");
    }
    return new Answer(202, body, what + ": triggered " + result.triggered());
  }

  static byte[] hmacSha256(byte[] key, byte[] body) {
    return Deliveries.hmacSha256(key, body);
  }

  /** The shared receiver's provider for {@code /hook/github} or {@code /hook/gitlab} (slashes around it allowed), else null. */
  private static String shared(Head head) {
    String path = head.path();
    if (!path.startsWith(PATH)) {
      return null;
    }
    String rest = path.substring(PATH.length());
    while (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return Deliveries.GITHUB.equals(rest) || Deliveries.GITLAB.equals(rest) ? rest : null;
  }

  /** The reply as JSON, and its line in the log. */
  private BoundedHttpServer.Reply answer(Head head, Answer reply) {
    if (reply.log() != null) {
      String provider = shared(head);
      String delivery = Deliveries.deliveryId(head);
      String line = "webhook " + (provider != null ? provider : SourceHooks.providerOf(head))
          + (delivery == null ? "" : " delivery " + Deliveries.clean(delivery)) + " from " + head.remoteAddress()
          + ": " + reply.log();
      if (reply.status() < 400) {
        LOG.info(line);
      } else {
        LOG.warn(line);
      }
    }
    BoundedHttpServer.Reply json;
    try {
      json = BoundedHttpServer.Reply.json(reply.status(), Deliveries.JSON.writeValueAsBytes(reply.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply of strings cannot fail to serialize", e);
    }
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      json = json.withHeader(header.getKey(), header.getValue());
    }
    return json;
  }
}
