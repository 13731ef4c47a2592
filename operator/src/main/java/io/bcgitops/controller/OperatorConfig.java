package io.bcgitops.controller;

import io.bcgitops.api.Durations;
import io.bcgitops.arguments.PortSetting;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.kube.PodImages;
import io.bcgitops.source.FetchLimits;
import io.bcgitops.spec.Limit;
import io.bcgitops.spec.RepositoryLimits;
import io.bcgitops.spec.SafeUrls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, from BCGITOPS_ environment variables (README lists each).
 *
 * @param namespaces namespaces to watch; empty means all
 * @param cacheDir where git repositories are cached between fetches
 * @param allowFileUrls whether a GitOpsSource may use a file:// URL (off in a cluster: it reads the operator's disk)
 * @param images the images apps run with, and where their jars come from
 * @param poolAddress where runtime pools' APIs are reached (their Services, in a cluster)
 * @param service how the operator process itself runs: its HTTP ports, leader election, webhook Secret
 * @param git what fetching and reading a GitOpsSource's repository may cost
 * @param defaultServiceAccount the service account (in each source's namespace) a GitOpsSource without
 *     spec.serviceAccountName writes its AppDeployments as; null for the operator's own
 */
public record OperatorConfig(Set<String> namespaces, Path cacheDir, boolean allowFileUrls, PodImages images,
    RuntimePoolAddress poolAddress, Service service, Git git, String defaultServiceAccount) {

  /** Sources without spec.serviceAccountName write as the operator. */
  public OperatorConfig(Set<String> namespaces, Path cacheDir, boolean allowFileUrls, PodImages images,
      RuntimePoolAddress poolAddress, Service service, Git git) {
    this(namespaces, cacheDir, allowFileUrls, images, poolAddress, service, git, null);
  }

  /** With the default git limits. */
  public OperatorConfig(Set<String> namespaces, Path cacheDir, boolean allowFileUrls, PodImages images,
      RuntimePoolAddress poolAddress, Service service) {
    this(namespaces, cacheDir, allowFileUrls, images, poolAddress, service, Git.DEFAULTS);
  }

  /** The same settings with other git limits. */
  public OperatorConfig withGit(Git newGit) {
    return new OperatorConfig(namespaces, cacheDir, allowFileUrls, images, poolAddress, service, newGit,
        defaultServiceAccount);
  }

  /** The same settings with another default service account (null: the operator's own). */
  public OperatorConfig withDefaultServiceAccount(String name) {
    return new OperatorConfig(namespaces, cacheDir, allowFileUrls, images, poolAddress, service, git, name);
  }

  /**
   * What one GitOpsSource's repository may cost the operator (README, "Limits").
   *
   * @param read what reading a revision's apps may cost
   * @param fetch what one fetch may download, and hold in memory while it indexes what it downloaded
   * @param maxTimeout the longest spec.timeout a source may ask for: a fetch holds one of the fetch threads that long
   * @param fetchThreads fetches that run at once
   * @param fetchThreadsPerNamespace fetches of one namespace that run at once: by default half the threads, so
   *     that one namespace's slow servers leave the other half to the others
   * @param fetchQueue fetches one namespace may have waiting for a thread; a source past it waits in line
   * @param namespaceAppBytes the heap the apps of one namespace's sources may take, as {@link
   *     io.bcgitops.spec.GitOpsRepository#heldBytes} counts it: the operator keeps each source's between fetches
   */
  public record Git(RepositoryLimits read, FetchLimits fetch, Limit maxTimeout, Limit fetchThreads,
      Limit fetchThreadsPerNamespace, Limit fetchQueue, Limit namespaceAppBytes) {
    private static final int THREADS = 4;
    public static final Git DEFAULTS = new Git(RepositoryLimits.DEFAULTS, FetchLimits.DEFAULTS,
        Limit.count("BCGITOPS_GIT_MAX_TIMEOUT", Duration.ofMinutes(2).toSeconds()),
        Limit.count("BCGITOPS_GIT_FETCH_THREADS", THREADS),
        Limit.count("BCGITOPS_GIT_FETCH_THREADS_PER_NAMESPACE", half(THREADS)),
        Limit.count("BCGITOPS_GIT_FETCH_QUEUE", 1024), Limit.bytes("BCGITOPS_MAX_NAMESPACE_APP_BYTES", 32L << 20));

    /** @throws IllegalArgumentException naming the variable whose value is not one */
    public static Git fromEnvironment(Map<String, String> env) {
      Limit threads = DEFAULTS.fetchThreads.from(env);
      return new Git(RepositoryLimits.fromEnvironment(env), FetchLimits.fromEnvironment(env),
          maxTimeout(env), threads, DEFAULTS.fetchThreadsPerNamespace.withValue(half(threads.value())).from(env),
          DEFAULTS.fetchQueue.from(env), DEFAULTS.namespaceAppBytes.from(env));
    }

    private static long half(long threads) {
      return Math.max(1, threads / 2);
    }

    /** These settings with other fetch limits. */
    public Git withFetch(FetchLimits other) {
      return new Git(read, other, maxTimeout, fetchThreads, fetchThreadsPerNamespace, fetchQueue, namespaceAppBytes);
    }

    /** The longest spec.timeout allowed. */
    public Duration longestTimeout() {
      return Duration.ofSeconds(maxTimeout.value());
    }

    /** A duration (5m, 90s) in seconds. */
    private static Limit maxTimeout(Map<String, String> env) {
      String text = env.get(DEFAULTS.maxTimeout.setting());
      if (text == null || text.isBlank()) {
        return DEFAULTS.maxTimeout;
      }
      try {
        long seconds = Durations.parse(text.strip()).toSeconds();
        if (seconds >= 1) {
          return DEFAULTS.maxTimeout.withValue(seconds);
        }
      } catch (IllegalArgumentException e) {
        // Said below.
      }
      throw new IllegalArgumentException(DEFAULTS.maxTimeout.setting() + " must be a duration of at least 1s"
          + " (such as 5m or 90s), got '" + text + "'");
    }
  }

  /**
   * @param httpPort where /metrics is served (the Service's port {@code http})
   * @param webhookPort where /hook/ (git webhooks) is served: a listener of its own, so that deliveries never
   *     reach the probes
   * @param healthPort where /healthz and /readyz are served: a listener of their own, in no Service, so that
   *     nothing sent to the other ports delays the kubelet's probes
   * @param ownNamespace the namespace the operator runs in: its Lease, and its webhook Secret
   * @param leaderElection whether replicas elect a leader with a Lease (off for a single local process)
   * @param webhookSecret the Secret (in ownNamespace) whose key "token" verifies webhook deliveries; null for none
   * @param jsonLogs one JSON object per log line
   */
  public record Service(int httpPort, int webhookPort, int healthPort, String ownNamespace, boolean leaderElection,
      String webhookSecret, boolean jsonLogs) {
    public static final Service LOCAL = new Service(8080, 8081, 8082, "default", false, null, false);
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Set<String> namespaces = Arrays.stream(env.getOrDefault("BCGITOPS_NAMESPACES", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    Path cache = Path.of(env.getOrDefault("BCGITOPS_CACHE_DIR",
        Path.of(System.getProperty("java.io.tmpdir"), "bcgitops-cache").toString()));
    boolean fileUrls = Boolean.parseBoolean(env.getOrDefault("BCGITOPS_ALLOW_FILE_URLS", "false"));
    PodImages images = new PodImages(
        env.getOrDefault("BCGITOPS_OPERATOR_IMAGE", PodImages.DEFAULTS.operatorImage()),
        env.getOrDefault("BCGITOPS_JRE_IMAGE", PodImages.DEFAULTS.jreImage()),
        mavenRepository(env.getOrDefault("BCGITOPS_MAVEN_REPOSITORY", PodImages.DEFAULTS.mavenRepository())));
    Service service = new Service(
        PortSetting.parse("BCGITOPS_HTTP_PORT", env.getOrDefault("BCGITOPS_HTTP_PORT", "8080")),
        PortSetting.parse("BCGITOPS_WEBHOOK_PORT", env.getOrDefault("BCGITOPS_WEBHOOK_PORT", "8081")),
        PortSetting.parse("BCGITOPS_HEALTH_PORT", env.getOrDefault("BCGITOPS_HEALTH_PORT", "8082")),
        env.getOrDefault("BCGITOPS_OPERATOR_NAMESPACE", "bc-gitops-system"),
        Boolean.parseBoolean(env.getOrDefault("BCGITOPS_LEADER_ELECTION", "true")),
        env.get("BCGITOPS_WEBHOOK_SECRET"),
        "json".equalsIgnoreCase(env.getOrDefault("BCGITOPS_LOG_FORMAT", "text")));
    return new OperatorConfig(namespaces, cache, fileUrls, images, RuntimePoolAddress.CLUSTER_DNS, service,
        Git.fromEnvironment(env), defaultServiceAccount(env.get("BCGITOPS_DEFAULT_SERVICE_ACCOUNT")));
  }

  private static String defaultServiceAccount(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    if (!SourceAccount.isName(name.strip())) {
      throw new IllegalArgumentException("BCGITOPS_DEFAULT_SERVICE_ACCOUNT must be a service account's name (a"
          + " DNS-1123 subdomain), got '" + name + "'");
    }
    return name.strip();
  }

  /**
   * The default Maven repository: an http(s) URL without credentials, which would otherwise be in
   * every vm app's pod arguments and every runtime pool's (apps give theirs with source.secretRef).
   */
  private static String mavenRepository(String url) {
    if (SafeUrls.hasUserInfo(url)) {
      throw new IllegalArgumentException("BCGITOPS_MAVEN_REPOSITORY must not carry credentials (" + SafeUrls.redact(url)
          + "): they would reach every app's pod arguments; give them to the apps with source.secretRef");
    }
    if (!url.matches("https?://[^\\s]+")) {
      throw new IllegalArgumentException("BCGITOPS_MAVEN_REPOSITORY must be an http or https URL, got '" + url + "'");
    }
    return url;
  }
}
