package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The spec of one of this project's resources as read from the API server. A stored spec this
 * version of the operator cannot read (a value it does not know, a field of the wrong type) is not
 * an error that stops the operator: it becomes a spec with {@link #readErrors()} and nothing else
 * of it is used. It keeps the JSON it was read from and is written back as exactly that JSON, so
 * a copy of the object (JOSDK clones every resource it hands out) or a write of it loses nothing.
 */
public abstract class StoredSpec {
  @JsonIgnore
  private JsonNode unreadJson;
  @JsonIgnore
  private List<String> readErrors = List.of();

  /** Why the stored spec could not be read, each "spec.field: what is wrong"; empty when it was read. */
  public List<String> readErrors() {
    return readErrors;
  }

  /**
   * A top-level text field of a spec that could not be read, as stored (what little the operator
   * still needs of it, such as where it ran, to clean up); empty for a spec that was read.
   */
  public Optional<String> storedText(String field) {
    JsonNode value = unreadJson == null ? null : unreadJson.get(field);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  /** The JSON the spec could not be read from; null for a spec that was read. */
  JsonNode unreadJson() {
    return unreadJson;
  }

  void markUnreadable(JsonNode json, List<String> errors) {
    this.unreadJson = json;
    this.readErrors = List.copyOf(errors);
  }
}
