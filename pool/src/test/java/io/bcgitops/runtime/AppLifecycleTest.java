package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** Which lifecycle the host finds in an app's class, and which class it runs. */
class AppLifecycleTest {

  public static class WithArgs {
    static final List<String> CALLS = new ArrayList<>();

    public void start(Map<String, String> env, List<String> args) {
      CALLS.add("start " + env + " " + args);
    }

    public void stop() {
      CALLS.add("stop");
    }
  }

  public static class EnvOnly {
    public void start(Map<String, String> env) {
    }

    public void stop() {
    }
  }

  /** start and stop, but no public no-arg constructor: main is used. */
  public static class NoConstructor {
    public NoConstructor(String required) {
    }

    public void start(Map<String, String> env) {
    }

    public void stop() {
    }

    public static void main(String[] args) {
    }
  }

  public static class NoStop {
    public void start(Map<String, String> env) {
    }

    public static void main(String[] args) {
    }
  }

  public static class Nothing {
    public void run() {
    }
  }

  public static class Throws {
    public void start(Map<String, String> env) {
      throw new IllegalStateException("no database");
    }

    public void stop() {
    }
  }

  @Test
  void startWithEnvAndArgsIsPreferred() throws Throwable {
    AppLifecycle.Managed managed = assertInstanceOf(AppLifecycle.Managed.class, AppLifecycle.of(WithArgs.class));
    assertTrue(managed.takesArgs());
    Object app = managed.create();
    managed.start(app, Map.of("A", "1"), List.of("x"));
    managed.stop(app);
    assertEquals(List.of("start {A=1} [x]", "stop"), WithArgs.CALLS);
  }

  @Test
  void startWithEnvAloneIsALifecycleToo() throws Exception {
    AppLifecycle.Managed managed = assertInstanceOf(AppLifecycle.Managed.class, AppLifecycle.of(EnvOnly.class));
    assertFalse(managed.takesArgs());
    assertTrue(managed.describe().contains("start(env)"), managed.describe());
  }

  @Test
  void withoutTheWholeLifecycleMainIsUsed() throws Exception {
    assertInstanceOf(AppLifecycle.MainOnly.class, AppLifecycle.of(NoConstructor.class));
    assertInstanceOf(AppLifecycle.MainOnly.class, AppLifecycle.of(NoStop.class));
    AppLoadException none = assertThrows(AppLoadException.class, () -> AppLifecycle.of(Nothing.class));
    assertTrue(none.getMessage().contains("neither a lifecycle"), none.getMessage());
  }

  @Test
  void theAppsOwnExceptionComesOutNotTheReflectionWrapper() throws Exception {
    AppLifecycle.Managed managed = (AppLifecycle.Managed) AppLifecycle.of(Throws.class);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> managed.start(managed.create(), Map.of(), List.of()));
    assertEquals("no database", e.getMessage());
  }

  @Test
  void theAppClassComesFromTheManifestAttributeThenTheRequestThenMainClass() throws Exception {
    Manifest both = manifest("com.example.Main", "com.example.App");
    assertEquals("com.example.App", AppLifecycle.appClassName(both, "com.example.Requested"));
    Manifest mainOnly = manifest("com.example.Main", null);
    assertEquals("com.example.Requested", AppLifecycle.appClassName(mainOnly, "com.example.Requested"));
    assertEquals("com.example.Main", AppLifecycle.appClassName(mainOnly, null));
    assertThrows(AppLoadException.class, () -> AppLifecycle.appClassName(manifest(null, null), " "));
    assertThrows(AppLoadException.class, () -> AppLifecycle.appClassName(null, null));
  }

  private static Manifest manifest(String mainClass, String appClass) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    if (appClass != null) {
      manifest.getMainAttributes().putValue(AppLifecycle.APP_CLASS_ATTRIBUTE, appClass);
    }
    return manifest;
  }
}
