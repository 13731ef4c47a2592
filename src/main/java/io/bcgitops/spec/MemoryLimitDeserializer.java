package io.bcgitops.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/** A memory limit: an integer is MiB (bc_gitops), a string is a Kubernetes quantity; both become a quantity. */
final class MemoryLimitDeserializer extends StdDeserializer<String> {
  MemoryLimitDeserializer() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return parser.getLongValue() + "Mi";
    }
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    return (String) context.handleUnexpectedToken(String.class, parser.currentToken(), parser,
        "expected MiB (an integer) or a quantity like 512Mi");
  }
}
