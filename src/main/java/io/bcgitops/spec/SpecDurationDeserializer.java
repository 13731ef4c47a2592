package io.bcgitops.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.time.Duration;

/** A duration in a spec file: an integer is milliseconds (bc_gitops), a string is "30s", "1m". */
final class SpecDurationDeserializer extends StdDeserializer<Duration> {
  SpecDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return Duration.ofMillis(parser.getLongValue());
    }
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      try {
        return Durations.parse(parser.getText());
      } catch (IllegalArgumentException e) {
        return (Duration) context.handleWeirdStringValue(Duration.class, parser.getText(), e.getMessage());
      }
    }
    return (Duration) context.handleUnexpectedToken(Duration.class, parser.currentToken(), parser,
        "expected milliseconds (an integer) or a duration like 30s");
  }
}
