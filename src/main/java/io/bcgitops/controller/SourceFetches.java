package io.bcgitops.controller;

import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCommitTree;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.source.GitFetchException;
import io.bcgitops.source.GitFetcher;
import io.bcgitops.source.GitReference;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.Durations;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.PathNotFoundException;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.RepositoryTooLargeException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitOpsSource controller's git work (fetch, then read the desired state from the commit),
 * on a bounded pool of its own: a reconcile hands a fetch over and returns, so a slow or hostile
 * repository never holds one of JOSDK's threads, which both controllers share. At most one fetch
 * per source is queued or running; when one ends, its source is reconciled again.
 */
final class SourceFetches {
  private static final Logger LOG = LoggerFactory.getLogger(SourceFetches.class);
  /** How long past its deadline a fetch may still run before the operator counts as wedged. */
  static final Duration PAST_DEADLINE = Duration.ofMinutes(2);

  /** What to fetch and read for one source, as its spec said when the fetch was asked for. */
  record Request(ResourceID source, String uid, long generation, String requestedAt, String url, GitReference ref,
      GitCredentials credentials, Duration timeout, Path cache, String path) {
    Request withCredentials(GitCredentials newCredentials) {
      return new Request(source, uid, generation, requestedAt, url, ref, newCredentials, timeout, cache, path);
    }

    @Override
    public String toString() {
      return "GitOpsSource " + source.getNamespace().orElse("") + "/" + source.getName();
    }
  }

  /**
   * What a fetch found, and for which spec: a revision and its desired state, a revision whose
   * apps could not be read ({@code failure} with a revision), or no revision ({@code failure} alone).
   *
   * @param at when the fetch was asked for: the next one is due an interval later
   */
  record Outcome(long generation, String requestedAt, Instant at, String path, FetchedRevision revision,
      DesiredState state, StepFailure failure) {
  }

  /** What {@link #start} did. */
  enum Start { STARTED, ALREADY_RUNNING, QUEUE_FULL }

  private static final class Running {
    final Request request;
    volatile Instant startedAt;
    volatile boolean forgotten;

    Running(Request request) {
      this.request = request;
    }
  }

  private final GitFetcher fetcher;
  private final GitOpsRepository repository = new GitOpsRepository();
  private final RepositoryLimits limits;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final ThreadPoolExecutor pool;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private volatile Consumer<ResourceID> whenDone = id -> { };

  SourceFetches(GitFetcher fetcher, RepositoryLimits limits, int threads, int queue, OperatorMetrics metrics,
      Clock clock) {
    this.fetcher = fetcher;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    AtomicInteger count = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(queue), r -> {
      Thread thread = new Thread(r, "bcgitops-fetch-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pool.allowCoreThreadTimeOut(true); // idle between intervals: no thread kept
  }

  /** Called with the source of each fetch that ended (to reconcile it again). */
  void whenDone(Consumer<ResourceID> callback) {
    this.whenDone = callback;
  }

  /** The last fetch's outcome for the source, or null. */
  Outcome last(String uid) {
    return outcomes.get(uid);
  }

  /** The timeout of the source's fetch that is queued or running; empty when there is none. */
  Optional<Duration> running(String uid) {
    return Optional.ofNullable(running.get(uid)).map(job -> job.request.timeout());
  }

  /** Records a failure found before any fetch (no usable credentials, say), reused as a fetch's. */
  void failed(Request request, Instant at, StepFailure failure) {
    outcomes.put(request.uid(), new Outcome(request.generation(), request.requestedAt(), at, request.path(), null,
        null, failure));
  }

  /** Queues a fetch for the source, unless one is queued or running. */
  synchronized Start start(Request request) {
    if (running.containsKey(request.uid())) {
      return Start.ALREADY_RUNNING;
    }
    Running job = new Running(request);
    Instant asked = clock.instant();
    running.put(request.uid(), job);
    try {
      pool.execute(() -> run(job, asked));
    } catch (RejectedExecutionException full) {
      running.remove(request.uid());
      return Start.QUEUE_FULL;
    }
    return Start.STARTED;
  }

  /** How long stopping waits for the fetches that run to end (they are interrupted). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /**
   * Stops with the operator: queued fetches are dropped, running ones interrupted and waited for
   * (briefly), so that none writes to the cache after the operator stopped.
   */
  void stop() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("git fetches still run {}s after the operator stopped", STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The source is gone: its outcome and its cache go (once its fetch, if one runs, has ended). */
  synchronized void forget(String uid, Path cache) {
    outcomes.remove(uid);
    Running job = running.get(uid);
    if (job != null) {
      job.forgotten = true;
    } else {
      deleteCache(cache);
    }
  }

  /** A fetch still running well past its deadline, which closing its transport did not end. */
  Optional<String> stuck(Instant now) {
    for (Running job : running.values()) {
      Instant started = job.startedAt;
      Duration limit = job.request.timeout().plus(PAST_DEADLINE);
      if (started != null && Duration.between(started, now).compareTo(limit) > 0) {
        return Optional.of("the git fetch of " + job.request + " has run for "
            + Duration.between(started, now).toSeconds() + "s, past its deadline of "
            + Durations.format(job.request.timeout()) + " (spec.timeout)");
      }
    }
    return Optional.empty();
  }

  private void run(Running job, Instant asked) {
    job.startedAt = clock.instant();
    Request request = job.request;
    Outcome outcome;
    try {
      outcome = fetchAndRead(request, asked);
    } catch (RuntimeException | Error e) {
      LOG.error("fetching {} failed unexpectedly", request, e);
      outcome = new Outcome(request.generation(), request.requestedAt(), asked, request.path(), null, null,
          StepFailure.fetchFailed("fetching failed unexpectedly: " + e));
    }
    synchronized (this) {
      running.remove(request.uid());
      if (job.forgotten) {
        deleteCache(request.cache());
        return;
      }
      outcomes.put(request.uid(), outcome);
    }
    whenDone.accept(request.source());
  }

  private Outcome fetchAndRead(Request request, Instant asked) {
    long started = System.nanoTime();
    FetchedRevision revision;
    try {
      revision = fetcher.fetch(request.url(), request.ref(), request.credentials(), request.timeout(),
          request.cache());
    } catch (GitFetchException e) {
      metrics.fetched(Duration.ofNanos(System.nanoTime() - started), false);
      LOG.warn("{}: {}", request, e.getMessage());
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), null, null, failure(e));
    }
    metrics.fetched(Duration.ofNanos(System.nanoTime() - started), true);
    Outcome previous = outcomes.get(request.uid());
    if (previous != null && previous.state() != null && previous.revision().commit().equals(revision.commit())
        && Objects.equals(previous.path(), request.path())) {
      // The same commit and path: its apps were read already.
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), revision,
          previous.state(), null);
    }
    try (GitCommitTree tree = revision.open()) {
      DesiredState state = repository.scan(tree, request.path(), limits);
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), revision, state, null);
    } catch (PathNotFoundException e) {
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), revision, null,
          StepFailure.stalled(Reasons.PATH_NOT_FOUND, e.getMessage() + " at " + revision.revision()
              + "; no AppDeployment was changed"));
    } catch (RepositoryTooLargeException e) {
      LOG.warn("{}: {}", request, e.getMessage());
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), revision, null,
          StepFailure.stalled(Reasons.REPOSITORY_TOO_LARGE, e.getMessage() + " at " + revision.revision()
              + "; no AppDeployment was changed"));
    } catch (IOException e) {
      return new Outcome(request.generation(), request.requestedAt(), asked, request.path(), null, null,
          StepFailure.fetchFailed("reading the fetched revision " + revision.revision() + " failed: "
              + e.getMessage()));
    }
  }

  private static StepFailure failure(GitFetchException e) {
    return switch (e.kind()) {
      case AUTHENTICATION -> StepFailure.authentication(e.getMessage());
      case INVALID_REF -> StepFailure.stalled(Reasons.INVALID_SOURCE, "spec.ref: " + e.getMessage());
      case TOO_LARGE -> StepFailure.tooLarge(e.getMessage() + "; no AppDeployment was changed");
      case REF_NOT_FOUND, FETCH -> StepFailure.fetchFailed(e.getMessage());
    };
  }

  private static void deleteCache(Path cache) {
    try {
      GitFetcher.deleteRecursively(cache);
    } catch (IOException e) {
      // Only a cache on the operator's own disk: never keep a source from being deleted because of it.
      LOG.warn("could not delete the git cache {}: {}", cache, e.getMessage());
    }
  }
}
