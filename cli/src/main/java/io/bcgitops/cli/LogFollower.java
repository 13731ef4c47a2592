package io.bcgitops.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code logs -f}: an app's log as it is written, across the pods that run it. The pods running now
 * are followed from where {@code --tail}/{@code --since} say; an informer on the app's pods then
 * follows, from their first line, each pod that starts later (a rollout's new pod, a pool's new
 * pod) and each container that restarts. A log whose container ends just ends; the command runs
 * until it is stopped (Ctrl-C) or its output is closed.
 */
final class LogFollower {
  /** As kubectl's --max-log-requests: more open logs than an app has pods would be a runaway. */
  static final int MAX_LOGS = 10;

  private final Cluster cluster;
  private final AppLog log;
  private final LogPrinter printer;
  private final PrintStream err;
  /** The runs of containers (pod uid and restarts) whose log is or was followed. */
  private final Set<String> followed = ConcurrentHashMap.newKeySet();
  private final Set<InputStream> open = ConcurrentHashMap.newKeySet();
  /** The logs being opened or read. */
  private final AtomicInteger following = new AtomicInteger();
  private volatile boolean stopping;

  LogFollower(Cluster cluster, AppLog log, LogPrinter printer, PrintStream err) {
    this.cluster = cluster;
    this.log = log;
    this.printer = printer;
    this.err = err;
  }

  /**
   * Follows until the output is closed, then returns {@link LogPrinter#OUTPUT_CLOSED}. A log of a pod
   * running now that cannot be opened fails the command; one of a later pod is a line on stderr.
   */
  int run(LogRequest request) throws CommandFailure, InterruptedException {
    List<Pod> now = cluster.client().pods().inNamespace(cluster.namespace()).withLabel(log.labelKey(), log.labelValue())
        .list().getItems().stream().filter(log::started).sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    SharedIndexInformer<Pod> informer = null;
    try {
      for (Pod pod : now) {
        if (followed.add(log.run(pod)) && reserve(pod)) {
          AppLog.Opened opened;
          try {
            opened = log.open(cluster, pod, request.following(true), printer, err);
          } catch (CommandFailure | RuntimeException e) {
            following.decrementAndGet();
            throw e;
          }
          thread(pod, () -> read(pod, opened)).start();
        }
      }
      if (now.isEmpty()) {
        err.println("logs: " + log.what() + " has no running pod yet; waiting for one (Ctrl-C stops)");
      }
      informer = cluster.client().pods().inNamespace(cluster.namespace()).withLabel(log.labelKey(), log.labelValue())
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
              started(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
              started(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
              // Its log ends by itself.
            }
          });
      printer.awaitClosed();
      return LogPrinter.OUTPUT_CLOSED;
    } finally {
      stopping = true;
      if (informer != null) {
        informer.close();
      }
      open.forEach(LogFollower::close);
    }
  }

  /** A pod's container that has started a run not followed yet: its whole log, on a thread of its own. */
  private void started(Pod pod) {
    if (stopping || !log.started(pod) || !followed.add(log.run(pod)) || !reserve(pod)) {
      return;
    }
    thread(pod, () -> {
      try {
        read(pod, log.open(cluster, pod, LogRequest.all(log.container()).following(true), printer, err));
      } catch (CommandFailure e) {
        following.decrementAndGet();
        complain(e.getMessage());
      } catch (KubernetesClientException e) {
        following.decrementAndGet();
        complain(cluster.failure(e).getMessage());
      } catch (InterruptedException e) {
        following.decrementAndGet();
        Thread.currentThread().interrupt();
      }
    }).start();
  }

  /** Counts a log about to be followed; false, saying so, when as many as {@link #MAX_LOGS} are. */
  private boolean reserve(Pod pod) {
    if (following.incrementAndGet() <= MAX_LOGS) {
      return true;
    }
    following.decrementAndGet();
    complain("not following pod/" + pod.getMetadata().getName() + ": " + MAX_LOGS + " logs are followed already");
    return false;
  }

  /** Reads an opened log (null: nothing left to read) to its end, then counts it no more. */
  private void read(Pod pod, AppLog.Opened opened) {
    if (opened == null) {
      following.decrementAndGet();
      return;
    }
    open.add(opened.in());
    if (stopping) {
      close(opened.in());
    }
    try {
      log.print(opened, printer);
    } catch (IOException e) {
      complain("the log of pod/" + pod.getMetadata().getName() + " was cut off: " + e.getMessage());
    } finally {
      open.remove(opened.in());
      following.decrementAndGet();
    }
  }

  private void complain(String message) {
    if (!stopping && printer.open()) {
      err.println("logs: " + message);
    }
  }

  private static Thread thread(Pod pod, Runnable body) {
    Thread thread = new Thread(body, "logs-" + pod.getMetadata().getName());
    thread.setDaemon(true);
    return thread;
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Stopping: nothing more is read from it.
    }
  }
}
