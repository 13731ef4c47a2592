package io.bcgitops.local;

import java.util.concurrent.ThreadFactory;

/** Local mode's threads: named for what they do, and daemons, so none of them keeps the JVM from exiting. */
final class Threads {
  private Threads() {
  }

  static ThreadFactory daemons(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
