package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.Conditions.Reasons;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.Durations;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitOpsSourceStatus.AppSummary;
import io.bcgitops.api.GitOpsSourceStatus.Artifact;
import io.bcgitops.api.GitOpsSourceStatus.InvalidApp;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.kube.ManagedFields;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.source.CredentialScope;
import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.source.GitFetcher;
import io.bcgitops.source.GitReference;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.ParsedApp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a GitOpsSource's AppDeployments in step with its git repository: fetch, read the desired
 * state, apply and prune, report. Each step either hands its result to the next or stops with a
 * {@link StepFailure} that says which condition the user sees. Nothing already in the cluster is
 * changed by a step that failed.
 */
@ControllerConfiguration(name = GitOpsSourceReconciler.NAME, generationAwareEventProcessing = false)
public class GitOpsSourceReconciler implements Reconciler<GitOpsSource>, Cleaner<GitOpsSource> {
  public static final String NAME = "gitopssource";
  private static final Logger LOG = LoggerFactory.getLogger(GitOpsSourceReconciler.class);
  /** How soon a source whose interval cannot be read is looked at again. */
  private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  /** The shortest wait before looking again, and how early a timer may fire for a fetch to count as due. */
  private static final Duration MIN_REQUEUE = Duration.ofMillis(200);
  private static final int MAX_LABEL_VALUE = 63;

  /**
   * How soon a source looks again when it has no fetch outcome to wait for: its namespace's queue
   * was full (it is woken in its turn; this is in case that is missed).
   */
  private static final Duration QUEUE_FULL_RETRY = Duration.ofSeconds(5);

  private final OperatorConfig config;
  private final SourceFetches fetches;
  private final Clock clock;
  private InformerEventSource<AppDeployment, GitOpsSource> appDeployments;
  /** Reconciles a source again when its fetch has ended; stopping it (with the operator) stops the fetches. */
  private final SimpleInboundEventSource<GitOpsSource> fetchesEnded = new SimpleInboundEventSource<>("fetches") {
    @Override
    public void stop() {
      super.stop();
      fetches.stop();
    }
  };
  private AppDeploymentApplier applier;

  private final EventRecorder events;
  private final OperatorMetrics metrics;

  GitOpsSourceReconciler(OperatorConfig config, GitFetcher fetcher, EventRecorder events, OperatorMetrics metrics,
      Clock clock, Liveness liveness) {
    this.config = config;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.fetches = new SourceFetches(fetcher, config.git(), metrics, clock);
    fetches.whenDone(fetchesEnded::propagateEvent);
    liveness.watch(fetches::stuck);
  }

  @Override
  public List<EventSource<?, GitOpsSource>> prepareEventSources(EventSourceContext<GitOpsSource> context) {
    appDeployments = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(AppDeployment.class, GitOpsSource.class)
        .withLabelSelector(Api.SOURCE_LABEL)
        .withItemStore(new TransformingItemStore<>(GitOpsSourceReconciler::sourceView))
        .build(), context);
    applier = new AppDeploymentApplier(appDeployments, events, metrics);
    return List.of(appDeployments, fetchesEnded);
  }

  @Override
  public UpdateControl<GitOpsSource> reconcile(GitOpsSource source, Context<GitOpsSource> context) {
    long started = System.nanoTime();
    GitOpsSourceSpec spec = source.getSpec();
    GitOpsSourceStatus status = source.getStatus() == null ? new GitOpsSourceStatus()
        : context.getClient().getKubernetesSerialization().clone(source.getStatus());
    ConditionSet conditions = new ConditionSet(status.getConditions(), source.getMetadata().getGeneration(), clock);
    WebhookStatus.report(source, status, conditions, context.getClient());
    if (spec.isSuspend()) {
      conditions.set(Conditions.READY, false, Reasons.SUSPENDED,
          "reconciliation is suspended (spec.suspend: true); the cluster keeps the last applied revision")
          .remove(Conditions.RECONCILING).remove(Conditions.STALLED);
      return finish(source, status, conditions, context, null);
    }
    Duration interval = DEFAULT_INTERVAL;
    boolean succeeded = false;
    try {
      interval = checkSource(source);
      SourceAccount account = account(source);
      SourceFetches.Outcome fetched = fetched(source, context, interval);
      if (fetched == null) {
        // This spec (or reconcile request) has no fetch yet: one runs, and its end reconciles the
        // source again. The status is left as it is (observedGeneration says it is not done yet).
        // Or its status shows it handled by an earlier leader, and its next fetch is not due yet.
        return UpdateControl.<GitOpsSource>noUpdate().rescheduleAfter(untilNextFetch(source, interval));
      }
      FetchedRevision revision = fetched.revision();
      recordArtifact(source, status, revision);
      conditions.remove(Conditions.FETCH_FAILED);
      if (fetched.failure() != null) {
        status.setInvalidApps(List.of());
        noValidApps(status);
        throw fetched.failure();
      }
      DesiredState desired = fetched.state();
      requireApps(source, desired, status);
      AppDeploymentApplier.Result applied = applier.apply(source, desired, owned(source, context), context,
          account.client(context.getClient()));
      report(source, desired, applied, revision, status, conditions, context, account);
      succeeded = true;
    } catch (StepFailure failure) {
      failure.report(conditions);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    metrics.reconciled(OperatorMetrics.KIND_GITOPS_SOURCE, took, succeeded);
    LOG.debug("reconciled GitOpsSource {}/{} in {} ms", source.getMetadata().getNamespace(),
        source.getMetadata().getName(), took.toMillis());
    return finish(source, status, conditions, context, untilNextFetch(source, interval));
  }

  /**
   * An unexpected error (the API server refusing a write, say) is shown on the source while JOSDK
   * retries; after the last retry the source is looked at again at its interval, not hours later.
   */
  @Override
  public ErrorStatusUpdateControl<GitOpsSource> updateErrorStatus(GitOpsSource source, Context<GitOpsSource> context,
      Exception e) {
    if (e instanceof KubernetesClientException conflict && conflict.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      // Someone wrote the object since it was read (an annotation, say): the retry reads it again.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    LOG.warn("reconciling GitOpsSource {}/{} failed: {}", source.getMetadata().getNamespace(),
        source.getMetadata().getName(), e.toString());
    metrics.reconciled(OperatorMetrics.KIND_GITOPS_SOURCE, Duration.ZERO, false);
    GitOpsSourceStatus status = source.getStatus() == null ? new GitOpsSourceStatus()
        : context.getClient().getKubernetesSerialization().clone(source.getStatus());
    String message = "reconciling failed and is retried: " + e.getMessage();
    status.setConditions(new ConditionSet(status.getConditions(), source.getMetadata().getGeneration(), clock)
        .set(Conditions.READY, false, Reasons.RECONCILE_ERROR, message)
        .set(Conditions.RECONCILING, true, Reasons.PROGRESSING, message).toList());
    ErrorStatusUpdateControl<GitOpsSource> control = ErrorStatusUpdateControl.noStatusUpdate();
    if (!JsonContent.same(status, source.getStatus())) {
      source.setStatus(status);
      control = ErrorStatusUpdateControl.patchStatus(source);
    }
    boolean lastAttempt = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
    Duration interval = Durations.isDuration(source.getSpec().getInterval())
        ? Durations.parse(source.getSpec().getInterval()) : DEFAULT_INTERVAL;
    return lastAttempt ? control.withNoRetry().rescheduleAfter(interval) : control;
  }

  @Override
  public DeleteControl cleanup(GitOpsSource source, Context<GitOpsSource> context) {
    fetches.forget(ResourceID.fromResource(source), source.getMetadata().getUid(), cacheDirOf(source));
    events.forget(source);
    return DeleteControl.defaultDelete();
  }

  /** Step 1: check what the source itself asks for; returns its interval. */
  private Duration checkSource(GitOpsSource source) throws StepFailure {
    if (!source.getSpec().readErrors().isEmpty()) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, String.join("; ", source.getSpec().readErrors()));
    }
    if (source.getMetadata().getName().length() > MAX_LABEL_VALUE) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, "metadata.name is longer than 63 characters: it is the value"
          + " of the " + Api.SOURCE_LABEL + " label on every AppDeployment of the source");
    }
    String url = source.getSpec().getUrl();
    if (url == null || !url.matches(GitOpsSourceSpec.URL_PATTERN)) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, "spec.url must be an https, http, ssh, git or file URL,"
          + " or user@host:path");
    }
    if (url.startsWith("file:") && !config.allowFileUrls()) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, "file URLs are not allowed: they read the operator's own"
          + " disk (set BCGITOPS_ALLOW_FILE_URLS=true to allow them, for tests and local use)");
    }
    Optional<String> exposed = CredentialScope.refusal(url, source.getSpec().getSecretRef() != null);
    if (exposed.isPresent()) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, exposed.get());
    }
    Duration timeout = duration("spec.timeout", source.getSpec().getTimeout());
    if (timeout.compareTo(config.git().longestTimeout()) > 0) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, "spec.timeout: " + source.getSpec().getTimeout() + " is more"
          + " than " + Durations.format(config.git().longestTimeout()) + ", the longest fetch the operator allows ("
          + config.git().maxTimeout().setting() + ")");
    }
    return duration("spec.interval", source.getSpec().getInterval());
  }

  /** Step 1, too: who the source's AppDeployments are written as. */
  private SourceAccount account(GitOpsSource source) throws StepFailure {
    try {
      return SourceAccount.of(source, config.defaultServiceAccount());
    } catch (IllegalArgumentException e) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, e.getMessage());
    }
  }

  /** The AppDeployments this source controls (by UID: a mere reference to the source is not enough). */
  private static List<AppDeployment> owned(GitOpsSource source, Context<GitOpsSource> context) {
    String uid = source.getMetadata().getUid();
    return context.getSecondaryResources(AppDeployment.class).stream()
        .filter(app -> app.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid())))
        .toList();
  }

  /**
   * When to look again: when the next fetch is due. Other events (an app's status changing) wake
   * the reconciler in between without a fetch, and must not push the next fetch back. While a
   * fetch runs, its end wakes the source; the time returned is only in case that is missed.
   */
  private Duration untilNextFetch(GitOpsSource source, Duration interval) {
    String uid = source.getMetadata().getUid();
    Optional<Duration> running = fetches.running(uid);
    if (running.isPresent()) {
      return running.get().plus(QUEUE_FULL_RETRY);
    }
    SourceFetches.Outcome last = fetches.last(uid);
    Instant now = clock.instant();
    Optional<Instant> recorded = last == null
        ? RecordedFetch.nextDue(source, interval, fetches.firstLook(uid, now), now) : Optional.empty();
    if (last == null && recorded.isEmpty()) {
      return QUEUE_FULL_RETRY;
    }
    Duration left = Duration.between(now, last == null ? recorded.get() : last.due());
    // Due now, yet not running: the queue was full.
    return left.compareTo(MIN_REQUEUE) < 0 ? QUEUE_FULL_RETRY : left;
  }

  /**
   * Step 2: what git holds for this spec: the last fetch's outcome while it is for this spec and
   * reconcile request. A fetch is due when there is none yet for them, or the interval is up; it
   * runs on the fetch pool, and the outcome of the one before serves meanwhile. Null when there is
   * none for this spec yet (its fetch runs), or when this operator has fetched nothing yet and the
   * status shows this spec handled, with the next fetch not due ({@link RecordedFetch}): a new
   * leader leaves the status as the last one wrote it until then.
   */
  private SourceFetches.Outcome fetched(GitOpsSource source, Context<GitOpsSource> context, Duration interval)
      throws StepFailure {
    String uid = source.getMetadata().getUid();
    long generation = source.getMetadata().getGeneration();
    String requestedAt = ReconcileTriggers.requestedAt(source);
    Instant now = clock.instant();
    SourceFetches.Outcome last = fetches.last(uid);
    boolean current = last != null && last.generation() == generation
        && Objects.equals(last.requestedAt(), requestedAt);
    if (last == null && RecordedFetch.nextDue(source, interval, fetches.firstLook(uid, now), now)
        .filter(next -> now.plus(MIN_REQUEUE).isBefore(next)).isPresent()) {
      return null;
    }
    // A timer set for the interval may fire a little early: a fetch that is nearly due is due.
    boolean due = !current || !now.plus(MIN_REQUEUE).isBefore(last.due());
    if (due) {
      SourceFetches.Request request = request(source, generation, requestedAt, interval);
      try {
        request = request.withCredentials(credentialsOf(source, context));
      } catch (StepFailure failure) {
        fetches.failed(request, now, failure);
        LOG.warn("{}: {}", request, failure.getMessage());
        throw failure;
      }
      if (fetches.start(request) == SourceFetches.Start.QUEUE_FULL) {
        LOG.warn("{}: {} fetches of namespace {} wait for a fetch thread already ({}); it waits in line for its"
            + " turn", request, config.git().fetchQueue().value(), request.namespace(),
            config.git().fetchQueue().setting());
      }
    }
    if (!current) {
      return null;
    }
    if (last.revision() == null) {
      throw last.failure();
    }
    return last;
  }

  private SourceFetches.Request request(GitOpsSource source, long generation, String requestedAt,
      Duration interval) {
    GitOpsSourceSpec spec = source.getSpec();
    return new SourceFetches.Request(ResourceID.fromResource(source), source.getMetadata().getUid(), generation,
        requestedAt, spec.getUrl(), GitReference.of(spec.getRef()), GitCredentials.NONE,
        Durations.parse(spec.getTimeout()), interval, cacheDirOf(source), spec.getPath());
  }

  private static GitCredentials credentialsOf(GitOpsSource source, Context<GitOpsSource> context)
      throws StepFailure {
    try {
      return CredentialsSecrets.gitCredentials(source, context.getClient());
    } catch (CredentialsSecrets.Unusable e) {
      throw StepFailure.authentication(e.getMessage());
    }
  }

  private void recordArtifact(GitOpsSource source, GitOpsSourceStatus status, FetchedRevision revision) {
    Artifact previous = status.getArtifact();
    if (previous == null || !revision.revision().equals(previous.getRevision())) {
      events.normal(source, "Fetched", "fetched revision " + revision.revision());
      status.setArtifact(new Artifact(revision.revision(), revision.shortRevision(),
          Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString()));
    }
    status.setLastAttemptedRevision(revision.revision());
  }

  /** Step 4: an app set with no valid app never prunes everything, unless the source allows it. */
  private static void requireApps(GitOpsSource source, DesiredState desired, GitOpsSourceStatus status)
      throws StepFailure {
    if (!desired.apps().isEmpty() || source.getSpec().isAllowEmpty()) {
      return;
    }
    status.setInvalidApps(invalidApps(desired, List.of()));
    noValidApps(status);
    if (!desired.invalid().isEmpty()) {
      throw StepFailure.stalled(reasonFor(desired), summary(desired, List.of()) + "; no AppDeployment was changed");
    }
    throw StepFailure.stalled(Reasons.EMPTY_APP_SET, "path '" + source.getSpec().getPath() + "' holds no app;"
        + " nothing was pruned (set spec.allowEmpty: true to allow removing every app)");
  }

  /**
   * The revision read has no valid app: the status says so (its AppDeployments are left as they
   * are, and are not counted as this revision's apps).
   */
  private static void noValidApps(GitOpsSourceStatus status) {
    status.setApps(List.of());
    status.setAppCount(0);
    status.setReadyCount(0);
  }

  /** Step 6 (step 5 is the applier's): write what was applied, and how the apps are doing, into the status. */
  private void report(GitOpsSource source, DesiredState desired, AppDeploymentApplier.Result applied,
      FetchedRevision revision, GitOpsSourceStatus status, ConditionSet conditions, Context<GitOpsSource> context,
      SourceAccount account) {
    if (applied.changed()) {
      events.normal(source, "Applied", "applied revision " + revision.revision() + ": " + applied.created()
          + " created, " + applied.updated() + " updated, " + applied.pruned() + " pruned");
      LOG.info("GitOpsSource {}/{} applied {}: {} created, {} updated, {} pruned",
          source.getMetadata().getNamespace(), source.getMetadata().getName(), revision.revision(),
          applied.created(), applied.updated(), applied.pruned());
    }
    Set<String> rejectedFiles = applied.rejected().stream().map(InvalidApp::getFile).collect(Collectors.toSet());
    Set<String> notCreated = applied.denied().stream().filter(d -> d.verb().equals("create"))
        .map(AppDeploymentApplier.Denied::app).collect(Collectors.toSet());
    List<ParsedApp> inCluster = desired.apps().stream()
        .filter(app -> !rejectedFiles.contains(app.file()) && !notCreated.contains(app.name())).toList();
    status.setApps(inCluster.stream().map(app -> new AppSummary(app.name(), app.spec().getVersion(),
        app.spec().getIsolation().name(), app.file())).toList());
    status.setInvalidApps(invalidApps(desired, applied.rejected()));
    status.setAppCount(inCluster.size());
    Set<String> names = inCluster.stream().map(ParsedApp::name).collect(Collectors.toSet());
    List<AppDeployment> apps = context.getSecondaryResources(AppDeployment.class).stream()
        .filter(app -> names.contains(app.getMetadata().getName())).toList();
    status.setReadyCount((int) apps.stream().filter(AppDeploymentReconciler::isReady).count());
    status.setLastAppliedRevision(revision.revision());
    if (!applied.denied().isEmpty()) {
      String message = denied(applied.denied(), account, source.getMetadata().getNamespace());
      conditions.set(Conditions.READY, false, Reasons.FORBIDDEN, message)
          .set(Conditions.STALLED, true, Reasons.FORBIDDEN, message).remove(Conditions.RECONCILING);
      return;
    }
    if (!status.getInvalidApps().isEmpty()) {
      String reason = applied.rejected().isEmpty() ? reasonFor(desired) : Reasons.INVALID_APP_SPECS;
      String message = summary(desired, applied.rejected());
      conditions.set(Conditions.READY, false, reason, message).set(Conditions.STALLED, true, reason, message)
          .remove(Conditions.RECONCILING);
      return;
    }
    conditions.remove(Conditions.STALLED);
    String progress = "applied revision " + revision.revision() + "; " + status.getReadyCount() + " of "
        + inCluster.size() + " apps ready";
    Optional<AppDeployment> failed = apps.stream().filter(GitOpsSourceReconciler::isStalled).findFirst();
    if (status.getReadyCount() == inCluster.size()) {
      conditions.set(Conditions.READY, true, Reasons.SUCCEEDED, progress).remove(Conditions.RECONCILING);
    } else if (failed.isPresent()) {
      Condition cause = readyCondition(failed.get());
      conditions.set(Conditions.READY, false, cause.getReason(), progress + "; app '"
          + failed.get().getMetadata().getName() + "': " + cause.getMessage()).remove(Conditions.RECONCILING);
    } else {
      conditions.set(Conditions.READY, false, Reasons.PROGRESSING, progress)
          .set(Conditions.RECONCILING, true, Reasons.PROGRESSING, progress);
    }
  }

  /**
   * "the service account shop/deployer may not create appdeployments in namespace shop (apps web,
   * api; spec.serviceAccountName): <the API server's words>": the verb, resource and account.
   */
  private static String denied(List<AppDeploymentApplier.Denied> denied, SourceAccount account, String namespace) {
    AppDeploymentApplier.Denied first = denied.get(0);
    List<String> apps = denied.stream().filter(d -> d.verb().equals(first.verb())).map(AppDeploymentApplier.Denied::app)
        .sorted().toList();
    String setting = account.isOperator() ? "the operator's RBAC must allow it"
        : "spec.serviceAccountName: a Role and RoleBinding in " + namespace + " must allow it";
    return account + " may not " + first.verb() + " appdeployments.bcgitops.io in namespace " + namespace + " ("
        + (apps.size() == 1 ? "app " : "apps ") + String.join(", ", apps.subList(0, Math.min(5, apps.size())))
        + (apps.size() > 5 ? " and " + (apps.size() - 5) + " more" : "") + "; " + setting + "): " + first.message();
  }

  /**
   * An AppDeployment as this controller reads it: metadata and spec whole (compared with git, and written back
   * from), of its status only the Ready and Stalled conditions (a source's ready count and message). The rest of
   * its status is the AppDeployment controller's, which keeps its own copy.
   */
  static AppDeployment sourceView(AppDeployment app) {
    if (app.getStatus() != null) {
      AppDeploymentStatus summary = new AppDeploymentStatus();
      summary.setConditions(app.getStatus().getConditions().stream()
          .filter(c -> Conditions.READY.equals(c.getType()) || Conditions.STALLED.equals(c.getType()))
          .collect(Collectors.toList()));
      app.setStatus(summary);
    }
    return ManagedFields.dropped(app);
  }

  private static boolean isStalled(AppDeployment app) {
    return app.getStatus() != null && app.getStatus().getConditions().stream()
        .anyMatch(c -> Conditions.STALLED.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Condition readyCondition(AppDeployment app) {
    return Optional.ofNullable(Conditions.find(app.getStatus().getConditions(), Conditions.READY))
        .orElseGet(() -> new io.fabric8.kubernetes.api.model.ConditionBuilder().withReason(Reasons.PROGRESSING)
            .withMessage("no status yet").build());
  }

  private static List<InvalidApp> invalidApps(DesiredState desired, List<InvalidApp> rejected) {
    return Stream.concat(desired.invalid().stream().map(i -> new InvalidApp(i.file(), i.error())), rejected.stream())
        .sorted(Comparator.comparing(InvalidApp::getFile)).toList();
  }

  private static String reasonFor(DesiredState desired) {
    return desired.onlyCycles() ? Reasons.DEPENDENCY_CYCLE : Reasons.INVALID_APP_SPECS;
  }

  private static String summary(DesiredState desired, List<InvalidApp> rejected) {
    List<InvalidApp> all = invalidApps(desired, rejected);
    int total = desired.apps().size() + desired.invalid().size();
    return all.size() + " of " + total + " app specs are invalid (see status.invalidApps); first: "
        + all.get(0).getFile() + ": " + all.get(0).getError();
  }

  /** Writes the status only when it changed: an unchanged revision and spec cost no request. */
  private UpdateControl<GitOpsSource> finish(GitOpsSource source, GitOpsSourceStatus status, ConditionSet conditions,
      Context<GitOpsSource> context, Duration requeue) {
    status.setConditions(conditions.toList());
    status.setObservedGeneration(source.getMetadata().getGeneration());
    String requestedAt = ReconcileTriggers.requestedAt(source);
    if (requestedAt != null) {
      status.setLastHandledReconcileAt(requestedAt);
    }
    if (!JsonContent.same(status, source.getStatus())) {
      events.readyChanged(source, source.getStatus() == null ? null : source.getStatus().getConditions(),
          status.getConditions());
      source.setStatus(status);
      context.resourceOperations().updatePrimaryStatus(source);
    }
    UpdateControl<GitOpsSource> control = UpdateControl.noUpdate();
    return requeue == null ? control : control.rescheduleAfter(requeue);
  }

  private static Duration duration(String field, String value) throws StepFailure {
    Duration duration;
    try {
      duration = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, field + ": " + e.getMessage());
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw StepFailure.stalled(Reasons.INVALID_SOURCE, field + ": " + value + " is less than 1s");
    }
    return duration;
  }

  private Path cacheDirOf(GitOpsSource source) {
    return config.cacheDir().resolve(source.getMetadata().getUid());
  }


}
