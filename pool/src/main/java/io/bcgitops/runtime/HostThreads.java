package io.bcgitops.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of the host itself: daemon, in the host's thread group, with the host's loader as
 * context loader, whoever asked for them. A host thread born while an app thread submitted work
 * would otherwise inherit that app's loader and keep it alive for as long as the thread lives.
 */
final class HostThreads implements ThreadFactory {
  private static final ThreadGroup HOST_GROUP = Thread.currentThread().getThreadGroup();
  private final String prefix;
  private final AtomicInteger numbers = new AtomicInteger();

  HostThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable body) {
    Thread thread = new Thread(HOST_GROUP, body, prefix + "-" + numbers.incrementAndGet());
    thread.setDaemon(true);
    thread.setContextClassLoader(HostThreads.class.getClassLoader());
    return thread;
  }
}
