package io.bcgitops.cli;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines seen, for a {@code --tail} the API server cannot apply (an embedded app's lines are
 * picked out of its pool's log here): at most {@code count} lines and {@link #MAX_CHARS} characters.
 */
final class LastLines {
  static final long MAX_CHARS = 8L * 1024 * 1024;

  private final int count;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private long chars;
  private boolean cut;

  LastLines(int count) {
    this.count = count;
  }

  void add(String line) {
    lines.addLast(line);
    chars += line.length();
    if (lines.size() > count) {
      chars -= lines.removeFirst().length();
    }
    while (chars > MAX_CHARS) {
      chars -= lines.removeFirst().length();
      cut = true;
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Whether fewer than {@code count} lines are kept because they were too long to keep them all. */
  boolean cut() {
    return cut;
  }
}
