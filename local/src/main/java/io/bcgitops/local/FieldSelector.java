package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code fieldSelector} query parameter: terms {@code a.b=v}, {@code a.b==v} or {@code a.b!=v}, all required,
 * with the API server's escapes ({@code \,} {@code \=} {@code \\}) in values. Any field can be selected on here
 * (the API server allows a few per kind); a missing field reads as "". The mock store selects only on a
 * resource's name and namespace, so {@code kubectl describe}'s events query ({@code involvedObject.name=...})
 * is answered here.
 */
record FieldSelector(List<Term> terms) {
  static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /** One term: a field compared with a value. */
  record Term(String field, boolean equal, String value) {
    boolean matches(JsonNode object) {
      return KubeJson.text(object, field).equals(value) == equal;
    }
  }

  /** @throws IllegalArgumentException when the selector does not parse (the API server answers 400) */
  static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Term> terms = new ArrayList<>();
    for (String term : split(selector)) {
      terms.add(term(term, selector));
    }
    return new FieldSelector(terms);
  }

  boolean matches(JsonNode object) {
    return terms.stream().allMatch(term -> term.matches(object));
  }

  private static Term term(String term, String selector) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '!' && term.startsWith("!=", i)) {
        return new Term(term.substring(0, i).trim(), false, unescape(term.substring(i + 2)));
      } else if (c == '=') {
        int valueStart = term.startsWith("==", i) ? i + 2 : i + 1;
        return new Term(term.substring(0, i).trim(), true, unescape(term.substring(valueStart)));
      }
    }
    throw new IllegalArgumentException("invalid field selector \"" + selector + "\": \"" + term
        + "\" has no operator");
  }

  private static List<String> split(String selector) {
    List<String> terms = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        current.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        terms.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    terms.add(current.toString());
    return terms;
  }

  private static String unescape(String value) {
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      plain.append(c == '\\' && i + 1 < value.length() ? value.charAt(++i) : c);
    }
    return plain.toString();
  }
}
