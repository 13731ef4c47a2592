package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code labelSelector} query parameter with the API server's grammar: {@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k} and {@code !k}, all of them required. The mock store knows
 * only some of these forms, so the front door selects by itself, for lists and watches alike.
 */
record LabelSelector(List<Requirement> requirements) {
  private static final Pattern SET = Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\((.*)\\)");
  private static final Pattern EQUALITY = Pattern.compile("([^=!\\s]+)\\s*(==|=|!=)\\s*(\\S*)");
  private static final Pattern KEY = Pattern.compile("!?\\s*[^=!\\s(),]+");
  private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  /** One requirement on one label. */
  record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(JsonNode labels) {
      JsonNode value = labels.get(key);
      boolean present = value != null && value.isTextual();
      return switch (operator) {
        case IN -> present && values.contains(value.asText());
        case NOT_IN -> !present || !values.contains(value.asText());
        case EXISTS -> present;
        case DOES_NOT_EXIST -> !present;
      };
    }
  }

  enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  /** @throws IllegalArgumentException when the selector does not parse (the API server answers 400) */
  static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String term : splitOutsideParentheses(selector)) {
      requirements.add(requirement(term.trim(), selector));
    }
    return new LabelSelector(requirements);
  }

  boolean matches(JsonNode object) {
    JsonNode labels = object.path("metadata").path("labels");
    return requirements.stream().allMatch(requirement -> requirement.matches(labels));
  }

  private static Requirement requirement(String term, String selector) {
    Matcher set = SET.matcher(term);
    if (set.matches()) {
      Set<String> values = new HashSet<>();
      for (String value : set.group(3).split(",")) {
        values.add(value(value.trim(), selector));
      }
      return new Requirement(set.group(1), set.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, values);
    }
    Matcher equality = EQUALITY.matcher(term);
    if (equality.matches()) {
      Operator operator = equality.group(2).equals("!=") ? Operator.NOT_IN : Operator.IN;
      return new Requirement(equality.group(1), operator, Set.of(value(equality.group(3), selector)));
    }
    if (KEY.matcher(term).matches()) {
      return term.startsWith("!") ? new Requirement(term.substring(1).trim(), Operator.DOES_NOT_EXIST, Set.of())
          : new Requirement(term, Operator.EXISTS, Set.of());
    }
    throw new IllegalArgumentException("unable to parse requirement \"" + term + "\" of the label selector \""
        + selector + "\"");
  }

  private static String value(String value, String selector) {
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid label value \"" + value + "\" in the label selector \""
          + selector + "\"");
    }
    return value;
  }

  private static List<String> splitOutsideParentheses(String selector) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }
}
