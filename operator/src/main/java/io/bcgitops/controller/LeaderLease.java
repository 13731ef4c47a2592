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
  /** Set once the operator is being stopped: losing the Lease is then the point, not a failure. */
  private volatile boolean stopping;

  /**
   * The election {@code requested} describes, under its identity or, without one, {@link #identity(Map)}'s.
   * A leader that loses the Lease without being stopped (it could not renew it in time, and another
   * replica may lead already) ends the process with exit code 1, as controller-runtime's managers
   * do: it must not go on reconciling next to the new leader, and its pod's restart brings it back
   * as a follower.
   */
  public LeaderLease(LeaderElectionConfiguration requested) {
    this(requested, () -> {
      LOG.error("Lost the Lease {}/{} while leading: exiting, so that only the new leader reconciles",
          requested.getLeaseNamespace().orElse(""), requested.getLeaseName());
      System.exit(1);
    });
  }

  /** As {@link #LeaderLease(LeaderElectionConfiguration)}, with what to do when the Lease is lost while leading. */
  LeaderLease(LeaderElectionConfiguration requested, Runnable lost) {
    this.identity = requested.getIdentity().orElseGet(() -> identity(System.getenv()));
    Optional<LeaderCallbacks> theirs = requested.getLeaderCallbacks();
    LeaderCallbacks tracking = new LeaderCallbacks(
        () -> theirs.ifPresent(LeaderCallbacks::onStartLeading),
        () -> {
          theirs.ifPresent(LeaderCallbacks::onStopLeading);
          if (!stopping) {
            lost.run();
          }
        },
        newLeader -> {
          leader = newLeader;
          theirs.ifPresent(c -> c.onNewLeader(newLeader));
        });
    // JOSDK's own exit on a lost Lease stays off: it would also exit when the operator is stopped
    // (cancelling the elector stops the leading), from within the JVM's shutdown hook, which hangs.
    this.configuration = new LeaderElectionConfiguration(requested.getLeaseName(),
        requested.getLeaseNamespace().orElseThrow(() -> new IllegalArgumentException("the Lease's namespace is required")),
        requested.getLeaseDuration(), requested.getRenewDeadline(), requested.getRetryPeriod(), identity, tracking,
        false);
  }

  /** The operator is being stopped: the end of leading that follows is no lost Lease. */
  void stopping() {
    stopping = true;
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
