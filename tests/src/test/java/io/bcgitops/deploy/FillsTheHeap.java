package io.bcgitops.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * A process shaped like the operator under a memory attack: one worker thread (a reconciler, a
 * request handler) runs out of heap and dies, while the main thread serves on. Run as a child
 * JVM by {@link DockerfileTest}.
 */
public final class FillsTheHeap {
  private FillsTheHeap() {
  }

  public static void main(String[] args) throws InterruptedException {
    Thread worker = new Thread(() -> {
      List<long[]> hoard = new ArrayList<>();
      while (true) {
        hoard.add(new long[64 * 1024]);
      }
    }, "worker");
    worker.start();
    worker.join();
    System.out.println("the worker died of OutOfMemoryError; the process serves on");
    System.out.flush();
    Thread.sleep(60_000);
  }
}
