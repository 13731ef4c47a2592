package io.bcgitops.testing;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A fake git daemon on 127.0.0.1 (protocol v0, whatever the client asks for) that lists
 * {@code refs/heads/main} and as many tags as it is told, and answers any fetch of main with the
 * pack it is given, as fast as the socket takes it: what a hostile server can send.
 */
public final class HostileGitDaemon extends LoopbackSocketServer {
  /** The commit main points to: the pack need not hold it. */
  public static final String MAIN = "1111111111111111111111111111111111111111";

  private final int tags;
  private final byte[] pack;

  /**
   * @param tags how many tags it lists besides main (refs/tags/t0000001 and on)
   * @param pack what it sends for a fetch, after its NAK
   */
  public HostileGitDaemon(int tags, byte[] pack) {
    super("hostile-git-daemon", 50);
    this.tags = tags;
    this.pack = pack;
    start();
  }

  public String url() {
    return "git://127.0.0.1:" + port() + "/repo.git";
  }

  @Override
  void serve(Socket client) throws IOException {
    DataInputStream in = new DataInputStream(client.getInputStream());
    OutputStream out = new BufferedOutputStream(client.getOutputStream(), 64 * 1024);
    readPacket(in); // git-upload-pack /repo.git\0host=...
    writePacket(out, MAIN + " HEAD\0shallow no-progress\n");
    writePacket(out, MAIN + " refs/heads/main\n");
    for (int i = 1; i <= tags; i++) {
      writePacket(out, MAIN + String.format(" refs/tags/t%07d", i) + "\n");
    }
    out.write("0000".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    boolean deepen = false;
    for (String line = readPacket(in); line != null && !line.isEmpty(); line = readPacket(in)) {
      deepen |= line.startsWith("deepen");
    }
    if (deepen) {
      writePacket(out, "shallow " + MAIN + "\n");
      out.write("0000".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    for (String line = readPacket(in); line != null && !line.startsWith("done"); line = readPacket(in)) {
      // haves, and flushes between their batches
    }
    writePacket(out, "NAK\n");
    out.write(pack);
    out.flush();
    while (in.read() >= 0) {
      // until the client hangs up
    }
  }

  /** A pkt-line's payload; "" for a flush; null at the end of the stream. */
  private static String readPacket(DataInputStream in) throws IOException {
    byte[] length = new byte[4];
    if (in.readNBytes(length, 0, 4) < 4) {
      return null;
    }
    int n = Integer.parseInt(new String(length, StandardCharsets.US_ASCII), 16);
    if (n == 0) {
      return "";
    }
    return new String(in.readNBytes(n - 4), StandardCharsets.UTF_8);
  }

  private static void writePacket(OutputStream out, String payload) throws IOException {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    out.write(String.format("%04x", bytes.length + 4).getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
  }
}
