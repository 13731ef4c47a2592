package io.bcgitops.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** HTTP clients that misbehave on purpose, on plain loopback sockets: what the servers' limits are tested with. */
public final class HostileClients {
  private static final byte[] MIB = new byte[1024 * 1024];

  private HostileClients() {
  }

  /** A connection that has sent {@code bytes} (a head, or part of one, and maybe part of a body), then stalls. */
  public static Socket stalled(int port, String bytes) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /**
   * What the server sent on {@code socket} until it closed the connection, or null when it was still open after
   * {@code timeout}.
   */
  public static String untilClosed(Socket socket, Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        answer.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException stillOpen) {
      return null;
    } catch (IOException reset) {
      // Closed with a reset: closed all the same.
    }
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends a whole request on a new connection; returns all the server sent until it closed the connection. */
  public static String exchange(int port, String request, Duration timeout) throws IOException {
    try (Socket socket = stalled(port, request)) {
      String answer = untilClosed(socket, timeout);
      if (answer == null) {
        throw new SocketTimeoutException("no end of the answer within " + timeout);
      }
      return answer;
    }
  }

  /**
   * What a client saw that sent {@code head} then streamed a body of {@code bodyBytes} zeros as fast as it could.
   *
   * @param answer what the server answered before it closed the connection
   * @param bytesSent the body's bytes the client could send before the server closed the connection: what socket
   *     buffers took, when the server does not read the body
   * @param took from the first byte sent to the connection's close
   */
  public record Flood(String answer, long bytesSent, Duration took) {
    /** The answer's status line. */
    public String statusLine() {
      int end = answer.indexOf("\r\n");
      return end < 0 ? answer : answer.substring(0, end);
    }
  }

  /**
   * Slow clients that reopen their connection as soon as the server closes it (the reviewer's flood.py): each sends
   * {@code bytes} (part of a head, say) and waits for the close. Closing stops them.
   */
  public static final class Reopening implements AutoCloseable {
    private final List<Thread> clients = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean stopped;

    private Reopening(int port, int count, InetAddress from, String bytes) {
      byte[] sent = bytes.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < count; i++) {
        Thread client = new Thread(() -> {
          while (!stopped) {
            try (Socket socket = new Socket()) {
              open.add(socket);
              socket.bind(new InetSocketAddress(from, 0));
              socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
              opened.incrementAndGet();
              socket.getOutputStream().write(sent);
              socket.getOutputStream().flush();
              socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException refusedOrReset) {
              // Open it again.
            } finally {
              open.removeIf(Socket::isClosed);
            }
          }
        }, "reopening-" + i);
        client.setDaemon(true);
        clients.add(client);
        client.start();
      }
    }

    /** How many connections the clients opened so far. */
    public int opened() {
      return opened.get();
    }

    @Override
    public void close() throws InterruptedException {
      stopped = true;
      // Again until every client is gone: one may have opened a socket while the others were closed.
      while (clients.stream().anyMatch(Thread::isAlive)) {
        for (Socket socket : open) {
          try {
            socket.close();
          } catch (IOException e) {
            // Closing.
          }
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * {@code count} slow clients on {@code port}, each from {@code from} (another loopback address, such as 127.0.0.2,
   * stands for another pod than the kubelet's node), reopening as soon as closed.
   */
  public static Reopening reopening(int port, int count, InetAddress from, String bytes) {
    return new Reopening(port, count, from, bytes);
  }

  /** 127.0.0.2: a loopback address other than the one a test's own client connects from (Linux answers all of 127/8). */
  public static InetAddress otherLoopback() throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
  }

  public static Flood flood(int port, String head, long bodyBytes, Duration timeout) throws Exception {
    long start = System.nanoTime();
    try (Socket socket = stalled(port, head)) {
      AtomicLong sent = new AtomicLong();
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          while (sent.get() < bodyBytes) {
            int chunk = (int) Math.min(MIB.length, bodyBytes - sent.get());
            out.write(MIB, 0, chunk);
            sent.addAndGet(chunk);
          }
          out.flush();
        } catch (IOException closedByTheServer) {
          // What the test looks for: how far it got.
        }
      });
      String answer = untilClosed(socket, timeout);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      socket.close();
      sending.join();
      if (answer == null) {
        throw new SocketTimeoutException("the connection was still open after " + timeout + ", "
            + sent.get() + " bytes of the body sent");
      }
      return new Flood(answer, sent.get(), took);
    }
  }
}
