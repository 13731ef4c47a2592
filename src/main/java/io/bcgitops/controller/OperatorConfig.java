package io.bcgitops.controller;

import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.vm.VmImages;
import java.nio.file.Path;
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
 */
public record OperatorConfig(Set<String> namespaces, Path cacheDir, boolean allowFileUrls, VmImages images,
    RuntimePoolAddress poolAddress, Service service) {

  /**
   * @param httpPort where /metrics, /healthz and /readyz are served
   * @param webhookPort where /hook/ (git webhooks) is served: a listener of its own, so that deliveries never
   *     reach the probes
   * @param ownNamespace the namespace the operator runs in: its Lease, and its webhook Secret
   * @param leaderElection whether replicas elect a leader with a Lease (off for a single local process)
   * @param webhookSecret the Secret (in ownNamespace) whose key "token" verifies webhook deliveries; null for none
   * @param jsonLogs one JSON object per log line
   */
  public record Service(int httpPort, int webhookPort, String ownNamespace, boolean leaderElection,
      String webhookSecret, boolean jsonLogs) {
    public static final Service LOCAL = new Service(8080, 8081, "default", false, null, false);
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Set<String> namespaces = Arrays.stream(env.getOrDefault("BCGITOPS_NAMESPACES", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    Path cache = Path.of(env.getOrDefault("BCGITOPS_CACHE_DIR",
        Path.of(System.getProperty("java.io.tmpdir"), "bcgitops-cache").toString()));
    boolean fileUrls = Boolean.parseBoolean(env.getOrDefault("BCGITOPS_ALLOW_FILE_URLS", "false"));
    VmImages images = new VmImages(
        env.getOrDefault("BCGITOPS_OPERATOR_IMAGE", VmImages.DEFAULTS.operatorImage()),
        env.getOrDefault("BCGITOPS_JRE_IMAGE", VmImages.DEFAULTS.jreImage()),
        env.getOrDefault("BCGITOPS_MAVEN_REPOSITORY", VmImages.DEFAULTS.mavenRepository()));
    Service service = new Service(
        port("BCGITOPS_HTTP_PORT", env.getOrDefault("BCGITOPS_HTTP_PORT", "8080")),
        port("BCGITOPS_WEBHOOK_PORT", env.getOrDefault("BCGITOPS_WEBHOOK_PORT", "8081")),
        env.getOrDefault("BCGITOPS_OPERATOR_NAMESPACE", "bc-gitops-system"),
        Boolean.parseBoolean(env.getOrDefault("BCGITOPS_LEADER_ELECTION", "true")),
        env.get("BCGITOPS_WEBHOOK_SECRET"),
        "json".equalsIgnoreCase(env.getOrDefault("BCGITOPS_LOG_FORMAT", "text")));
    return new OperatorConfig(namespaces, cache, fileUrls, images, RuntimePoolAddress.CLUSTER_DNS, service);
  }

  /** A port variable's value; an IllegalArgumentException naming the variable when it is no port. */
  private static int port(String variable, String text) {
    try {
      int port = Integer.parseInt(text.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException(variable + " must be a port number (0 to 65535), got '" + text + "'");
  }
}
