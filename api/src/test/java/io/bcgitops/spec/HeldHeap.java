package io.bcgitops.spec;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run as a child JVM by {@link HeldHeapTest}: scans a repository folder as one source after another,
 * keeping every source's desired state as the operator does between fetches, and prints what each
 * one added to the heap once collected ("retained <bytes> held <bytes> valid <n> invalid <n>").
 */
public final class HeldHeap {
  private HeldHeap() {
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int sources = Integer.parseInt(args[1]);
    List<DesiredState> kept = new ArrayList<>();
    GitOpsRepository repository = new GitOpsRepository();
    repository.scan(root, "apps"); // classes loaded, caches filled: not what a source holds
    long before = used();
    for (int i = 0; i < sources; i++) {
      DesiredState state = repository.scan(root, "apps");
      kept.add(state);
      long now = used();
      System.out.println("retained " + (now - before) + " held " + state.heldBytes() + " valid "
          + state.apps().size() + " invalid " + state.invalid().size());
      before = now;
    }
    System.out.println("kept " + kept.size());
  }

  private static long used() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
