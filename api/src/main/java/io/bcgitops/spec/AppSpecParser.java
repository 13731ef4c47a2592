package io.bcgitops.spec;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Durations;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Icon;
import io.bcgitops.api.JsonShapes;
import io.bcgitops.api.VmConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one spec file (YAML or JSON) into an {@link AppFile}, the CRD's spec type with the app's
 * name, with errors that name the field. The file's dialect lives here, not in the CRD's model:
 * the bc_gitops snake_case names, integer milliseconds and MiB, and no unknown field anywhere
 * (the model itself ignores fields a newer version adds).
 */
public final class AppSpecParser {
  /** bc_gitops's BEAM-only source types: named, so that the message says why a JVM app cannot use them. */
  private static final Set<String> BEAM_SOURCES = Set.of("hex", "mesh");
  /** The mix-ins below, one per model class a spec file holds. */
  private static final Map<Class<?>, Class<?>> MIX_INS = Map.of(AppDeploymentSpec.class, SpecFields.class,
      AppSource.class, SourceFields.class, HealthCheck.class, HealthFields.class, VmConfig.class, VmFields.class,
      Icon.class, IconFields.class, LocalObjectReference.class, SecretRefFields.class);
  /** Each snake_case name a spec file may write, and the model's name for it, from the mix-ins' aliases. */
  private static final Map<String, String> ALIASES = MIX_INS.values().stream()
      .flatMap(mixIn -> Arrays.stream(mixIn.getDeclaredMethods()))
      .filter(setter -> setter.isAnnotationPresent(JsonAlias.class))
      .flatMap(setter -> Arrays.stream(setter.getAnnotation(JsonAlias.class).value())
          .map(alias -> Map.entry(alias, Character.toLowerCase(setter.getName().charAt(3)) + setter.getName().substring(4))))
      .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
  private final ObjectMapper yaml = configure(YAMLMapper.builder().build());
  private final ObjectMapper json = configure(JsonMapper.builder().build());

  private static ObjectMapper configure(ObjectMapper mapper) {
    MIX_INS.forEach(mapper::addMixIn);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // A field written without a value ("suspend:") is a field not written: its default holds.
    mapper.setDefaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP));
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
  public AppFile parse(String fileName, byte[] content) throws InvalidSpecException {
    ObjectMapper mapper = fileName.endsWith(".json") ? json : yaml;
    String format = mapper == json ? "JSON" : "YAML";
    try (JsonParser parser = mapper.createParser(content)) {
      // An empty (or comment-only) file has no first token; Jackson would call it a type mismatch.
      if (parser.nextToken() == null) {
        throw new InvalidSpecException("the file is empty", null);
      }
      AppFile spec = mapper.readValue(parser, AppFile.class);
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
    if (e instanceof InvalidFormatException format && format.getValue() instanceof String value
        && e.getTargetType() != null && e.getTargetType().isEnum()) {
      // Worded as the checks of a value's meaning are: "isolation: 'container' is not one of embedded, vm".
      String shown = "'" + SpecValidator.shown(value) + "'";
      if (e.getTargetType() == AppSource.Type.class && BEAM_SOURCES.contains(value)) {
        return field + ": " + shown + " is a BEAM (Erlang/Elixir) package source that bc_gitops supports but a JVM"
            + " app cannot use; use release, maven or image";
      }
      return field + ": " + shown + " is not " + expected;
    }
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

  /** Where the problem is, in the model's names: a file may write vm_config, a message says vmConfig. */
  private static String fieldPath(JsonMappingException e) {
    List<JsonMappingException.Reference> path = e.getPath().stream()
        .map(ref -> ref.getFieldName() == null || !ALIASES.containsKey(ref.getFieldName()) ? ref
            : new JsonMappingException.Reference(ref.getFrom(), ALIASES.get(ref.getFieldName())))
        .toList();
    return JsonShapes.path(path);
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

  /*
   * The spec file's names for the model's fields: mix-ins, so that the CRD's classes stay as the
   * API server stores them. Each also undoes the model's ignoreUnknown: a typo in a spec file is an
   * error, not a setting silently dropped.
   */

  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class SpecFields {
    @JsonAlias("depends_on")
    abstract void setDependsOn(List<String> dependsOn);

    @JsonAlias("vm_config")
    abstract void setVmConfig(VmConfig vmConfig);
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class SourceFields {
    @JsonAlias("main_class")
    abstract void setMainClass(String mainClass);

    @JsonAlias("secret_ref")
    abstract void setSecretRef(LocalObjectReference secretRef);
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class HealthFields {
    @JsonAlias("class_name")
    abstract void setClassName(String className);

    @JsonDeserialize(using = MillisOrDuration.class)
    abstract void setInterval(String interval);

    @JsonDeserialize(using = MillisOrDuration.class)
    abstract void setTimeout(String timeout);
  }

  /**
   * A duration as a spec file writes it: an integer is milliseconds (bc_gitops), written as the
   * duration it is ("1m30s"); a string is kept for {@link SpecValidator} to check, as the CRD's is.
   */
  static final class MillisOrDuration extends StdDeserializer<String> {
    MillisOrDuration() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        long millis = parser.getLongValue();
        return (millis < 0 ? "-" : "") + Durations.format(Duration.ofMillis(Math.abs(millis)));
      }
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      return (String) context.handleUnexpectedToken(Duration.class, parser.currentToken(), parser,
          "expected milliseconds (an integer) or a duration like 30s");
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class VmFields {
    @JsonAlias("memory_limit")
    @JsonDeserialize(using = MemoryLimitDeserializer.class)
    abstract void setMemoryLimit(IntOrString memoryLimit);

    @JsonAlias("scheduler_limit")
    abstract void setSchedulerLimit(Integer schedulerLimit);

    @JsonAlias("node_prefix")
    abstract void setNodePrefix(String nodePrefix);

    @JsonAlias("extra_args")
    abstract void setExtraArgs(List<String> extraArgs);
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class IconFields {
    @JsonAlias("mime_type")
    abstract void setMimeType(String mimeType);
  }

  /** Fabric8's reference keeps unknown fields as "additional properties": a spec file's secretRef has only a name. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class SecretRefFields {
    @JsonAnySetter(enabled = false)
    abstract void setAdditionalProperty(String name, Object value);
  }
}
