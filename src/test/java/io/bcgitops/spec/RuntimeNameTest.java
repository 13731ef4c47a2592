package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeNameTest {
  private static AppSpec withRuntime(String runtime) {
    return new AppSpec("web", "1.0", null, null, new AppSpec.Source("maven", null, null, "io.example:web", null, null,
        null, null), null, null, null, null, "embedded", null, runtime, null);
  }

  @Test
  void aRuntimeNameMustLeaveRoomForThePoolsServiceName() {
    assertEquals(List.of(), new SpecValidator().validate(withRuntime("a".repeat(46))));

    List<String> errors = new SpecValidator().validate(withRuntime("a".repeat(47)));

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("runtime: ") && errors.get(0).contains("longer than 46"), errors.get(0));
  }
}
