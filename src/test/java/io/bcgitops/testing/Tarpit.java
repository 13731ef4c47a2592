package io.bcgitops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that never finishes answering: it accepts every connection and sends one byte every
 * {@code interval}, forever (as the slow git server of issue 12 did, a byte every 1.5 s). Enough
 * bytes arrive to trip no per-read timeout, never enough to end a request.
 */
public final class Tarpit implements AutoCloseable {
  /** What the trickled bytes are. */
  public enum Mode {
    /** An HTTP response whose status line and headers never end. */
    HTTP_HEADERS("HTTP/1.1 200 OK\r\nX-Slow: ", ""),
    /** An HTTP 200 for git whose body (one pkt-line of 65,535 bytes announced) never ends. */
    HTTP_BODY("", "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"
        + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\nffff\r\nffff"),
    /** A git daemon whose ref advertisement (one pkt-line of 65,535 bytes announced) never ends. */
    GIT_DAEMON("", "ffff");

    private final String trickledPrefix;
    private final String sentAtOnce;

    Mode(String trickledPrefix, String sentAtOnce) {
      this.trickledPrefix = trickledPrefix;
      this.sentAtOnce = sentAtOnce;
    }
  }

  private final ServerSocket server;
  private final Mode mode;
  private final Duration interval;
  private final List<Socket> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  public Tarpit(Mode mode, Duration interval) {
    this.mode = mode;
    this.interval = interval;
    try {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "tarpit-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A URL to a repository on it: http://127.0.0.1:port/repo.git, or git:// for {@link Mode#GIT_DAEMON}. */
  public String url() {
    return (mode == Mode.GIT_DAEMON ? "git" : "http") + "://127.0.0.1:" + server.getLocalPort() + "/repo.git";
  }

  /** How many connections it accepted. */
  public int connections() {
    return connections.get();
  }

  /** How many connections are still open (a client that gave up has closed its own). */
  public long open() {
    return clients.stream().filter(s -> !s.isClosed()).count();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        clients.add(client);
        Thread trickle = new Thread(() -> trickle(client), "tarpit-" + connections.get());
        trickle.setDaemon(true);
        trickle.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void trickle(Socket client) {
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      if (mode != Mode.GIT_DAEMON) {
        skipHeaders(in);
      }
      out.write(mode.sentAtOnce.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] prefix = mode.trickledPrefix.getBytes(StandardCharsets.US_ASCII);
      for (long i = 0; ; i++) {
        out.write(i < prefix.length ? prefix[(int) i] : 'a');
        out.flush();
        Thread.sleep(interval.toMillis());
      }
    } catch (IOException | InterruptedException e) {
      // The client gave up, or the tarpit was closed.
    }
  }

  /** Reads a request's headers (a git client's POST body, if any, is left unread). */
  private static void skipHeaders(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int read = 0; read < 64 * 1024 && matched < 4; read++) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing.
    }
    for (Socket client : clients) {
      try {
        client.close();
      } catch (IOException e) {
        // Closing.
      }
    }
  }
}
