package io.bcgitops.text;

import java.util.List;

/**
 * Rows as kubectl prints a table: each column as wide as its widest cell, two spaces apart, no
 * trailing blanks. Shared by the command line's tables and local mode's live table; it depends on
 * nothing, so that any package may use it.
 */
public final class Columns {
  private Columns() {
  }

  /** One line per row; rows may be shorter than the first (a missing cell is empty). */
  public static List<String> of(List<List<String>> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    int[] widths = new int[rows.stream().mapToInt(List::size).max().orElse(0)];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    return rows.stream().map(row -> {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      return line.toString().stripTrailing();
    }).toList();
  }
}
