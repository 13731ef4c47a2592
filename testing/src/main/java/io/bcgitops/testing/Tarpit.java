package io.bcgitops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server that never finishes answering: it accepts every connection and sends one byte every
 * {@code interval}, forever (as the slow git server of issue 12 did, a byte every 1.5 s). Enough
 * bytes arrive to trip no per-read timeout, never enough to end a request.
 */
public final class Tarpit extends LoopbackSocketServer {
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

  private final Mode mode;
  private final Duration interval;

  public Tarpit(Mode mode, Duration interval) {
    super("tarpit", 200);
    this.mode = mode;
    this.interval = interval;
    start();
  }

  /** A URL to a repository on it: http://127.0.0.1:port/repo.git, or git:// for {@link Mode#GIT_DAEMON}. */
  public String url() {
    return (mode == Mode.GIT_DAEMON ? "git" : "http") + "://127.0.0.1:" + port() + "/repo.git";
  }

  @Override
  void serve(Socket client) throws IOException, InterruptedException {
    InputStream in = client.getInputStream();
    OutputStream out = client.getOutputStream();
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
}
