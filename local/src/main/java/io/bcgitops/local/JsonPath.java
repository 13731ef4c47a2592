package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes JSONPath that printer columns use: fields ({@code .a.b}, {@code .a\.b} for a name with
 * a dot, {@code ['a.b']}), indexes ({@code [0]}, {@code [-1]}), wildcards ({@code [*]}, {@code .*}) and filters
 * comparing a field with a literal ({@code [?(@.type=="Ready")]}, {@code !=}, or only {@code [?(@.a)]} for
 * "has a"). An expression outside this subset is refused when compiled, so that a CRD whose column cannot be
 * shown fails at start, not as empty cells.
 */
final class JsonPath {
  private final String expression;
  private final List<Step> steps;

  private JsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = steps;
  }

  /** @throws IllegalArgumentException when the expression is not in the supported subset */
  static JsonPath compile(String expression) {
    return new JsonPath(expression, new Parser(expression).steps());
  }

  /** Every value the expression selects, in document order; none when a field along the way is missing. */
  List<JsonNode> evaluate(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        step.apply(node, next);
      }
      current = next;
    }
    return current;
  }

  @Override
  public String toString() {
    return expression;
  }

  private interface Step {
    void apply(JsonNode node, List<JsonNode> results);
  }

  private record Field(String name) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> results) {
      if (node.isObject() && node.has(name)) {
        results.add(node.get(name));
      }
    }
  }

  private record Index(int index) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> results) {
      int at = index < 0 ? node.size() + index : index;
      if (node.isArray() && at >= 0 && at < node.size()) {
        results.add(node.get(at));
      }
    }
  }

  private record Wildcard() implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> results) {
      if (node.isArray() || node.isObject()) {
        node.elements().forEachRemaining(results::add);
      }
    }
  }

  /** Keeps the elements of an array whose {@code path} has a value equal (or not) to {@code literal}. */
  private record Filter(List<Field> path, Operator operator, JsonNode literal) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> results) {
      if (!node.isArray()) {
        return;
      }
      for (JsonNode element : node) {
        List<JsonNode> values = List.of(element);
        for (Field field : path) {
          List<JsonNode> next = new ArrayList<>();
          values.forEach(value -> field.apply(value, next));
          values = next;
        }
        if (matches(values)) {
          results.add(element);
        }
      }
    }

    private boolean matches(List<JsonNode> values) {
      return switch (operator) {
        case EXISTS -> !values.isEmpty();
        case EQUALS -> values.stream().anyMatch(this::equalsLiteral);
        case NOT_EQUALS -> !values.isEmpty() && values.stream().noneMatch(this::equalsLiteral);
      };
    }

    private boolean equalsLiteral(JsonNode value) {
      if (literal.isNumber() && value.isNumber()) {
        return literal.decimalValue().compareTo(value.decimalValue()) == 0;
      }
      return literal.equals(value);
    }
  }

  private enum Operator { EXISTS, EQUALS, NOT_EQUALS }

  private static final class Parser {
    private static final String FIELDS = "((?:\\.[^.\\s<>=!]+)+)";
    private static final Pattern COMPARISON = Pattern.compile("@" + FIELDS + "\\s*(==|!=)\\s*(.+)");
    private static final Pattern EXISTENCE = Pattern.compile("@" + FIELDS);

    private final String expression;
    private final String text;
    private int at;

    Parser(String expression) {
      this.expression = expression;
      String trimmed = expression.trim();
      // The API server accepts a column's path with or without the template braces and the root "$".
      if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
        trimmed = trimmed.substring(1, trimmed.length() - 1).trim();
      }
      if (trimmed.startsWith("$")) {
        trimmed = trimmed.substring(1);
      }
      this.text = trimmed;
    }

    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      if (text.isEmpty()) {
        throw unsupported("an empty path");
      }
      while (at < text.length()) {
        char c = text.charAt(at);
        if (c == '.') {
          at++;
          if (at < text.length() && text.charAt(at) == '*') {
            at++;
            steps.add(new Wildcard());
          } else {
            steps.add(new Field(name()));
          }
        } else if (c == '[') {
          steps.add(bracket());
        } else {
          throw unsupported("'" + c + "' at " + at);
        }
      }
      return steps;
    }

    private String name() {
      int start = at;
      StringBuilder name = new StringBuilder();
      while (at < text.length() && text.charAt(at) != '.' && text.charAt(at) != '[') {
        // "\." is a dot in the name, as Kubernetes writes a label key: .metadata.labels.bcgitops\.io/source.
        if (text.startsWith("\\.", at)) {
          at++;
        }
        name.append(text.charAt(at++));
      }
      if (start == at) {
        throw unsupported("an empty field name at " + start);
      }
      return name.toString();
    }

    private Step bracket() {
      int close = closingBracket(at);
      String inside = text.substring(at + 1, close).trim();
      at = close + 1;
      if (inside.equals("*")) {
        return new Wildcard();
      }
      if (inside.startsWith("?(") && inside.endsWith(")")) {
        return filter(inside.substring(2, inside.length() - 1).trim());
      }
      if (isQuoted(inside)) {
        return new Field(inside.substring(1, inside.length() - 1));
      }
      try {
        return new Index(Integer.parseInt(inside));
      } catch (NumberFormatException e) {
        throw unsupported("[" + inside + "]");
      }
    }

    private int closingBracket(int open) {
      char quote = 0;
      for (int i = open + 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quote != 0) {
          quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == ']') {
          return i;
        }
      }
      throw unsupported("an unclosed '['");
    }

    private Filter filter(String condition) {
      Matcher comparison = COMPARISON.matcher(condition);
      if (comparison.matches()) {
        Operator operator = comparison.group(2).equals("==") ? Operator.EQUALS : Operator.NOT_EQUALS;
        return new Filter(fields(comparison.group(1)), operator, literal(comparison.group(3).trim()));
      }
      Matcher existence = EXISTENCE.matcher(condition);
      if (existence.matches()) {
        return new Filter(fields(existence.group(1)), Operator.EXISTS, null);
      }
      throw unsupported("the filter " + condition);
    }

    private List<Field> fields(String dotted) {
      List<Field> fields = new ArrayList<>();
      // The pattern made sure the path starts with a dot and has no empty name.
      for (String name : dotted.substring(1).split("\\.")) {
        fields.add(new Field(name));
      }
      return fields;
    }

    private JsonNode literal(String literal) {
      if (isQuoted(literal)) {
        return KubeJson.MAPPER.getNodeFactory().textNode(literal.substring(1, literal.length() - 1));
      }
      if (literal.equals("true") || literal.equals("false")) {
        return KubeJson.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(literal));
      }
      try {
        return KubeJson.MAPPER.getNodeFactory().numberNode(new BigDecimal(literal));
      } catch (NumberFormatException e) {
        throw unsupported("the literal " + literal);
      }
    }

    private static boolean isQuoted(String value) {
      return value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.charAt(value.length() - 1) == value.charAt(0);
    }

    private IllegalArgumentException unsupported(String what) {
      return new IllegalArgumentException("unsupported JSONPath " + expression + ": " + what);
    }
  }
}
