package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.runtime.RuntimeApi.Health;
import io.bcgitops.runtime.RuntimeApi.LoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadRequestsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreFilledSoEqualRequestsCompareEqual() throws Exception {
    Path real = dir.toRealPath();
    LoadRequest sparse = new LoadRequest(" 1.0 ", "web/1.0/app.jar", " ", null, null,
        new Health("HTTP", 0, null, 0, 0, null));
    LoadRequest full = new LoadRequest("1.0", real.resolve("web/1.0/app.jar").toString(), null, Map.of(), List.of(),
        new Health("http", 8080, "/", 30_000, 5_000, null));
    LoadRequest normalized = LoadRequests.normalize(sparse, real);
    assertEquals(LoadRequests.normalize(full, real), normalized);
    assertEquals(real.resolve("web/1.0/app.jar").toString(), normalized.jar());
    assertNull(normalized.mainClass());
    assertEquals(new Health("http", 8080, "/", 30_000, 5_000, null), normalized.health());
  }

  @Test
  void aJarOutsideTheFolderIsRefused() throws Exception {
    Path real = dir.toRealPath();
    for (String jar : List.of("/etc/passwd", "../x/app.jar", "web/../../app.jar", ".")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LoadRequests.normalize(new LoadRequest("1", jar, null, null, null, null), real), jar);
      assertTrue(e.getMessage().contains("is not inside"), e.getMessage());
    }
  }

  @Test
  void aSymbolicLinkLeavingTheFolderIsRefused() throws Exception {
    Path real = dir.toRealPath();
    Path outside = Files.createTempFile("outside", ".jar");
    try {
      Files.createDirectories(real.resolve("web/1"));
      Files.createSymbolicLink(real.resolve("web/1/app.jar"), outside);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LoadRequests.normalize(new LoadRequest("1", "web/1/app.jar", null, null, null, null), real));
      assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void missingFieldsAndBadHealthChecksAreRefused() throws Exception {
    Path real = dir.toRealPath();
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("A", null);
    List<LoadRequest> bad = List.of(
        new LoadRequest(null, "a/1/app.jar", null, null, null, null),
        new LoadRequest("1", " ", null, null, null, null),
        new LoadRequest("1", "a/1/app.jar", null, nullValue, null, null),
        new LoadRequest("1", "a/1/app.jar", null, null, Arrays.asList("x", null), null),
        new LoadRequest("1", "a/1/app.jar", null, null, null, new Health(null, 80, "/", 0, 0, null)),
        new LoadRequest("1", "a/1/app.jar", null, null, null, new Health("exec", 80, "/", 0, 0, null)),
        new LoadRequest("1", "a/1/app.jar", null, null, null, new Health("http", 70000, "/", 0, 0, null)),
        new LoadRequest("1", "a/1/app.jar", null, null, null, new Health("http", 80, "health", 0, 0, null)),
        new LoadRequest("1", "a/1/app.jar", null, null, null, new Health("custom", 0, null, 0, 0, null)));
    for (LoadRequest request : bad) {
      assertThrows(IllegalArgumentException.class, () -> LoadRequests.normalize(request, real), request.toString());
    }
    assertThrows(IllegalArgumentException.class, () -> LoadRequests.normalize(null, real));
  }
}
