package io.bcgitops.controller;

import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.Durations;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCommitTree;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.source.GitFetchException;
import io.bcgitops.source.GitFetcher;
import io.bcgitops.source.GitReference;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.Limit;
import io.bcgitops.spec.PathNotFoundException;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.RepositoryTooLargeException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
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
 *
 * <p>The pool is shared fairly between namespaces ({@link FetchQueue}): the threads take from the
 * namespaces in turn, none runs more than its share at once, and a source whose fetch ran for its
 * whole spec.timeout rests at least that long (and at least its interval) before the next, so a
 * namespace of slow servers mostly waits on itself.
 */
final class SourceFetches {
  private static final Logger LOG = LoggerFactory.getLogger(SourceFetches.class);
  /** How long past its deadline a fetch may still run before the operator counts as wedged. */
  static final Duration PAST_DEADLINE = Duration.ofMinutes(2);

  /** What to fetch and read for one source, as its spec said when the fetch was asked for. */
  record Request(ResourceID source, String uid, long generation, String requestedAt, String url, GitReference ref,
      GitCredentials credentials, Duration timeout, Duration interval, Path cache, String path) {
    Request withCredentials(GitCredentials newCredentials) {
      return new Request(source, uid, generation, requestedAt, url, ref, newCredentials, timeout, interval, cache,
          path);
    }

    String namespace() {
      return source.getNamespace().orElse("");
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
   * @param due when the next fetch is due: an interval after this one was asked for, or, when this
   *     one ran for its whole timeout, the longer of the interval and the timeout after it ended
   */
  record Outcome(long generation, String requestedAt, Instant due, String path, FetchedRevision revision,
      DesiredState state, StepFailure failure) {
  }

  /** What {@link #start} did. */
  enum Start {
    STARTED,
    ALREADY_RUNNING,
    /** The namespace's queue is full: the source now waits in line, and is woken in its turn. */
    QUEUE_FULL,
    /** The source was waiting in line already. */
    WAITING
  }

  private static final class Running {
    final Request request;
    /** When the fetch was asked for: the next one is due an interval later. */
    final Instant asked;
    volatile Instant startedAt;
    volatile boolean forgotten;

    Running(Request request, Instant asked) {
      this.request = request;
      this.asked = asked;
    }
  }

  private final GitFetcher fetcher;
  private final GitOpsRepository repository = new GitOpsRepository();
  private final RepositoryLimits limits;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final int threads;
  private final Limit namespaceAppBytes;
  private final ThreadPoolExecutor pool;
  /** Written under this lock, with {@link #held}. */
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  /** What the outcomes of each namespace's sources hold (their apps' heldBytes); guarded by this. */
  private final Map<String, Long> held = new HashMap<>();
  /** When this operator first looked at each source it has no outcome of yet ({@link RecordedFetch}). */
  private final Map<String, Instant> firstLooks = new ConcurrentHashMap<>();
  /** Fetches queued or running, by source. */
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Guarded by this. */
  private final FetchQueue<Running> queue;
  /** Fetches handed to the pool and not ended yet; guarded by this. */
  private int busy;
  private volatile Consumer<ResourceID> whenDone = id -> { };

  SourceFetches(GitFetcher fetcher, OperatorConfig.Git git, OperatorMetrics metrics, Clock clock) {
    this.fetcher = fetcher;
    this.limits = git.read();
    this.metrics = metrics;
    this.clock = clock;
    this.threads = (int) git.fetchThreads().value();
    this.namespaceAppBytes = git.namespaceAppBytes();
    this.queue = new FetchQueue<>((int) git.fetchThreadsPerNamespace().value(), (int) git.fetchQueue().value(),
        clock);
    AtomicInteger count = new AtomicInteger();
    // Never more tasks than threads (see dispatch): the queue that matters is the FetchQueue.
    this.pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
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

  /** When this operator first looked at the source, which it has no outcome of: at {@code now} if not before. */
  Instant firstLook(String uid, Instant now) {
    return firstLooks.computeIfAbsent(uid, any -> now);
  }

  /** The timeout of the source's fetch that is queued or running; empty when there is none. */
  Optional<Duration> running(String uid) {
    return Optional.ofNullable(running.get(uid)).map(job -> job.request.timeout());
  }

  /** Records a failure found before any fetch (no usable credentials, say), reused as a fetch's. */
  synchronized void failed(Request request, Instant at, StepFailure failure) {
    record(request.namespace(), request.uid(), new Outcome(request.generation(), request.requestedAt(),
        at.plus(request.interval()), request.path(), null, null, failure));
  }

  /** Keeps a source's outcome (null: none), and counts what it holds for its namespace. Under this lock. */
  private void record(String namespace, String uid, Outcome outcome) {
    firstLooks.remove(uid);
    Outcome previous = outcome == null ? outcomes.remove(uid) : outcomes.put(uid, outcome);
    long total = held.getOrDefault(namespace, 0L) - heldBy(previous) + heldBy(outcome);
    if (total == 0) {
      held.remove(namespace);
    } else {
      held.put(namespace, total);
    }
  }

  private static long heldBy(Outcome outcome) {
    return outcome == null || outcome.state() == null ? 0 : outcome.state().heldBytes();
  }

  /**
   * The outcome as kept: when its apps would take what its namespace's sources hold past {@link
   * OperatorConfig.Git#namespaceAppBytes}, a failure that keeps none of them (and changes no
   * AppDeployment), so that however many sources a namespace has, the operator's heap is not theirs.
   * Under this lock.
   */
  private Outcome withinBudget(Request request, Outcome outcome) {
    if (outcome.state() == null) {
      return outcome;
    }
    long others = held.getOrDefault(request.namespace(), 0L) - heldBy(outcomes.get(request.uid()));
    long total = others + outcome.state().heldBytes();
    if (total <= namespaceAppBytes.value()) {
      return outcome;
    }
    String message = "the apps of " + outcome.revision().revision() + " would take about "
        + Limit.size(outcome.state().heldBytes()) + " of the operator's memory, and the other sources of namespace "
        + request.namespace() + " hold " + Limit.size(others) + ": together past " + namespaceAppBytes.amount()
        + ", the limit " + namespaceAppBytes.setting() + " sets; no AppDeployment was changed";
    LOG.warn("{}: {}", request, message);
    return new Outcome(outcome.generation(), outcome.requestedAt(), outcome.due(), outcome.path(),
        outcome.revision(), null, StepFailure.stalled(Reasons.REPOSITORY_TOO_LARGE, message));
  }

  /**
   * Queues a fetch for the source, unless one is queued or running; when its namespace's queue is
   * full, the source waits in line and is reconciled again (through {@link #whenDone}) in its turn.
   */
  Start start(Request request) {
    List<Runnable> toWake = new ArrayList<>();
    Start started;
    synchronized (this) {
      if (running.containsKey(request.uid())) {
        return Start.ALREADY_RUNNING;
      }
      boolean waited = queue.waits(request.namespace(), request.uid());
      Running job = new Running(request, clock.instant());
      FetchQueue.Offer offer = queue.offer(request.namespace(), request.uid(), job,
          () -> whenDone.accept(request.source()), toWake);
      if (offer == FetchQueue.Offer.QUEUED) {
        running.put(request.uid(), job);
        started = Start.STARTED;
      } else {
        started = waited ? Start.WAITING : Start.QUEUE_FULL;
      }
    }
    toWake.forEach(Runnable::run);
    dispatch();
    return started;
  }

  /** Hands the fetches that may run now to free threads. */
  private void dispatch() {
    List<Runnable> toWake = new ArrayList<>();
    List<Running> toRun = new ArrayList<>();
    synchronized (this) {
      while (busy < threads) {
        Optional<Running> next = queue.next(toWake);
        if (next.isEmpty()) {
          break;
        }
        busy++;
        toRun.add(next.get());
      }
    }
    toWake.forEach(Runnable::run);
    for (Running job : toRun) {
      try {
        pool.execute(() -> run(job));
      } catch (RejectedExecutionException stopped) {
        return; // the operator stops
      }
    }
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

  /**
   * The source is gone: its outcome, its place in the queue and its cache go (once its fetch, if
   * one runs, has ended).
   */
  synchronized void forget(ResourceID source, String uid, Path cache) {
    String namespace = source.getNamespace().orElse("");
    record(namespace, uid, null);
    Optional<Running> notStarted = queue.remove(namespace, uid);
    notStarted.ifPresent(job -> running.remove(uid));
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

  private void run(Running job) {
    job.startedAt = clock.instant();
    Request request = job.request;
    Outcome outcome = null;
    try {
      outcome = fetchAndRead(request, job.asked);
    } catch (RuntimeException | Error e) {
      LOG.error("fetching {} failed unexpectedly", request, e);
      outcome = new Outcome(request.generation(), request.requestedAt(), job.asked.plus(request.interval()),
          request.path(), null, null, StepFailure.fetchFailed("fetching failed unexpectedly: " + e));
    } finally {
      synchronized (this) {
        busy--;
        queue.done(request.namespace());
        running.remove(request.uid());
        if (job.forgotten) {
          deleteCache(request.cache());
          outcome = null;
        } else if (outcome != null) {
          outcome = withinBudget(request, outcome);
          record(request.namespace(), request.uid(), outcome);
        }
      }
      dispatch();
    }
    if (outcome != null) {
      whenDone.accept(request.source());
    }
  }

  private Outcome fetchAndRead(Request request, Instant asked) {
    long started = System.nanoTime();
    Instant due = asked.plus(request.interval());
    // Reading the commit's apps is part of the fetch, and ends at its deadline too.
    Instant deadline = Instant.now().plus(request.timeout());
    FetchedRevision revision;
    try {
      revision = fetcher.fetch(request.url(), request.ref(), request.credentials(), request.timeout(),
          request.cache());
    } catch (GitFetchException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      metrics.fetched(took, false);
      LOG.warn("{}: {}", request, e.getMessage());
      if (took.compareTo(request.timeout()) >= 0) {
        // It held a fetch thread for its whole timeout (a server that trickles, say): it rests at
        // least as long before the next, so that its namespace's share of threads is not all its.
        Duration rest = request.interval().compareTo(request.timeout()) > 0 ? request.interval() : request.timeout();
        Instant rested = clock.instant().plus(rest);
        due = rested.isAfter(due) ? rested : due;
      }
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), null, null, failure(e));
    }
    metrics.fetched(Duration.ofNanos(System.nanoTime() - started), true);
    Outcome previous = outcomes.get(request.uid());
    if (previous != null && previous.state() != null && previous.revision().commit().equals(revision.commit())
        && Objects.equals(previous.path(), request.path())) {
      // The same commit and path: its apps were read already.
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), revision,
          previous.state(), null);
    }
    try (GitCommitTree tree = revision.open(deadline)) {
      DesiredState state = repository.scan(tree, request.path(), limits);
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), revision, state, null);
    } catch (PathNotFoundException e) {
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), revision, null,
          StepFailure.stalled(Reasons.PATH_NOT_FOUND, e.getMessage() + " at " + revision.revision()
              + "; no AppDeployment was changed"));
    } catch (RepositoryTooLargeException e) {
      LOG.warn("{}: {}", request, e.getMessage());
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), revision, null,
          StepFailure.stalled(Reasons.REPOSITORY_TOO_LARGE, e.getMessage() + " at " + revision.revision()
              + "; no AppDeployment was changed"));
    } catch (IOException e) {
      return new Outcome(request.generation(), request.requestedAt(), due, request.path(), null, null,
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
      GitFetcher.deleteCache(cache);
    } catch (IOException e) {
      // Only a cache on the operator's own disk: never keep a source from being deleted because of it.
      LOG.warn("could not delete the git cache {}: {}", cache, e.getMessage());
    }
  }
}
