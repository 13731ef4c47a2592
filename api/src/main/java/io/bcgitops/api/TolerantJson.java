package io.bcgitops.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the spec and status of this project's resources so that one object that does not fit the
 * model never fails the read of the whole object: an informer that cannot read one object stops,
 * and with it the operator. Fields of a newer version are ignored; a value that cannot be read is
 * recorded ("spec.isolation: 'bogus' is not one of embedded, vm") and the reading goes on.
 */
final class TolerantJson {
  private static final Logger LOG = LoggerFactory.getLogger(TolerantJson.class);
  /** Each unreadable value costs one more pass over the object: a bound on what a hostile one can cost. */
  private static final int MAX_ERRORS = 16;

  private TolerantJson() {
  }

  /** A value read with null in place of what could not be read (null itself after too many errors), and the errors. */
  record Outcome<T>(T value, List<String> errors) {
  }

  /**
   * Reads {@code tree} into {@code type}, putting null in place of each value that cannot be read.
   * Unknown fields are no error: every model class ignores them (a field of a newer version).
   *
   * @param field the name of the tree in messages ("spec")
   */
  static <T> Outcome<T> read(DeserializationContext context, JsonNode tree, Class<T> type, String field)
      throws IOException {
    JsonNode working = tree;
    List<String> errors = new ArrayList<>();
    while (errors.size() < MAX_ERRORS) {
      try {
        return new Outcome<>(context.readTreeAsValue(working, type), errors);
      } catch (JsonMappingException e) {
        if (working == tree) {
          working = tree.deepCopy(); // the caller keeps the tree as it was read
        }
        String path = JsonShapes.path(e.getPath());
        JsonNode value = at(working, e.getPath());
        errors.add((path.isEmpty() ? field : field + "." + path) + ": " + problem(e, value));
        if (!nullOut(working, e.getPath())) {
          return new Outcome<>(null, errors);
        }
      }
    }
    return new Outcome<>(null, errors);
  }

  /**
   * What is wrong with the value, without repeating it unless it is a plain scalar where a setting
   * of the model is expected (an enum, a number, true or false): a string, or a mapping where a
   * string belongs, may be a secret (an env value, an argument) and goes to status and Events.
   */
  private static String problem(JsonMappingException e, JsonNode value) {
    Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
        : e instanceof ValueInstantiationException instantiation ? instantiation.getType().getRawClass() : null;
    String expected = JsonShapes.expected(target);
    boolean quotable = value.isValueNode() && !value.isTextual() || value.isTextual() && target != null
        && (target.isEnum() || target.isPrimitive() || Number.class.isAssignableFrom(target)
            || target == Boolean.class || target == IntOrString.class);
    String shown = value.isMissingNode() ? "the value" : quotable ? JsonShapes.quote(value)
        : value.isObject() ? "a mapping" : value.isArray() ? "a list" : value.isTextual() ? "a string" : "the value";
    return expected == null ? shown + " cannot be read" + (target == null ? "" : " as " + target.getSimpleName())
        : shown + " is not " + expected;
  }

  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
    JsonNode node = root;
    for (JsonMappingException.Reference ref : path) {
      node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
    }
    return node;
  }

  /** Puts null where {@code path} leads; false when that changes nothing, so no error can come back forever. */
  private static boolean nullOut(JsonNode root, List<JsonMappingException.Reference> path) {
    if (path.isEmpty()) {
      return false;
    }
    JsonNode parent = at(root, path.subList(0, path.size() - 1));
    JsonMappingException.Reference last = path.get(path.size() - 1);
    JsonNode previous;
    if (parent instanceof ObjectNode object && last.getFieldName() != null && object.has(last.getFieldName())) {
      previous = object.get(last.getFieldName());
      object.putNull(last.getFieldName());
    } else if (parent instanceof ArrayNode array && last.getIndex() >= 0 && last.getIndex() < array.size()) {
      previous = array.get(last.getIndex());
      array.set(last.getIndex(), NullNode.getInstance());
    } else {
      return false;
    }
    return previous != null && !previous.isNull();
  }

  /**
   * A spec: read whole, or, when any value of it cannot be read, a stand-in that carries the errors
   * and the stored JSON ({@link StoredSpec}). Nothing of a spec read in part is used.
   */
  abstract static class SpecReader<T extends StoredSpec> extends StdDeserializer<T> {
    private final Class<T> type;
    private final Supplier<T> unreadable;

    SpecReader(Class<T> type, Supplier<T> unreadable) {
      super(type);
      this.type = type;
      this.unreadable = unreadable;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      JsonNode tree = context.readTree(parser);
      Outcome<T> read = read(context, tree, type, "spec");
      if (read.errors().isEmpty()) {
        return read.value();
      }
      T spec = unreadable.get();
      spec.markUnreadable(tree, read.errors());
      return spec;
    }

    /** {@code spec: null} is no spec at all. */
    @Override
    public T getNullValue(DeserializationContext context) {
      return missing();
    }

    /** The stand-in for a spec that is not there (an object the CRD's schema did not check): written back as null. */
    T missing() {
      T spec = unreadable.get();
      spec.markUnreadable(NullNode.getInstance(), List.of("spec: required"));
      return spec;
    }
  }

  static final class AppDeploymentSpecReader extends SpecReader<AppDeploymentSpec> {
    AppDeploymentSpecReader() {
      super(AppDeploymentSpec.class, AppDeploymentSpec::unreadable);
    }
  }

  static final class GitOpsSourceSpecReader extends SpecReader<GitOpsSourceSpec> {
    GitOpsSourceSpecReader() {
      super(GitOpsSourceSpec.class, GitOpsSourceSpec::new);
    }
  }

  static final class RuntimePoolSpecReader extends SpecReader<RuntimePoolSpec> {
    RuntimePoolSpecReader() {
      super(RuntimePoolSpec.class, RuntimePoolSpec::new);
    }

    /** A pool written without a spec is one with every default: the spec is optional. */
    @Override
    RuntimePoolSpec missing() {
      return new RuntimePoolSpec();
    }
  }

  /** An object read without a spec gets the stand-in for a missing one: code may rely on a spec being there. */
  abstract static class WithSpec<R extends CustomResource<S, ?>, S extends StoredSpec> extends StdConverter<R, R> {
    private final SpecReader<S> reader;

    WithSpec(SpecReader<S> reader) {
      this.reader = reader;
    }

    @Override
    public R convert(R resource) {
      if (resource.getSpec() == null) {
        resource.setSpec(reader.missing());
      }
      return resource;
    }
  }

  static final class AppDeploymentWithSpec extends WithSpec<AppDeployment, AppDeploymentSpec> {
    AppDeploymentWithSpec() {
      super(new AppDeploymentSpecReader());
    }
  }

  static final class GitOpsSourceWithSpec extends WithSpec<GitOpsSource, GitOpsSourceSpec> {
    GitOpsSourceWithSpec() {
      super(new GitOpsSourceSpecReader());
    }
  }

  static final class RuntimePoolWithSpec extends WithSpec<RuntimePool, RuntimePoolSpec> {
    RuntimePoolWithSpec() {
      super(new RuntimePoolSpecReader());
    }
  }

  /** Writes a spec that was read as the model writes it, and one that was not as the JSON it came from. */
  static final class SpecWriter extends StdSerializer<StoredSpec> {
    SpecWriter() {
      super(StoredSpec.class);
    }

    @Override
    public void serialize(StoredSpec spec, JsonGenerator generator, SerializerProvider provider) throws IOException {
      if (spec.unreadJson() != null) {
        generator.writeTree(spec.unreadJson());
      } else {
        provider.findValueSerializer(spec.getClass()).serialize(spec, generator, provider);
      }
    }

    /** The schema is the spec class's own (the CRD generator reads it here). */
    @Override
    public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType type) throws JsonMappingException {
      visitor.getProvider().findValueSerializer(type).acceptJsonFormatVisitor(visitor, type);
    }
  }

  /**
   * A status: the operator's own report, which it writes again on its next reconcile. A value it
   * cannot read (one a newer version wrote) is left out, and the rest is kept.
   */
  abstract static class StatusReader<T> extends StdDeserializer<T> {
    private final Class<T> type;

    StatusReader(Class<T> type) {
      super(type);
      this.type = type;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      Outcome<T> read = read(context, context.readTree(parser), type, "status");
      if (!read.errors().isEmpty()) {
        LOG.debug("left out of a {}: {}", type.getSimpleName(), read.errors());
      }
      return read.value();
    }
  }

  static final class AppDeploymentStatusReader extends StatusReader<AppDeploymentStatus> {
    AppDeploymentStatusReader() {
      super(AppDeploymentStatus.class);
    }
  }

  static final class GitOpsSourceStatusReader extends StatusReader<GitOpsSourceStatus> {
    GitOpsSourceStatusReader() {
      super(GitOpsSourceStatus.class);
    }
  }

  static final class RuntimePoolStatusReader extends StatusReader<RuntimePoolStatus> {
    RuntimePoolStatusReader() {
      super(RuntimePoolStatus.class);
    }
  }
}
