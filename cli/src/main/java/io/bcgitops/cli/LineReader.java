package io.bcgitops.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a log as it arrives, in bounded memory: a line longer than {@link #MAX_LINE} bytes
 * (a log has no limit) comes as several, cut between characters. The cuts depend only on the
 * bytes, so that two reads of one log split it alike.
 */
final class LineReader {
  static final int MAX_LINE = 64 * 1024;

  private final InputStream in;
  private final byte[] buffer = new byte[8192];
  private int start;
  private int end;
  private final byte[] line = new byte[MAX_LINE];
  private int length;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line, without its newline; null at the end of the log. */
  String next() throws IOException {
    while (true) {
      if (start == end) {
        int read = in.read(buffer);
        if (read < 0) {
          return length == 0 ? null : take(length);
        }
        start = 0;
        end = read;
      }
      while (start < end) {
        byte b = buffer[start++];
        if (b == '\n') {
          return take(length);
        }
        line[length++] = b;
        if (length == MAX_LINE) {
          return take(characterBoundary());
        }
      }
    }
  }

  /** Where a full line may be cut: before a UTF-8 sequence that the line's last bytes begin but do not finish. */
  private int characterBoundary() {
    int lead = length - 1;
    while (lead > length - 4 && (line[lead] & 0xC0) == 0x80) {
      lead--;
    }
    int b = line[lead] & 0xFF;
    int sequence = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return lead + sequence > length ? lead : length;
  }

  private String take(int count) {
    String text = new String(line, 0, count, StandardCharsets.UTF_8);
    System.arraycopy(line, count, line, 0, length - count);
    length -= count;
    return text;
  }
}
