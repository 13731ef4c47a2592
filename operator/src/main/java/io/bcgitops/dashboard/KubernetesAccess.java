package io.bcgitops.dashboard;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.bcgitops.http.BearerToken;
import io.bcgitops.webhook.TriggerBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A viewer's token checked by the API server (TokenReview), and what they may read asked of it
 * (SubjectAccessReview), both as the operator: the answers are the cluster's RBAC for the viewer, not the
 * operator's. Answers are kept briefly (a revoked token or binding takes effect within {@link #ALLOWED_FOR}), for a
 * bounded number of tokens and questions; a token is kept as its SHA-256 only.
 *
 * <p>Whoever reaches the listener may present tokens, so the TokenReviews they cost are bounded: at most {@link
 * #REVIEW_BURST} at once, then {@link #REVIEWS_PER_SECOND} a second, for all clients together (beyond that a new
 * token is answered "try again", a known one as before). Accepted and refused tokens are kept apart, so that a
 * flood of bogus tokens never pushes out the accepted ones.
 */
final class KubernetesAccess implements Access {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAccess.class);
  static final Duration ALLOWED_FOR = Duration.ofSeconds(30);
  /** A refused token or permission is asked again sooner: a fix (a new binding) shows soon. */
  static final Duration REFUSED_FOR = Duration.ofSeconds(10);
  private static final int MAX_TOKENS = 1024;
  private static final int MAX_DECISIONS = 16 * 1024;
  static final int REVIEW_BURST = 20;
  static final int REVIEWS_PER_SECOND = 10;

  private record Question(Viewer viewer, String group, String resource, String verb, String namespace) {
  }

  private final KubernetesClient client;
  private final ExpiringCache<String, Viewer> accepted;
  private final ExpiringCache<String, Boolean> refused;
  private final ExpiringCache<Question, Boolean> decisions;
  private final TriggerBudget reviews;

  KubernetesAccess(KubernetesClient client, Clock clock) {
    this.client = client;
    this.accepted = new ExpiringCache<>(clock, MAX_TOKENS);
    this.refused = new ExpiringCache<>(clock, MAX_TOKENS);
    this.decisions = new ExpiringCache<>(clock, MAX_DECISIONS);
    this.reviews = new TriggerBudget(1, REVIEW_BURST, Duration.ofSeconds(1).dividedBy(REVIEWS_PER_SECOND),
        () -> clock.millis() * 1_000_000);
  }

  @Override
  public Optional<Viewer> authenticate(String token) {
    if (token == null || token.isBlank() || token.length() > 16 * 1024) {
      return Optional.empty();
    }
    String digest = BearerToken.sha256Hex(token);
    Viewer known = accepted.peek(digest);
    if (known != null) {
      return Optional.of(known);
    }
    if (refused.peek(digest) != null) {
      return Optional.empty();
    }
    TriggerBudget.Take take = reviews.take("token-reviews");
    if (!take.taken()) {
      throw new TooManyReviews(take.retryAfter());
    }
    Optional<Viewer> viewer = review(token);
    if (viewer.isPresent()) {
      accepted.put(digest, viewer.get(), ALLOWED_FOR);
    } else {
      refused.put(digest, true, REFUSED_FOR);
    }
    return viewer;
  }

  private Optional<Viewer> review(String token) {
    TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
    try {
      TokenReview answer = client.authentication().v1().tokenReviews().create(review);
      if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAuthenticated())
          || answer.getStatus().getUser() == null) {
        return Optional.empty();
      }
      UserInfo user = answer.getStatus().getUser();
      return Optional.of(new Viewer(user.getUsername(), user.getUid(), user.getGroups(), user.getExtra()));
    } catch (KubernetesClientException e) {
      // Never the exception itself: its message may quote the request, and the request holds the token.
      LOG.warn("The dashboard could not check a viewer's token with a TokenReview (HTTP {}): refused", e.getCode());
      return Optional.empty();
    }
  }

  @Override
  public boolean allows(Viewer viewer, String group, String resource, String verb, String namespace) {
    return decisions.get(new Question(viewer, group, resource, verb, namespace), this::ask,
        allowed -> allowed ? ALLOWED_FOR : REFUSED_FOR);
  }

  private boolean ask(Question q) {
    SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(q.viewer().user()).withUid(q.viewer().uid()).withGroups(q.viewer().groups())
        .withExtra(q.viewer().extra())
        .withNewResourceAttributes().withGroup(q.group()).withResource(q.resource()).withVerb(q.verb())
        .withNamespace(q.namespace()).endResourceAttributes()
        .endSpec().build();
    try {
      SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
      return answer.getStatus() != null && answer.getStatus().getAllowed();
    } catch (KubernetesClientException e) {
      LOG.warn("The dashboard could not ask whether {} may {} {} in {} (HTTP {}): not shown", q.viewer().user(),
          q.verb(), q.resource(), q.namespace(), e.getCode());
      return false;
    }
  }
}
