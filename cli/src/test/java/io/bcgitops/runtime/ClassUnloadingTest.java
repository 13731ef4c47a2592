package io.bcgitops.runtime;

import static io.bcgitops.runtime.HostProcess.http;
import static io.bcgitops.runtime.HostProcess.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.runtime.RuntimeApi.HostState;
import io.bcgitops.testing.Ports;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unloading gives memory back: an app upgraded again and again in one host leaves no class
 * loader behind. Each version is a new class loader defining the app's classes anew; if the host
 * (or anything in the JDK the app touched) kept one reachable, loaded classes and Metaspace would
 * grow with every upgrade.
 */
class ClassUnloadingTest {
  private static final int WARM_UP = 10;
  private static final int UPGRADES = 40;
  /** Classes the host itself may load along the way (JDK code paths first taken late). */
  private static final int LOADED_CLASSES_MARGIN = 50;
  /**
   * Each hello loader takes about 14 KiB of Metaspace: 40 leaked loaders would add some 560 KiB.
   * The host runs with C1 only (-XX:TieredStopAtLevel=1): C2's profiling data for JDK methods also
   * lives in Metaspace and keeps growing for minutes as the JIT warms up, which would hide the
   * figure this test is about.
   */
  private static final long METASPACE_MARGIN_BYTES = 256 << 10;

  @TempDir
  Path dir;

  @Test
  void upgradingAndRemovingAnAppManyTimesReleasesItsClasses() throws Exception {
    try (HostProcess host = HostProcess.start(dir, "-XX:TieredStopAtLevel=1")) {
      int port = Ports.free();
      Map<String, String> env = Map.of("PORT", "" + port);
      // Warm-up: the JDK code the host and the app run (HTTP server, reflection, health checks) is
      // loaded and profiled by the JIT on the first rounds; only what follows must not grow.
      upgrade(host, 0, WARM_UP, env, port);
      HostState before = host.health(true);
      upgrade(host, WARM_UP + 1, WARM_UP + UPGRADES, env, port);
      assertEquals("Hello from hello 1.0.0", host.get(port, "/").body());
      assertEquals(204, host.delete("churn"));
      HostState after = host.health(true);

      int appClasses = classesIn(HostProcess.exampleJar("hello"));
      long unloaded = after.unloadedClasses() - before.unloadedClasses();
      System.out.printf("class unloading over %d upgrades and a delete of hello (%d class(es) in its jar):%n"
          + "  loaded classes %d -> %d (%+d)%n  unloaded classes %d -> %d (+%d)%n"
          + "  metaspace used %d KiB -> %d KiB (%+d KiB)%n  heap used %d KiB -> %d KiB%n",
          UPGRADES, appClasses, before.loadedClasses(), after.loadedClasses(),
          after.loadedClasses() - before.loadedClasses(), before.unloadedClasses(), after.unloadedClasses(), unloaded,
          before.metaspaceUsedBytes() >> 10, after.metaspaceUsedBytes() >> 10,
          (after.metaspaceUsedBytes() - before.metaspaceUsedBytes()) >> 10,
          before.heapUsedBytes() >> 10, after.heapUsedBytes() >> 10);

      assertTrue(after.loadedClasses() <= before.loadedClasses() + LOADED_CLASSES_MARGIN,
          "classes were not unloaded: " + before + " -> " + after);
      // The 40 replaced versions and the deleted one: all their classes, at least those of the jar.
      assertTrue(unloaded >= (long) UPGRADES * appClasses,
          "only " + unloaded + " classes unloaded after " + UPGRADES + " upgrades of a " + appClasses
              + "-class app: " + before + " -> " + after);
      assertTrue(after.metaspaceUsedBytes() <= before.metaspaceUsedBytes() + METASPACE_MARGIN_BYTES,
          "Metaspace grew: " + before + " -> " + after);
      assertEquals(0, after.apps());
    }
  }

  /** Versions v{from} to v{to}, each a copy of the same jar as the loader would write it, each awaited. */
  private static void upgrade(HostProcess host, int from, int to, Map<String, String> env, int port) throws Exception {
    for (int i = from; i <= to; i++) {
      String version = "v" + i;
      Path jar = host.install("churn", version, "hello");
      host.put("churn", request(version, jar, env, List.of(), http(port)));
      host.awaitRunning("churn", version);
    }
  }

  private static int classesIn(Path jar) throws Exception {
    try (JarFile file = new JarFile(jar.toFile())) {
      return (int) file.stream().filter(entry -> entry.getName().endsWith(".class")).count();
    }
  }
}
