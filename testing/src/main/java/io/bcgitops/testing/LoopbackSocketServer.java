package io.bcgitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on a free loopback port that serves each connection on a thread of its own, for
 * servers that misbehave on purpose (a tarpit, a hostile git daemon). Closing it closes every
 * connection it accepted.
 */
abstract class LoopbackSocketServer implements AutoCloseable {
  private final ServerSocket server;
  private final String name;
  private final List<Socket> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  LoopbackSocketServer(String name, int backlog) {
    this.name = name;
    try {
      server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves one connection; the connection is closed when it returns. */
  abstract void serve(Socket client) throws IOException, InterruptedException;

  /** Starts accepting: called by the subclass once its own fields are set. */
  final void start() {
    Thread acceptor = new Thread(this::accept, name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  final int port() {
    return server.getLocalPort();
  }

  /** How many connections it accepted. */
  public final int connections() {
    return connections.get();
  }

  /** How many connections are still open (a client that gave up has closed its own). */
  public final long open() {
    return clients.stream().filter(s -> !s.isClosed()).count();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        clients.add(client);
        Thread handler = new Thread(() -> serveAndClose(client), name + "-" + connections.incrementAndGet());
        handler.setDaemon(true);
        handler.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serveAndClose(Socket client) {
    try (client) {
      serve(client);
    } catch (IOException | InterruptedException e) {
      // The client hung up, or the server was closed.
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    clients.forEach(LoopbackSocketServer::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing.
    }
  }
}
