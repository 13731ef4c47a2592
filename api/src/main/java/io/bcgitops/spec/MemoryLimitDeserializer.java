package io.bcgitops.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.bcgitops.api.MemoryLimits;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;

/**
 * A memory limit as written: an integer (MiB, bc_gitops) stays an integer and a string (a
 * Kubernetes quantity) a string, so the AppDeployment carries the user's form and the API server
 * stores it back unchanged. {@link MemoryLimits} reads and checks both.
 */
final class MemoryLimitDeserializer extends StdDeserializer<IntOrString> {
  MemoryLimitDeserializer() {
    super(IntOrString.class);
  }

  @Override
  public IntOrString deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() != JsonParser.NumberType.INT) {
        return (IntOrString) context.handleWeirdNumberValue(IntOrString.class, parser.getNumberValue(),
            "too large for MiB");
      }
      return new IntOrString(parser.getIntValue());
    }
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      return new IntOrString(parser.getText());
    }
    return (IntOrString) context.handleUnexpectedToken(IntOrString.class, parser.currentToken(), parser,
        "expected MiB (an integer) or a quantity like 512Mi");
  }
}
