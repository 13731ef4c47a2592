package io.bcgitops.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request's head (request line and headers), or then its body, has not arrived whole in
 * time. An idle timeout alone does not: a client that sends one byte every few seconds would hold its connection
 * for hours. Armed when a connection opens and when a response on it ends (for the next head), and when a body is
 * to be read; disarmed once the head, and the body, have arrived.
 */
final class ReceiveDeadlines implements Connection.Listener {
  private final Supplier<Scheduler> scheduler;
  private final long millis;
  private final Map<Connection, Scheduler.Task> armed = new ConcurrentHashMap<>();

  /** @param scheduler the server's, once it runs */
  ReceiveDeadlines(Supplier<Scheduler> scheduler, long millis) {
    this.scheduler = scheduler;
    this.millis = millis;
  }

  @Override
  public void onOpened(Connection connection) {
    arm(connection);
  }

  @Override
  public void onClosed(Connection connection) {
    disarm(connection);
  }

  /** What {@code connection} waits for (a head, a body) must arrive within the deadline from now. */
  void arm(Connection connection) {
    if (!connection.getEndPoint().isOpen()) {
      return;
    }
    Scheduler.Task[] task = new Scheduler.Task[1];
    task[0] = scheduler.get().schedule(() -> {
      if (armed.remove(connection, task[0])) {
        connection.getEndPoint().close();
      }
    }, millis, TimeUnit.MILLISECONDS);
    Scheduler.Task previous = armed.put(connection, task[0]);
    if (previous != null) {
      previous.cancel();
    }
  }

  /** What {@code connection} waited for has arrived. */
  void disarm(Connection connection) {
    Scheduler.Task task = armed.remove(connection);
    if (task != null) {
      task.cancel();
    }
  }
}
