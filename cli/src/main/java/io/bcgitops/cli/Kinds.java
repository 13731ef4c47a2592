package io.bcgitops.cli;

import java.util.Locale;
import java.util.Set;

/** The kinds the commands name, as a user may type them (kubectl's names and short names, and flux's "source"). */
enum Kinds {
  SOURCE, APP;

  private static final Set<String> SOURCES = Set.of("source", "gitopssource", "gitopssources", "gs", "gitsrc");
  private static final Set<String> APPS = Set.of("app", "appdeployment", "appdeployments", "appdep", "ad");

  /** The kind a word names; null for none. */
  static Kinds of(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    return SOURCES.contains(lower) ? SOURCE : APPS.contains(lower) ? APP : null;
  }
}
