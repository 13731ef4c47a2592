package io.bcgitops.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Condition types and reasons of every kind, in one place (DESIGN.md section 5). */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String FETCH_FAILED = "FetchFailed";
  public static final String DEPENDENCIES_READY = "DependenciesReady";
  public static final String HEALTHY = "Healthy";
  /** GitOpsSource with spec.webhook enabled: whether its own receiver can verify deliveries (its Secret is usable). */
  public static final String WEBHOOK_READY = "WebhookReady";

  /** Reasons: CamelCase, as metav1.Condition requires. */
  public static final class Reasons {
    public static final String SUCCEEDED = "Succeeded";
    public static final String PROGRESSING = "Progressing";
    public static final String FETCH_FAILED = "FetchFailed";
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    public static final String PATH_NOT_FOUND = "PathNotFound";
    public static final String INVALID_APP_SPECS = "InvalidAppSpecs";
    public static final String DEPENDENCY_CYCLE = "DependencyCycle";
    /** The path holds no valid app and spec.allowEmpty is false: nothing is pruned. */
    public static final String EMPTY_APP_SET = "EmptyAppSet";
    /**
     * The repository is over a limit on what the operator reads or fetches (apps, bytes, folder
     * depth or entries, an object or the pack); the message names the limit and its setting.
     */
    public static final String REPOSITORY_TOO_LARGE = "RepositoryTooLarge";
    /**
     * The API server refused to let the source's service account (spec.serviceAccountName, or the
     * operator's default) write its AppDeployments; the message names the verb, resource and account.
     */
    public static final String FORBIDDEN = "Forbidden";
    /** The GitOpsSource itself asks for something the operator will not do (e.g. a file URL). */
    public static final String INVALID_SOURCE = "InvalidSource";
    /** WebhookReady: the webhook's Secret is missing, not labelled as credentials, or has no token. */
    public static final String WEBHOOK_SECRET_UNUSABLE = "WebhookSecretUnusable";
    public static final String WAITING_FOR_DEPENDENCIES = "WaitingForDependencies";
    public static final String DEPENDENCY_NOT_FOUND = "DependencyNotFound";
    public static final String ARTIFACT_FETCH_FAILED = "ArtifactFetchFailed";
    public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
    /** The downloaded file is not a runnable jar (not a zip, or no main class). */
    public static final String INVALID_ARTIFACT = "InvalidArtifact";
    /** The AppDeployment asks for something that cannot run (e.g. an image source with embedded isolation). */
    public static final String INVALID_SPEC = "InvalidSpec";
    /** The app container keeps exiting; the kubelet restarts it with back-off. */
    public static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";
    public static final String UPGRADE_FAILED = "UpgradeFailed";
    public static final String SUSPENDED = "Suspended";
    /** An unexpected error while reconciling (an API server refusing a write); retried. */
    public static final String RECONCILE_ERROR = "ReconcileError";
    /** An embedded app the runtime host cannot start (no usable class, a broken jar); it is not retried. */
    public static final String START_FAILED = "StartFailed";
    /** The embedded app's runtime pool is not running yet, or its API does not answer. */
    public static final String RUNTIME_UNAVAILABLE = "RuntimeUnavailable";

    /** A runtime pool's JVM runs, but not every app in it: one is starting, crashed or failed to start. */
    public static final String APPS_NOT_RUNNING = "AppsNotRunning";
    /** A runtime pool's Deployment did not get an available pod before its progress deadline. */
    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    /** Reasons the fetch command reports about an app's jar. */
    public static final java.util.Set<String> ARTIFACT_REASONS =
        java.util.Set.of(ARTIFACT_FETCH_FAILED, CHECKSUM_MISMATCH, INVALID_ARTIFACT);

    private Reasons() {
    }
  }

  private Conditions() {
  }

  /** The condition of this type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
