package io.bcgitops.cli;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * Where the lines of several logs go, as {@code tail} prints several files: whole lines only, and a
 * header ({@code ==> pod/web-1 <==}) whenever the lines that follow come from another log than the
 * ones before. Also notices a closed output (a pipe whose reader, such as {@code head}, is gone),
 * which Java only reports by {@link PrintStream#checkError()}: the command then stops instead of
 * writing into nothing for ever.
 */
final class LogPrinter {
  /** The exit code of a command whose output was closed: a process stopped by SIGPIPE exits 128 + 13 in shells. */
  static final int OUTPUT_CLOSED = 141;

  private final PrintStream out;
  private final CountDownLatch closed = new CountDownLatch(1);
  private String current;

  LogPrinter(PrintStream out) {
    this.out = out;
  }

  /** Prints the header of a log about to be printed, even when the previous lines were from the same one. */
  synchronized void begin(String header) {
    current = header;
    out.println(header);
    flush();
  }

  /** Prints a line of the log that {@code header} names; false once the output is closed. */
  synchronized boolean line(String header, String line) {
    if (!Objects.equals(header, current)) {
      current = header;
      out.println(header);
    }
    out.println(line);
    return flush();
  }

  /** Whether the output is still open. */
  boolean open() {
    return closed.getCount() > 0;
  }

  /** Waits until the output is closed. */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private boolean flush() {
    out.flush();
    if (out.checkError()) {
      closed.countDown();
      return false;
    }
    return true;
  }
}
