package io.bcgitops.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads one spec file (YAML or JSON) into an {@link AppSpec}, with errors that name the field. */
public final class AppSpecParser {
  private final ObjectMapper yaml = configure(YAMLMapper.builder().build());
  private final ObjectMapper json = configure(JsonMapper.builder().build());

  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // A version or an env value written as a number is an error, not a silent conversion:
    // YAML reads 1.10 as the number 1.1, and the version would change.
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /**
   * Parses the content of a spec file.
   *
   * @param fileName the file's name, which tells JSON from YAML
   */
  public AppSpec parse(String fileName, byte[] content) throws InvalidSpecException {
    ObjectMapper mapper = fileName.endsWith(".json") ? json : yaml;
    String format = mapper == json ? "JSON" : "YAML";
    try (JsonParser parser = mapper.createParser(content)) {
      // An empty (or comment-only) file has no first token; Jackson would call it a type mismatch.
      if (parser.nextToken() == null) {
        throw new InvalidSpecException("the file is empty", null);
      }
      AppSpec spec = mapper.readValue(parser, AppSpec.class);
      if (spec == null) {
        throw new InvalidSpecException("the file is empty", null);
      }
      // One app per file: a second YAML document or anything after the JSON object is not ignored.
      JsonToken next = parser.nextToken();
      while (next == JsonToken.VALUE_NULL && mapper == yaml) {
        next = parser.nextToken(); // an empty document, as a trailing "---" makes
      }
      if (next != null) {
        throw new InvalidSpecException("the file holds more than one " + (mapper == json ? "JSON value" : "YAML document")
            + at(parser.currentTokenLocation()) + "; a spec file describes exactly one app",
            declaredName(mapper, content));
      }
      return spec;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      // Jackson reports an unknown field of a record where the record's mapping ends: find the field itself.
      throw new InvalidSpecException("unknown field '" + fieldPath(e) + "'"
          + at(fieldLocation(mapper, content, e.getPropertyName(), e.getPath().size()))
          + "; known fields here: " + known, declaredName(mapper, content));
    } catch (MismatchedInputException e) {
      throw new InvalidSpecException(mismatch(e), declaredName(mapper, content));
    } catch (JsonMappingException e) {
      // A syntax error met while reading a nested value arrives wrapped; it is still malformed input.
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof JsonParseException parseError) {
          throw new InvalidSpecException(malformed(format, parseError), null);
        }
      }
      throw new InvalidSpecException("field '" + fieldPath(e) + "'" + at(e.getLocation()) + ": "
          + e.getOriginalMessage(), declaredName(mapper, content));
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(malformed(format, e), null);
    } catch (IOException e) {
      throw new InvalidSpecException("cannot read the file: " + e.getMessage(), null);
    }
  }

  /**
   * One line: SnakeYAML's own message spans several lines (it quotes the offending text), which
   * would break "one line per problem" in validate and the status' invalidApps.
   */
  private static String malformed(String format, JsonProcessingException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
        Mark problem = yaml.getProblemMark();
        StringBuilder message = new StringBuilder("malformed YAML (line ").append(problem.getLine() + 1)
            .append(", column ").append(problem.getColumn() + 1).append("): ").append(yaml.getProblem());
        if (yaml.getContext() != null) {
          message.append(", ").append(yaml.getContext());
          if (yaml.getContextMark() != null) {
            message.append(" that starts at line ").append(yaml.getContextMark().getLine() + 1);
          }
        }
        return oneLine(message.toString());
      }
    }
    return oneLine("malformed " + format + at(e.getLocation()) + ": " + e.getOriginalMessage());
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String mismatch(MismatchedInputException e) {
    String field = fieldPath(e);
    if (field.isEmpty()) {
      return "expected a mapping of fields (name: ..., version: ...) at the top of the file" + at(e.getLocation());
    }
    String expected = JsonShapes.expected(e.getTargetType());
    String what = expected == null ? "" : "must be " + expected;
    if ("must be a string".equals(what)) {
      String hint = field.equals("version")
          ? "; quote it (version: \"1.10\"), or YAML reads 1.10 as the number 1.1"
          : "; put the value in quotes";
      return "field '" + field + "'" + at(e.getLocation()) + " " + what + hint;
    }
    if (what.isEmpty()) {
      return "field '" + field + "'" + at(e.getLocation()) + ": " + e.getOriginalMessage();
    }
    return "field '" + field + "'" + at(e.getLocation()) + " " + what;
  }

  private static String fieldPath(JsonMappingException e) {
    return JsonShapes.path(e.getPath());
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** Where the first field of that name at that depth is written; null when it cannot be found. */
  private static JsonLocation fieldLocation(ObjectMapper mapper, byte[] content, String field, int depth) {
    try (JsonParser parser = mapper.createParser(content)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME && parser.currentName().equals(field)
            && parser.getParsingContext().getNestingDepth() == depth) {
          return parser.currentTokenLocation();
        }
      }
    } catch (IOException | RuntimeException e) {
      // no location then
    }
    return null;
  }

  /** Best effort: the name a broken file declares, so the app it names is left untouched. */
  private static String declaredName(ObjectMapper mapper, byte[] content) {
    try {
      JsonNode name = mapper.readTree(content).get("name");
      return name != null && name.isTextual() ? name.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
