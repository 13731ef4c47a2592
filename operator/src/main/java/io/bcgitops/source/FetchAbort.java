package io.bcgitops.source;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one fetch, at its deadline or when it goes past a limit of its {@link #budget}: everything its
 * transport opened (an HTTP response, an SSH session) is closed and its thread interrupted, so a
 * server that trickles a byte now and then holds it no longer. JGit's own timeout is per read,
 * which such a server never trips.
 */
final class FetchAbort {
  private static final Logger LOG = LoggerFactory.getLogger(FetchAbort.class);

  /** Why a fetch was ended. */
  enum Reason { DEADLINE, TOO_LARGE }

  private final Thread fetching;
  private final FetchBudget budget;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Reason reason;
  private boolean finished;

  /** For the fetch running on the calling thread, within {@code limits}. */
  FetchAbort(FetchLimits limits) {
    this.fetching = Thread.currentThread();
    this.budget = new FetchBudget(limits, this);
  }

  /** What the fetch may still take: its transport counts what it reads from the server there. */
  FetchBudget budget() {
    return budget;
  }

  /** Closes {@code resource} when the fetch is ended (at once, if it already was). */
  void closeOnAbort(AutoCloseable resource) {
    synchronized (this) {
      if (reason == null) {
        open.add(resource);
        return;
      }
    }
    closeQuietly(List.of(resource));
  }

  /** {@code resource} was closed by its user. */
  synchronized void closed(AutoCloseable resource) {
    open.remove(resource);
  }

  /** Ends the fetch, unless it finished or was ended already. */
  void abort(Reason why) {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (finished || reason != null) {
        return;
      }
      reason = why;
      // Under the lock: finish() then knows that no interrupt of ours can arrive after it.
      fetching.interrupt();
      toClose = List.copyOf(open);
      open.clear();
    }
    // Closing may wait for the peer (an SSH disconnect): never on the caller's (the timer's) thread.
    Thread closer = new Thread(() -> closeQuietly(toClose), "bcgitops-git-abort");
    closer.setDaemon(true);
    closer.start();
  }

  synchronized boolean aborted() {
    return reason != null;
  }

  /**
   * Called by the fetching thread when the fetch is over: closes what it left open (a response JGit
   * did not read, such as a 401's); returns why it was ended, or null.
   */
  Reason finish() {
    Reason why;
    List<AutoCloseable> left;
    synchronized (this) {
      finished = true;
      why = reason;
      left = List.copyOf(open);
      open.clear();
    }
    closeQuietly(left);
    if (why != null) {
      Thread.interrupted(); // the interrupt was ours: the pool thread goes on with the next fetch
    }
    return why;
  }

  private static void closeQuietly(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.debug("closing {} of an ended fetch failed: {}", resource, e.toString());
      }
    }
  }
}
