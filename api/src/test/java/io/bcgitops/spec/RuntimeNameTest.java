package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeNameTest {
  private static AppFile withRuntime(String runtime) {
    AppSource source = new AppSource();
    source.setType(AppSource.Type.maven);
    source.setCoordinates("io.example:web");
    AppFile file = new AppFile();
    file.setName("web");
    file.setVersion("1.0");
    file.setSource(source);
    file.setRuntime(runtime);
    return file;
  }

  @Test
  void aRuntimeNameMustLeaveRoomForThePoolsServiceName() {
    assertEquals(List.of(), new SpecValidator().validate(withRuntime("a".repeat(46))));

    List<String> errors = new SpecValidator().validate(withRuntime("a".repeat(47)));

    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("runtime: ") && errors.get(0).contains("longer than 46"), errors.get(0));
  }
}
