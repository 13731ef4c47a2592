package io.bcgitops.bench;

/**
 * One line of the results table: what was measured, the target the project holds itself to (empty
 * when there is none) and the figure itself, a ratio or a count from the same run.
 */
record Figure(String measure, String target, String measured, Verdict verdict) {
  enum Verdict { MET, MISSED, NO_TARGET }

  static Figure info(String measure, String measured) {
    return new Figure(measure, "", measured, Verdict.NO_TARGET);
  }

  static Figure checked(String measure, String target, String measured, boolean met) {
    return new Figure(measure, target, measured, met ? Verdict.MET : Verdict.MISSED);
  }
}
