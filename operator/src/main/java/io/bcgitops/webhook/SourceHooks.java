package io.bcgitops.webhook;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.http.BoundedHttpServer.Head;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each GitOpsSource's own receiver, at its {@code status.webhookPath}: a delivery is verified with the token of the
 * source's own Secret (spec.webhook.secretRef, in its namespace, labelled as credentials), and triggers that source
 * only, when the push is on its repository and ref. On top of the shared receiver's checks, a delivery already
 * received (by id or body) is refused (409), and a source asked too often is answered 429.
 *
 * <p>A path no enabled source has is 404, answered as for any other unknown path: nothing tells whether a path
 * exists without its token. A path two sources claim (someone who may write statuses copied another's) triggers
 * the one whose token verifies the delivery, and none when several do.
 */
final class SourceHooks {
  /** Secrets kept verified (each read at most once a second): one per source with a webhook, up to this many. */
  private static final int SECRETS = 4096;
  static final String NOT_FOUND = "no webhook receiver here";

  private final KubernetesClient client;
  private final SourceCache cache;
  private final SourceTrigger trigger;
  private final DeliveryLog deliveries;
  private final TriggerBudget budget;
  private final Map<String, WebhookSecret> secrets = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, WebhookSecret> eldest) {
      return size() > SECRETS;
    }
  };

  SourceHooks(KubernetesClient client, SourceCache cache, SourceTrigger trigger, DeliveryLog deliveries,
      TriggerBudget budget) {
    this.client = client;
    this.cache = cache;
    this.trigger = trigger;
    this.deliveries = deliveries;
    this.budget = budget;
  }

  /** 404 (no enabled source has the path), 401 (no signature or token header, GitLab's token wrong), 503; or null. */
  Answer admit(Head head) {
    List<GitOpsSource> owners = owners(head.path());
    if (owners.isEmpty()) {
      return Answer.error(404, NOT_FOUND);
    }
    String provider = provider(head);
    if (provider == null) {
      return Answer.error(401, "neither an X-Hub-Signature-256 nor an X-Gitlab-Token header: set a secret on the"
          + " webhook");
    }
    // GitLab's token is a header: checked before a byte of the body is read. GitHub's signature is the body's.
    return Deliveries.GITLAB.equals(provider) ? verified(owners, head, null).refusal() : null;
  }

  Answer handle(Head head, byte[] body) {
    List<GitOpsSource> owners = owners(head.path());
    if (owners.isEmpty()) {
      return Answer.error(404, NOT_FOUND); // disabled since its head was admitted
    }
    Verified verified = verified(owners, head, body);
    if (verified.refusal() != null) {
      return verified.refusal();
    }
    GitOpsSource source = verified.source();
    String name = source.getMetadata().getNamespace() + "/" + source.getMetadata().getName();
    Deliveries.Event event = Deliveries.GITHUB.equals(provider(head)) ? Deliveries.github(head, body)
        : Deliveries.gitlab(head, body);
    if (event.answer() != null) {
      return about(name, event.answer());
    }
    String id = Deliveries.deliveryId(head);
    if (!deliveries.firstTime(source.getMetadata().getUid(), id, Deliveries.digest(body))) {
      return about(name, Answer.error(409, "this delivery was received already" + (id == null ? ""
          : " (delivery " + Deliveries.clean(id) + ")") + ": a replay is refused"));
    }
    Push push = event.push();
    String what = "push " + Deliveries.clean(push.repository()) + " " + Deliveries.clean(push.ref());
    if (!push.isFor(source.getSpec().getUrl())) {
      return about(name, Answer.message(200, what + " is not on this source's repository: nothing triggered"));
    }
    if (!push.movesRefOf(source.getSpec())) {
      return about(name, Answer.message(200, what + " does not move this source's ref: nothing triggered"));
    }
    if (source.getSpec().isSuspend()) {
      return about(name, Answer.message(200, what + ": the source is suspended (spec.suspend: true): nothing"
          + " triggered"));
    }
    TriggerBudget.Take take = budget.take(source.getMetadata().getUid());
    if (!take.taken()) {
      long seconds = Math.max(1, (take.retryAfter().toMillis() + 999) / 1000);
      return about(name, Answer.error(429, "this source was triggered too often (at most " + budget.describe()
          + "): try again in " + seconds + " s; it is still fetched at its interval")
          .withHeader("Retry-After", Long.toString(seconds)));
    }
    SourceTrigger.Result result = trigger.trigger(List.of(source));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("repository", push.repository());
    reply.put("ref", push.ref());
    reply.put("triggered", result.triggered());
    if (!result.failed().isEmpty()) {
      reply.put("failed", result.failed());
      return about(name, new Answer(500, reply, what + ": failed " + result.failed()));
    }
    return about(name, new Answer(202, reply, what + ": triggered " + result.triggered()));
  }

  /** The source a delivery is verified for, or the answer refusing it. */
  private record Verified(GitOpsSource source, Answer refusal) {
  }

  /** GitLab's token ({@code body} null: before the body is read) or GitHub's signature, checked for each owner. */
  private Verified verified(List<GitOpsSource> owners, Head head, byte[] body) {
    boolean gitlab = Deliveries.GITLAB.equals(provider(head));
    List<GitOpsSource> verified = new ArrayList<>();
    Answer first = null;
    for (GitOpsSource owner : owners) {
      WebhookSecret secret = secretOf(owner);
      Answer refusal = gitlab ? Deliveries.gitlabToken(head, secret) : Deliveries.githubSignature(head, body, secret);
      if (refusal == null) {
        verified.add(owner);
      } else if (first == null) {
        first = refusal;
      }
    }
    if (verified.size() == 1) {
      return new Verified(verified.get(0), null);
    }
    if (verified.isEmpty()) {
      return new Verified(null, first);
    }
    return new Verified(null, Answer.error(409, "this path is claimed by several sources sharing one token: none"
        + " is triggered"));
  }

  /** The sources with webhook enabled whose status gives this path. */
  private List<GitOpsSource> owners(String path) {
    return cache.byWebhookPath(path).stream()
        .filter(s -> s.getSpec() != null && s.getSpec().webhookEnabled() && !s.isMarkedForDeletion())
        .sorted(SourceTrigger.BY_NAME)
        .toList();
  }

  private WebhookSecret secretOf(GitOpsSource source) {
    String namespace = source.getMetadata().getNamespace();
    String name = source.getSpec().getWebhook().secretName();
    synchronized (secrets) {
      return secrets.computeIfAbsent(namespace + "/" + name, key -> WebhookSecret.ofSource(client, namespace, name));
    }
  }

  /** GitHub (which signs), GitLab (which sends its token), or null for a delivery with neither header. */
  private static String provider(Head head) {
    if (head.header("X-Gitlab-Token") != null) {
      return Deliveries.GITLAB;
    }
    return head.header("X-Hub-Signature-256") != null ? Deliveries.GITHUB : null;
  }

  /** The answer, its log line naming the source it is about. */
  private static Answer about(String source, Answer answer) {
    return new Answer(answer.status(), answer.body(), answer.log() == null ? null : source + ": " + answer.log(),
        answer.headers());
  }

  /** The provider the head says it is from, for the log: github, gitlab, or none. */
  static String providerOf(Head head) {
    String provider = provider(head);
    return provider == null ? "(no provider)" : provider;
  }
}
