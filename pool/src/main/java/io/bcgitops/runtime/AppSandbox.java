package io.bcgitops.runtime;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Where one instance of an app lives: a class loader of its own whose parent is the platform
 * loader (the JDK is shared, nothing of the host is visible: no Jackson, no host class), and a
 * thread group of its own. Every thread the app starts is born in that group with the app's loader
 * as context loader, so the host can tell the app's threads from its own, treat an exception none
 * of them caught as the app's crash, and stop them all when the app goes.
 *
 * <p>App code runs only on threads of this group, never on a host thread: a host thread that ran
 * app code could keep the app's loader reachable (thread locals, inherited context) after unloading.
 */
final class AppSandbox implements AutoCloseable {
  private final String label;
  private final AppThreadGroup group;
  private final AtomicInteger threadNumbers = new AtomicInteger();
  // Null once closed: nothing of the host may keep the loader reachable after unloading.
  private volatile URLClassLoader loader;

  private AppSandbox(String label, URLClassLoader loader, BiConsumer<Thread, Throwable> onUncaught) {
    this.label = label;
    this.loader = loader;
    this.group = new AppThreadGroup(label, onUncaught);
  }

  /**
   * @param label names the thread group and threads ({@code app:version})
   * @param onUncaught told of every exception a thread of the app did not catch
   */
  static AppSandbox open(String label, Path jar, BiConsumer<Thread, Throwable> onUncaught)
      throws MalformedURLException {
    URLClassLoader loader = new URLClassLoader(label, new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    return new AppSandbox(label, loader, onUncaught);
  }

  ClassLoader loader() {
    ClassLoader current = loader;
    if (current == null) {
      throw new IllegalStateException(label + " is unloaded");
    }
    return current;
  }

  /** Starts a thread of the app (in its group, its loader as context loader) running {@code body}. */
  Thread start(String name, Runnable body) {
    Thread thread = new Thread(group, body, label + "-" + name + "-" + threadNumbers.incrementAndGet());
    thread.setContextClassLoader(loader());
    // Daemon: an app thread never keeps the host process alive; threads it starts inherit this.
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Runs {@code body} on a new thread of the app; the future completes with its result or exception. */
  <T> CompletableFuture<T> call(String name, AppCode<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    start(name, () -> {
      try {
        result.complete(body.run());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** The names of the app's live threads, but {@code except}. */
  List<String> liveThreads(Thread except) {
    List<String> names = new ArrayList<>();
    for (Thread thread : threads()) {
      if (thread != except && thread.isAlive()) {
        names.add(thread.getName());
      }
    }
    return names;
  }

  /**
   * Interrupts every thread of the app and waits, up to {@code timeout}, for them to end.
   *
   * @return the names of the threads still alive (the app ignored the interrupt)
   */
  List<String> stopThreads(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> threads = threads();
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(Math.max(1, left / 1_000_000));
      }
    }
    // Threads started while we waited (an app restarting work on interrupt) count as survivors too.
    return liveThreads(null);
  }

  /**
   * Closes the loader (its jar) and forgets it, so it can be collected once the app's threads are
   * gone. Threads that survived {@link #stopThreads} keep it reachable: nothing more can be done
   * for them without killing threads mid-way, which could break the host's shared JDK state.
   */
  @Override
  @SuppressWarnings("removal") // ThreadGroup.destroy: still the way to take an empty group off its parent in 17
  public void close() throws IOException {
    group.forget();
    URLClassLoader closing = loader;
    loader = null;
    try {
      if (closing != null) {
        closing.close();
      }
    } finally {
      if (liveThreads(null).isEmpty() && !group.isDestroyed()) {
        try {
          group.destroy();
        } catch (IllegalThreadStateException stillInUse) {
          // A thread was started after all: the group goes when the parent group is collected.
        }
      }
    }
  }

  private List<Thread> threads() {
    Thread[] threads = new Thread[group.activeCount() + 16];
    int count = group.enumerate(threads, true);
    return new ArrayList<>(Arrays.asList(threads).subList(0, count));
  }

  /** Code of the app, which may throw anything. */
  @FunctionalInterface
  interface AppCode<T> {
    T run() throws Throwable;
  }

  /** Routes the app's uncaught exceptions to the host rather than to stderr. */
  private static final class AppThreadGroup extends ThreadGroup {
    private volatile BiConsumer<Thread, Throwable> onUncaught;

    AppThreadGroup(String name, BiConsumer<Thread, Throwable> onUncaught) {
      super(name);
      this.onUncaught = onUncaught;
    }

    /** After unloading, an exception of a surviving thread is no longer anybody's crash. */
    void forget() {
      onUncaught = null;
    }

    @Override
    @SuppressWarnings("removal")
    public void uncaughtException(Thread thread, Throwable e) {
      BiConsumer<Thread, Throwable> handler = onUncaught;
      if (handler != null && !(e instanceof ThreadDeath)) {
        handler.accept(thread, e);
      }
    }
  }
}
