package io.bcgitops.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connections that keep the listener waiting on their client. Two rules:
 *
 * <ul>
 *   <li>a deadline: a request's head (request line and headers), then its body, then the client's reading of the
 *       answer, must each be done in time, else the connection is closed. An idle timeout alone does not do it: a
 *       client that sends one byte every few seconds would hold its connection for hours;
 *   <li>at the connection limit, each new connection closes one that waits on its client: of the client address
 *       with the most connections waiting, the one that has waited longest. Without it, slow clients that reconnect
 *       as soon as they are closed keep every slot taken, and a new connection (the kubelet's probe) waits in the
 *       accept queue behind them until its own client gives up. A flood from one pod closes its own connections; a
 *       client that sends its request at once is waited on for a moment only.
 * </ul>
 *
 * <p>A connection waits on its client from its opening, or from the end of its previous answer, until its head has
 * arrived; while its body is read; while its answer is sent. It does not while the handler works on the request.
 */
final class ReceiveDeadlines implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveDeadlines.class);
  /** At most one log line this often about connections closed at the limit. */
  private static final long REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** A connection waiting on its client since {@code sinceNanos}, and its deadline. */
  private record Wait(Scheduler.Task deadline, long sinceNanos, InetAddress client) {
  }

  private final String name;
  private final Supplier<Scheduler> scheduler;
  private final long millis;
  private final int maxConnections;
  private final Map<Connection, Wait> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger reapedSinceReport = new AtomicInteger();
  private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_NANOS);

  /**
   * @param name the listener's, for the log
   * @param scheduler the server's, once it runs
   * @param maxConnections the connections open at once; one more that opens closes one that waits on its client
   */
  ReceiveDeadlines(String name, Supplier<Scheduler> scheduler, long millis, int maxConnections) {
    this.name = name;
    this.scheduler = scheduler;
    this.millis = millis;
    this.maxConnections = maxConnections;
  }

  @Override
  public void onOpened(Connection connection) {
    arm(connection);
    if (open.incrementAndGet() > maxConnections) {
      reapLongestWaiting(connection);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.decrementAndGet();
    disarm(connection);
  }

  /**
   * What {@code connection} waits for from its client (a head, a body, the reading of an answer) must be done within
   * the deadline from now.
   */
  void arm(Connection connection) {
    if (!connection.getEndPoint().isOpen()) {
      return;
    }
    Scheduler.Task[] task = new Scheduler.Task[1];
    task[0] = scheduler.get().schedule(() -> {
      Wait wait = waiting.get(connection);
      if (wait != null && wait.deadline() == task[0] && waiting.remove(connection, wait)) {
        connection.getEndPoint().close();
      }
    }, millis, TimeUnit.MILLISECONDS);
    Wait previous = waiting.put(connection, new Wait(task[0], System.nanoTime(), client(connection)));
    if (previous != null) {
      previous.deadline().cancel();
    }
  }

  /** What {@code connection} waited for has arrived: the listener works on it now. */
  void disarm(Connection connection) {
    Wait wait = waiting.remove(connection);
    if (wait != null) {
      wait.deadline().cancel();
    }
  }

  /**
   * Closes a connection other than {@code opened} that waits on its client: of the client address with the most
   * connections waiting, the one that has waited longest. When none waits (every other one is being answered), none
   * is closed: Jetty's connection limit then stops accepting until one closes.
   */
  private void reapLongestWaiting(Connection opened) {
    while (true) {
      Map<InetAddress, Integer> perClient = new HashMap<>();
      waiting.forEach((connection, wait) -> {
        if (connection != opened) {
          perClient.merge(wait.client(), 1, Integer::sum);
        }
      });
      Map.Entry<Connection, Wait> chosen = null;
      for (Map.Entry<Connection, Wait> entry : waiting.entrySet()) {
        Integer count = perClient.get(entry.getValue().client());
        if (entry.getKey() == opened || count == null) {
          continue;
        }
        if (chosen == null || count > perClient.getOrDefault(chosen.getValue().client(), 0)
            || count.equals(perClient.get(chosen.getValue().client()))
            && entry.getValue().sinceNanos() - chosen.getValue().sinceNanos() < 0) {
          chosen = entry;
        }
      }
      if (chosen == null) {
        return;
      }
      // Lost to its head arriving, or to its deadline, meanwhile: look again.
      if (waiting.remove(chosen.getKey(), chosen.getValue())) {
        chosen.getValue().deadline().cancel();
        chosen.getKey().getEndPoint().close();
        report();
        return;
      }
    }
  }

  /** The client's address; null when it is not an IP socket (a Unix socket, say), all such clients as one. */
  private static InetAddress client(Connection connection) {
    return connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress address
        ? address.getAddress() : null;
  }

  /** One line a minute at most while connections are closed at the limit: a flood of slow clients, or a low limit. */
  private void report() {
    int reaped = reapedSinceReport.incrementAndGet();
    long last = lastReport.get();
    long now = System.nanoTime();
    if (now - last >= REPORT_NANOS && lastReport.compareAndSet(last, now)) {
      reapedSinceReport.addAndGet(-reaped);
      LOG.warn("{} listener: {} connections open, its limit; closed {} that waited longest on their client (a"
          + " request's head or body not sent, an answer not read) to serve new ones", name, maxConnections, reaped);
    }
  }
}
