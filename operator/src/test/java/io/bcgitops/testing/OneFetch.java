package io.bcgitops.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.bcgitops.source.FetchLimits;
import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.source.GitFetchException;
import io.bcgitops.source.GitFetcher;
import io.bcgitops.source.GitReference;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One fetch of a branch in a JVM of its own (a test starts it with a small heap), within the limits
 * its environment's BCGITOPS_GIT_* variables set. Prints how it ended ("fetched main@sha1:...", or
 * the failure's kind and message), then the largest heap left after a full garbage collection
 * during the fetch: what it held at once.
 *
 * <p>Arguments: the URL, the branch, the timeout (such as PT10S), the cache folder.
 */
public final class OneFetch {
  private OneFetch() {
  }

  public static void main(String[] args) throws Exception {
    AtomicLong peak = new AtomicLong();
    Set<String> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          GarbageCollectionNotificationInfo gc = GarbageCollectionNotificationInfo.from(
              (CompositeData) notification.getUserData());
          if (gc.getGcAction().contains("major")) { // a young collection leaves the old generation's garbage
            long used = gc.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(pool -> heap.contains(pool.getKey())).mapToLong(pool -> pool.getValue().getUsed()).sum();
            peak.accumulateAndGet(used, Math::max);
          }
        }
      }, null, null);
    }
    System.gc();
    long idle = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long started = System.nanoTime();
    try {
      FetchedRevision fetched = new GitFetcher(FetchLimits.fromEnvironment(System.getenv())).fetch(args[0],
          GitReference.branch(args[1]), GitCredentials.NONE, Duration.parse(args[2]), Path.of(args[3]));
      System.out.println("fetched " + fetched.revision());
    } catch (GitFetchException e) {
      System.out.println(e.kind() + ": " + e.getMessage());
    }
    System.out.printf("took %d ms; heap after a full gc: %d MiB at most (%d MiB before the fetch)%n",
        (System.nanoTime() - started) / 1_000_000, peak.get() >> 20, idle >> 20);
  }
}
