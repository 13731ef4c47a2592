package io.bcgitops.cli;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * What the operator needs of the cluster before it starts: an API server that answers, and its
 * CRDs installed. Asked once, without the client's retries (ten, over some 20 s), so that a wrong
 * kubeconfig or a cluster without the CRDs is said in one line within seconds instead of as
 * informers' stack traces after them.
 */
final class ClusterCheck {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int REQUEST_TIMEOUT_MILLIS = 10_000;
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(GitOpsSource.class, AppDeployment.class,
      RuntimePool.class);

  private ClusterCheck() {
  }

  /** Returns when the cluster at {@code config} serves the CRDs; otherwise says what is wrong and what to do. */
  static void check(Config config) throws StartupFailure {
    Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(CONNECT_TIMEOUT_MILLIS).withRequestTimeout(REQUEST_TIMEOUT_MILLIS).build();
    List<String> missing;
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(once).build()) {
      // Discovery of the group's version: a 404 (or, from a server without it, no such kind) means no CRD.
      missing = KINDS.stream().filter(kind -> !client.supports(kind)).map(HasMetadata::getFullResourceName).toList();
    } catch (KubernetesClientException e) {
      throw new StartupFailure(unanswered(config.getMasterUrl(), e));
    }
    if (!missing.isEmpty()) {
      throw new StartupFailure(api(config.getMasterUrl()) + " has no CRD " + String.join(" nor ", missing)
          + "; install them with: kubectl apply -f crds/ (kubectl apply -k deploy/ installs them with the operator)");
    }
  }

  private static String api(String masterUrl) {
    return "the Kubernetes API at " + masterUrl;
  }

  /** What a failed request of the API at masterUrl means, in one line with what to do. */
  static String unanswered(String masterUrl, KubernetesClientException e) {
    String api = api(masterUrl);
    if (e.getCode() == 401) {
      return api + " refused the credentials (401 Unauthorized); check the kubeconfig's user, or the pod's"
          + " service account";
    }
    if (e.getCode() > 0) {
      return api + " answered " + e.getCode() + (e.getStatus() == null || e.getStatus().getMessage() == null ? ""
          : ": " + e.getStatus().getMessage());
    }
    return "cannot reach " + api + " (" + cause(e, masterUrl) + "); point KUBECONFIG, or the current context of"
        + " ~/.kube/config, at a running cluster (kubectl cluster-info checks it), or run the operator in a pod";
  }

  /** The reason under the client's wrapping, in words: the JDK's ConnectException has no message at all. */
  private static String cause(Throwable e, String masterUrl) {
    List<Throwable> chain = Stream.iterate(e, t -> t != null, Throwable::getCause).limit(20).toList();
    // A name that does not resolve comes as a ConnectException too, caused by one of these.
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host " + URI.create(masterUrl).getHost();
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof HttpTimeoutException) {
        return "timed out";
      }
      if (t instanceof SSLException) {
        return "TLS: " + t.getMessage();
      }
    }
    Throwable last = chain.get(chain.size() - 1);
    return last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage();
  }
}
