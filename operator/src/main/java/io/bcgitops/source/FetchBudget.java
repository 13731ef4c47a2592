package io.bcgitops.source;

import io.bcgitops.spec.Limit;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectChecker;

/**
 * What one fetch may still take, counted as JGit reads it, so that a hostile server is stopped at
 * the first byte past a {@link FetchLimits} limit, before JGit holds what it sent:
 *
 * <ul>
 *   <li>every byte from the server ({@link #fromServer}): before the pack, its list of refs and
 *       the negotiation, against {@link FetchLimits#refsBytes()} (protocol v0 lists every ref, and
 *       JGit keeps them all); after, the pack with its side-band messages, which JGit also keeps;
 *   <li>the pack ({@link #pack}): its object count, read from its header before JGit sizes its
 *       tables by it, and its bytes;
 *   <li>the objects JGit rebuilds from deltas ({@link #checker}), between two calls of
 *       {@link #nextBase}.
 * </ul>
 *
 * <p>Past a limit, the read (or the check) that went past it fails, and the fetch is ended with
 * {@link FetchAbort.Reason#TOO_LARGE}: a server's stderr (SSH) is read on a thread of JGit's own,
 * whose failure alone would not end the fetch.
 */
final class FetchBudget {
  /** A pack's header: "PACK", its version, and its object count (4 bytes each). */
  private static final int PACK_HEADER = 12;
  private static final byte[] PACK_SIGNATURE = "PACK".getBytes(StandardCharsets.US_ASCII);

  /** The first limit a fetch went past, and what went past it ("its pack is larger than 128 MiB"). */
  record Exceeded(Limit limit, String what) {
    String message() {
      return what + ", the limit " + limit.setting() + " sets";
    }
  }

  private final FetchLimits limits;
  private final FetchAbort abort;
  private final AtomicLong fromServer = new AtomicLong();
  /** What had come from the server when the pack began; -1 until then. */
  private volatile long packStart = -1;
  /** Bytes of the objects JGit rebuilt since it last moved to another base; JGit's fetching thread only. */
  private long inflated;
  private Exceeded exceeded;

  FetchBudget(FetchLimits limits, FetchAbort abort) {
    this.limits = limits;
    this.abort = abort;
  }

  /** The first limit this fetch went past, or null. */
  synchronized Exceeded exceeded() {
    return exceeded;
  }

  /** Whether the pack began: what went wrong before was the refs or the negotiation. */
  boolean packStarted() {
    return packStart >= 0;
  }

  /** A stream from the server (a socket's, an HTTP response's, an SSH channel's), counted. */
  InputStream fromServer(InputStream in) {
    return new Counted(in);
  }

  /** The pack as JGit's parser reads it (past the side band, if any): its header checked, its bytes counted. */
  InputStream pack(InputStream in) {
    packStart = fromServer.get();
    return new Pack(in);
  }

  /**
   * Counts the objects JGit holds whole: each folder listing or commit as it arrives, and each
   * object it rebuilds from a delta. JGit resolves deltas base by base, depth first, and keeps an
   * object's content while deltas on it are still to apply; the objects rebuilt on one base add up
   * to at least what it holds at once (besides the base itself and the delta it applies).
   */
  ObjectChecker checker() {
    return new ObjectChecker() {
      @Override
      public void check(AnyObjectId id, int objType, byte[] raw) throws CorruptObjectException {
        inflated += raw.length;
        if (inflated > limits.inflatedBytes().value()) {
          IOException over = exceed(limits.inflatedBytes(), "the objects it rebuilds from the deltas on one base"
              + " add up to more than " + limits.inflatedBytes().amount());
          throw new CorruptObjectException(over.getMessage(), over);
        }
      }
    };
  }

  /**
   * JGit is done with a base and every object built on it. It asks whether the fetch is cancelled
   * between objects as it receives them, and between bases as it resolves deltas: never while it
   * resolves the deltas on one base.
   */
  void nextBase() {
    inflated = 0;
  }

  private IOException exceed(Limit limit, String what) {
    Exceeded now = new Exceeded(limit, what);
    synchronized (this) {
      if (exceeded == null) {
        exceeded = now;
      }
    }
    abort.abort(FetchAbort.Reason.TOO_LARGE);
    return new IOException(now.message());
  }

  private void received(long bytes) throws IOException {
    long total = fromServer.addAndGet(bytes);
    long start = packStart;
    if (start < 0 && total > limits.refsBytes().value()) {
      throw exceed(limits.refsBytes(), "the server sent more than " + limits.refsBytes().amount()
          + " of refs before the pack");
    }
    // The pack, its side-band framing (5 bytes per 64 KiB) and the server's messages, which JGit keeps too.
    if (start >= 0 && total - start > limits.fetchBytes().value() + limits.refsBytes().value()) {
      throw exceed(limits.fetchBytes(), "its pack is larger than " + limits.fetchBytes().amount());
    }
  }

  private final class Counted extends FilterInputStream {
    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        received(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        received(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      received(skipped);
      return skipped;
    }
  }

  private final class Pack extends FilterInputStream {
    private boolean started;
    private long read;

    Pack(InputStream in) {
      super(in);
    }

    /** Reads the header before JGit does: JGit allocates a table of the count it states at once. */
    private void start() throws IOException {
      started = true;
      byte[] header = in.readNBytes(PACK_HEADER);
      if (header.length == PACK_HEADER && Arrays.equals(header, 0, 4, PACK_SIGNATURE, 0, 4)) {
        long objects = (header[8] & 0xffL) << 24 | (header[9] & 0xffL) << 16 | (header[10] & 0xffL) << 8
            | header[11] & 0xffL;
        if (objects > limits.objects().value()) {
          throw exceed(limits.objects(), "its pack holds " + objects + " objects, more than "
              + limits.objects().amount());
        }
      }
      in = new SequenceInputStream(new ByteArrayInputStream(header), in); // JGit checks the rest itself
    }

    @Override
    public int read() throws IOException {
      if (!started) {
        start();
      }
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (!started) {
        start();
      }
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (!started) {
        start();
      }
      long skipped = in.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long bytes) throws IOException {
      read += bytes;
      if (read > limits.fetchBytes().value()) {
        throw exceed(limits.fetchBytes(), "its pack is larger than " + limits.fetchBytes().amount());
      }
    }
  }
}
