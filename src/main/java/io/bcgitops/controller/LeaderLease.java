package io.bcgitops.controller;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in the election of the operator's leader: the Lease it runs for, under an
 * identity it knows, and handing the Lease back when it stops. JOSDK's elector never releases the
 * Lease on stop (it builds Fabric8's elector with releaseOnCancel off), so without this a rolling
 * restart leaves no leader until the stopped leader's Lease expires (its duration, 15 s).
 */
public final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  private static final LeaderCallbacks NONE = new LeaderCallbacks(() -> { }, () -> { }, leader -> { });

  private final LeaderElectionConfiguration configuration;
  private final String identity;
  /** The holder the elector last saw; this replica's identity while it leads. */
  private volatile String leader;

  /** The election {@code requested} describes, under its identity or, without one, {@link #identity(Map)}'s. */
  public LeaderLease(LeaderElectionConfiguration requested) {
    this.identity = requested.getIdentity().orElseGet(() -> identity(System.getenv()));
    Optional<LeaderCallbacks> theirs = requested.getLeaderCallbacks();
    LeaderCallbacks tracking = new LeaderCallbacks(
        () -> theirs.ifPresent(LeaderCallbacks::onStartLeading),
        () -> theirs.ifPresent(LeaderCallbacks::onStopLeading),
        newLeader -> {
          leader = newLeader;
          theirs.ifPresent(c -> c.onNewLeader(newLeader));
        });
    this.configuration = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(requested.getLeaseName())
        .withLeaseNamespace(requested.getLeaseNamespace().orElseThrow(
            () -> new IllegalArgumentException("the Lease's namespace is required")))
        .withIdentity(identity)
        .withLeaseDuration(requested.getLeaseDuration())
        .withRenewDeadline(requested.getRenewDeadline())
        .withRetryPeriod(requested.getRetryPeriod())
        .withLeaderCallbacks(tracking)
        // The builder's only way to carry the requested flag over (its build() always sets it off).
        .buildForTest(requested.isExitOnStopLeading());
  }

  /** A replica's identity: in a pod its name (HOSTNAME, what JOSDK itself would take), else a random one. */
  static String identity(Map<String, String> env) {
    String hostname = env.get("HOSTNAME");
    return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
  }

  /** What JOSDK runs the election with. */
  public LeaderElectionConfiguration configuration() {
    return configuration;
  }

  /**
   * Hands the Lease back if this replica holds it, with Fabric8's LeaderElector#release: a record
   * of no holder that lasts 1 s from now (written as a JSON merge patch, which leaves the null
   * holder out: the 1 s is what frees the Lease). Another replica takes it at its next retry
   * instead of after the lease duration. Call once the elector has stopped, or it would renew the
   * Lease again.
   */
  void release(KubernetesClient client) {
    if (!identity.equals(leader)) {
      return; // not leading: nothing to hand back, and no request to an API server that may be gone
    }
    LeaseLock lock = new LeaseLock(namespace(), name(), identity);
    LeaderElectionConfig release = new LeaderElectionConfig(lock, configuration.getLeaseDuration(),
        configuration.getRenewDeadline(), configuration.getRetryPeriod(), NONE, true, name());
    try {
      if (new LeaderElector(client, release, Runnable::run).release()) {
        LOG.info("Released the Lease {}/{}: another replica can lead at once", namespace(), name());
      }
    } catch (KubernetesClientException e) {
      // Another replica took it meanwhile (409), or the API server is gone: the Lease expires by itself.
      LOG.warn("Could not release the Lease {}/{}: {}", namespace(), name(), e.getMessage());
    }
  }

  /**
   * Whether the API server would create the operator's Lease in {@code namespace}: false only when
   * it answers that the namespace does not exist. A dry run: nothing is written. Any other answer
   * (created, exists already, forbidden, unreachable) is left to the election to report.
   */
  public static boolean namespaceExists(KubernetesClient client, String namespace) {
    Lease lease = new LeaseBuilder().withNewMetadata().withName(BcGitopsOperator.LEASE_NAME).withNamespace(namespace)
        .endMetadata().withNewSpec().endSpec().build();
    try {
      client.resource(lease).dryRun().create();
      return true;
    } catch (KubernetesClientException e) {
      return e.getCode() != HttpURLConnection.HTTP_NOT_FOUND;
    }
  }

  private String namespace() {
    return configuration.getLeaseNamespace().orElseThrow();
  }

  private String name() {
    return configuration.getLeaseName();
  }
}
