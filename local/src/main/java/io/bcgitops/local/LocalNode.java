package io.bcgitops.local;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.embedded.RuntimePoolAddress;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.runtime.Backoff;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine as the one node behind local mode's API. It does what a cluster does with the
 * objects the operator writes: runs the pods of their Deployments (a vm app's as a child JVM, a
 * runtime pool's host and loader in this JVM) and reports them as a kubelet and the Deployment
 * controller would, and deletes what a deleted GitOpsSource owned, as the garbage collector would.
 * The operator itself is unchanged: it reads pods and Deployments as it does in a cluster.
 */
public final class LocalNode implements RuntimePoolAddress, AutoCloseable {
  static final String NODE_NAME = "local";
  private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
  /** How long a kubelet waits before restarting a crashed container, here shorter: one machine, one user watching. */
  private static final Backoff RESTART_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  private static final Duration RETRY = Duration.ofSeconds(1);
  /** A pool whose Deployment is gone answers nowhere: the operator sees it as unavailable. */
  private static final URI NOWHERE = URI.create("http://127.0.0.1:1");

  private final KubernetesClient client;
  private final Path dir;
  private final Map<String, String> hostEnv;
  private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(
      Threads.daemons("local-node"));
  private final ExecutorService workers = Executors.newCachedThreadPool(Threads.daemons("local-node-worker"));
  private final Map<String, VmRollout> rollouts = new ConcurrentHashMap<>();
  private final Map<String, PoolPod> pools = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** Stops still going on (of deleted Deployments): close() waits for them too. */
  private final Set<CompletableFuture<Void>> stopping = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;
  private Path agentJar;

  /**
   * @param dir the node's folder: pods' volumes and logs, runtime pools' jars
   * @param hostEnv this machine's environment, of which a vm app gets only what a JVM needs
   */
  public LocalNode(KubernetesClient client, Path dir, Map<String, String> hostEnv) {
    this.client = client;
    this.dir = dir;
    this.hostEnv = hostEnv;
  }

  public void start() throws IOException {
    agentJar = ParentWatchJar.write(dir.resolve("parent-watch-agent.jar"));
    informers.add(client.apps().deployments().inAnyNamespace().inform(handler(this::follow, this::forget)));
    informers.add(client.resources(GitOpsSource.class).inAnyNamespace().inform(handler(source -> { }, this::collect)));
  }

  @Override
  public URI host(String namespace, String runtime) {
    PoolPod pool = pools.get(namespace + "/" + RuntimePools.name(runtime));
    return pool == null ? NOWHERE : pool.host();
  }

  @Override
  public URI loader(String namespace, String runtime) {
    PoolPod pool = pools.get(namespace + "/" + RuntimePools.name(runtime));
    return pool == null ? NOWHERE : pool.loader();
  }

  /** Stops every app: vm apps' JVMs (SIGTERM, then SIGKILL after their grace period) and runtime pools. */
  @Override
  public void close() {
    closing = true;
    informers.forEach(SharedIndexInformer::close);
    // Right away, before an app whose JVM got the terminal's Ctrl-C too is restarted.
    stopAll();
    events.shutdownNow();
    try {
      events.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What an event being handled during the first round started.
    stopAll();
    CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    workers.shutdownNow();
  }

  private void stopAll() {
    rollouts.keySet().forEach(key -> stop(rollouts.remove(key)));
    pools.keySet().forEach(key -> stop(pools.remove(key)));
  }

  private void stop(VmRollout rollout) {
    if (rollout != null) {
      track(rollout.stop());
    }
  }

  private void stop(PoolPod pool) {
    if (pool != null) {
      track(CompletableFuture.runAsync(pool::stop, workers));
    }
  }

  private void track(CompletableFuture<Void> stop) {
    stopping.add(stop);
    stop.whenComplete((done, failed) -> stopping.remove(stop));
  }

  private void follow(Deployment deployment) {
    if (closing) {
      return;
    }
    if (deployment.getMetadata().getDeletionTimestamp() != null) {
      forget(deployment);
      return;
    }
    String key = key(deployment);
    Map<String, String> labels = deployment.getMetadata().getLabels() == null ? Map.of()
        : deployment.getMetadata().getLabels();
    if (labels.containsKey(Api.RUNTIME_LABEL)) {
      PoolPod running = pools.get(key);
      if (running != null && !running.runs(deployment)) {
        // A new pod template (another Maven repository, say) means a new pod, as in a cluster: the
        // operator loads its apps into it again.
        pools.remove(key);
        running.stop();
        running = null;
      }
      if (running == null) {
        startPool(deployment);
      }
    } else if (labels.containsKey(Api.APP_LABEL)) {
      rollouts.computeIfAbsent(key, k -> new VmRollout(client, events, pod -> new VmPod(client, pod,
          PodFiles.of(dir, pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
          agentJar, hostEnv, RESTART_BACKOFF, workers, () -> {
            VmRollout rollout = rollouts.get(k);
            if (rollout != null) {
              rollout.changed();
            }
          }))).apply(deployment);
    }
  }

  private void startPool(Deployment deployment) {
    PoolPod pool = new PoolPod(client, deployment, dir.resolve("pools").resolve(deployment.getMetadata().getNamespace())
        .resolve(deployment.getMetadata().getName()));
    try {
      pool.start();
      pools.put(key(deployment), pool);
    } catch (IOException | KubernetesClientException e) {
      pool.stop();
      LOG.info("runtime pool {} not started yet: {}; retrying", key(deployment), e.getMessage());
      events.schedule(() -> {
        Deployment latest = client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
            .withName(deployment.getMetadata().getName()).get();
        if (latest != null) {
          follow(latest);
        }
      }, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void forget(Deployment deployment) {
    stop(rollouts.remove(key(deployment)));
    stop(pools.remove(key(deployment)));
    // The garbage collector's part: a deleted Deployment's ReplicaSets go with it.
    String uid = deployment.getMetadata().getUid();
    client.apps().replicaSets().inNamespace(deployment.getMetadata().getNamespace()).list().getItems().stream()
        .filter(rs -> rs.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
        .forEach(rs -> client.resource(rs).delete());
  }

  /** The garbage collector's part: the AppDeployments a deleted GitOpsSource owned go with it. */
  private void collect(GitOpsSource source) {
    String uid = source.getMetadata().getUid();
    client.resources(AppDeployment.class).inNamespace(source.getMetadata().getNamespace()).list().getItems().stream()
        .filter(app -> app.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
        .forEach(app -> {
          LOG.info("deleting AppDeployment {}/{}: its GitOpsSource {} is gone", app.getMetadata().getNamespace(),
              app.getMetadata().getName(), source.getMetadata().getName());
          client.resource(app).delete();
        });
  }

  /** Every event handled on the node's one thread, in order. */
  private <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> changed, Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        events.execute(() -> safely(changed, resource));
      }

      @Override
      public void onUpdate(T old, T resource) {
        events.execute(() -> safely(changed, resource));
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {
        events.execute(() -> safely(deleted, resource));
      }
    };
  }

  private static <T extends HasMetadata> void safely(Consumer<T> action, T resource) {
    try {
      action.accept(resource);
    } catch (RuntimeException e) {
      LOG.warn("local node: handling {} {} failed: {}", resource.getKind(), resource.getMetadata().getName(),
          e.toString());
    }
  }

  private static String key(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

}
