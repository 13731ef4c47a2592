package io.bcgitops.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
    try {
      AppSpec spec = mapper.readValue(content, AppSpec.class);
      if (spec == null) {
        throw new InvalidSpecException("the file is empty", null);
      }
      return spec;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      throw new InvalidSpecException("unknown field '" + fieldPath(e) + "'" + at(e.getLocation())
          + "; known fields here: " + known, declaredName(mapper, content));
    } catch (MismatchedInputException e) {
      throw new InvalidSpecException(mismatch(e), declaredName(mapper, content));
    } catch (JsonMappingException e) {
      throw new InvalidSpecException("field '" + fieldPath(e) + "'" + at(e.getLocation()) + ": "
          + e.getOriginalMessage(), declaredName(mapper, content));
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException("malformed " + format + at(e.getLocation()) + ": " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new InvalidSpecException("cannot read the file: " + e.getMessage(), null);
    }
  }

  private static String mismatch(MismatchedInputException e) {
    String field = fieldPath(e);
    if (field.isEmpty()) {
      return "expected a mapping of fields (name: ..., version: ...) at the top of the file" + at(e.getLocation());
    }
    String what = e.getTargetType() == null ? "" : switch (e.getTargetType().getSimpleName()) {
      case "String" -> "must be a string";
      case "List" -> "must be a list";
      case "Map" -> "must be a mapping";
      case "Integer", "int" -> "must be an integer";
      case "Boolean", "boolean" -> "must be true or false";
      default -> "";
    };
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
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
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
