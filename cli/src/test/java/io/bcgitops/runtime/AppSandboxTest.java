package io.bcgitops.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An app's class loader and threads, in this JVM. */
class AppSandboxTest {

  @Test
  void theAppSeesTheJdkAndItsJarButNothingOfTheHost() throws Exception {
    try (AppSandbox sandbox = AppSandbox.open("hello:1", HostProcess.exampleJar("hello"), (t, e) -> { })) {
      ClassLoader loader = sandbox.loader();
      assertSame(ClassLoader.getPlatformClassLoader(), loader.getParent());
      assertSame(loader, Class.forName("io.bcgitops.examples.hello.HelloApp", false, loader).getClassLoader());
      assertTrue(Class.forName("java.net.http.HttpClient", false, loader) != null);
      for (String host : List.of("io.bcgitops.runtime.RuntimeHost", "com.fasterxml.jackson.databind.ObjectMapper",
          "org.slf4j.Logger")) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(host, false, loader), host);
      }
    }
  }

  @Test
  void appThreadsAreInTheAppsGroupWithItsLoaderAndTheirCrashesAreReported() throws Exception {
    CompletableFuture<String> crash = new CompletableFuture<>();
    try (AppSandbox sandbox = AppSandbox.open("crashy:1", HostProcess.exampleJar("hello"),
        (thread, e) -> crash.complete(thread.getName() + ": " + e.getMessage()))) {
      Thread[] child = new Thread[1];
      String seen = sandbox.call("start", () -> {
        // A thread the app starts itself: same group, same context loader, by inheritance.
        child[0] = new Thread(() -> {
          throw new IllegalStateException("boom");
        }, "worker");
        child[0].start();
        return Thread.currentThread().getThreadGroup().getName() + " "
            + (Thread.currentThread().getContextClassLoader() == sandbox.loader());
      }).get(5, TimeUnit.SECONDS);
      assertEquals("crashy:1 true", seen);
      assertEquals("worker: boom", crash.get(5, TimeUnit.SECONDS));
      assertEquals("crashy:1", child[0].getThreadGroup() == null ? "crashy:1" : child[0].getThreadGroup().getName());
    }
  }

  @Test
  void stoppingInterruptsTheAppsThreadsAndClosingForgetsTheLoader() throws Exception {
    AppSandbox sandbox = AppSandbox.open("sleepy:1", HostProcess.exampleJar("hello"), (t, e) -> { });
    CountDownLatch running = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      sandbox.start("sleeper", () -> {
        running.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException stop) {
          // ends
        }
      });
    }
    assertTrue(running.await(5, TimeUnit.SECONDS));
    assertEquals(2, sandbox.liveThreads(null).size());
    assertEquals(List.of(), sandbox.stopThreads(Duration.ofSeconds(5)));
    sandbox.close();
    assertThrows(IllegalStateException.class, sandbox::loader);
  }
}
