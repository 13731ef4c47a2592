package io.bcgitops.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** How the table writes its figures, and the median that makes a figure of several runs. */
final class Units {
  static final long MIB = 1024 * 1024;

  private Units() {
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%,d ms", Math.round(nanos / 1e6));
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }

  static String ratio(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  static String count(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
