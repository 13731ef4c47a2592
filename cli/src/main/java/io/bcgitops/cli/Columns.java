package io.bcgitops.cli;

import java.util.List;

/** Rows as kubectl prints a table: each column as wide as its widest cell, two spaces apart. */
final class Columns {
  private Columns() {
  }

  static List<String> of(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    return rows.stream().map(row -> {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
      }
      return line.toString().stripTrailing();
    }).toList();
  }
}
