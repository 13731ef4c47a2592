package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.Ports;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vm app's JVM never outlives the local command, even one killed with SIGKILL. */
class ParentWatchAgentTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"));

  @TempDir
  Path tmp;

  @Test
  void theAgentJarHoldsTheAgentAloneSoNoOperatorClassReachesTheApp() throws IOException {
    Path jar = ParentWatchJar.write(tmp.resolve("agent.jar"));
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> entries = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
      assertEquals(List.of("META-INF/MANIFEST.MF", "io/bcgitops/local/ParentWatchAgent.class"), entries);
      assertEquals(ParentWatchAgent.class.getName(), file.getManifest().getMainAttributes().getValue("Premain-Class"));
    }
  }

  @Test
  void anAppJvmEndsWhenTheProcessThatStartedItIsKilled() throws Exception {
    Path agent = ParentWatchJar.write(tmp.resolve("agent.jar"));
    Process parent = new ProcessBuilder("sleep", "600").start();
    int port = Ports.free();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-javaagent:" + agent + "=" + parent.pid(), "-jar", EXAMPLES.resolve("hello-1.0.0.jar").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("app.log").toFile());
    builder.environment().put("PORT", String.valueOf(port));
    Process app = builder.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> answers(port));

      parent.destroyForcibly();

      assertTrue(app.waitFor(20, TimeUnit.SECONDS), "the app ended with the process that started it");
      assertEquals(143, app.exitValue());
    } finally {
      app.destroyForcibly();
      parent.destroyForcibly();
    }
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
