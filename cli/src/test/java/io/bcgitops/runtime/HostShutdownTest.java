package io.bcgitops.runtime;

import static io.bcgitops.runtime.HostProcess.http;
import static io.bcgitops.runtime.HostProcess.request;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM (a pod being stopped): the host stops every app, then exits. */
class HostShutdownTest {
  @TempDir
  Path dir;

  @Test
  void sigtermStopsEveryAppBeforeTheHostExits() throws Exception {
    HostProcess host = HostProcess.start(dir);
    try {
      int port = Ports.free();
      Path jar = host.install("farewell", "1.0.0", "hello");
      host.put("farewell", request("1.0.0", jar, Map.of("PORT", "" + port), List.of(), http(port)));
      host.awaitRunning("farewell", "1.0.0");
      Path plain = host.install("plain", "1.0.0", "main-only");
      int plainPort = Ports.free();
      host.put("plain", request("1.0.0", plain, Map.of(), List.of("" + plainPort), null));
      host.awaitRunning("plain", "1.0.0");
    } finally {
      host.close(); // SIGTERM first
    }
    assertTrue(host.exitedWithin(Duration.ofSeconds(1)));
    String log = host.log();
    assertTrue(log.contains("app farewell: version 1.0.0 unloaded"), log);
    assertTrue(log.contains("hello stopped"), log);
    assertTrue(log.contains("app plain: version 1.0.0 unloaded"), log);
    assertTrue(log.contains("main-only stopped"), log);
    assertTrue(log.contains("runtime host stopped"), log);
  }
}
