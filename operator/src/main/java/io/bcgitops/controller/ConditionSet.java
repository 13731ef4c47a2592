package io.bcgitops.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Edits a status's conditions the way metav1.Condition expects: lastTransitionTime changes only
 * when the status value changes, and abnormal-true conditions are removed rather than set False.
 */
final class ConditionSet {
  private final List<Condition> conditions;
  private final long generation;
  private final Clock clock;

  ConditionSet(List<Condition> current, long generation, Clock clock) {
    this.conditions = current == null ? new ArrayList<>() : new ArrayList<>(current);
    this.generation = generation;
    this.clock = clock;
  }

  ConditionSet set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    Condition previous = find(type);
    String since = previous != null && value.equals(previous.getStatus())
        ? previous.getLastTransitionTime()
        : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    Condition next = new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
        .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build();
    if (previous == null) {
      conditions.add(next);
    } else {
      conditions.set(conditions.indexOf(previous), next);
    }
    return this;
  }

  ConditionSet remove(String type) {
    conditions.removeIf(c -> Objects.equals(c.getType(), type));
    return this;
  }

  List<Condition> toList() {
    return conditions;
  }

  private Condition find(String type) {
    return conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst().orElse(null);
  }
}
