package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.bcgitops.runtime.HostProcess;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Density: the resident memory of one runtime host holding 20 example apps (hello, each on its own
 * port, health-checked as a spec would ask), against 20 JVMs running one each, as vm apps run.
 */
final class DensityBenchmark implements Benchmark {
  private static final int APPS = 20;
  private static final String VERSION = "1.0.0";
  private static final double TARGET = 0.25;
  /** Lets the JIT and the first collections settle before memory is read. */
  private static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration START = Duration.ofSeconds(120);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The runtime host's resident memory before any app, and with the 20. */
  private record Host(long idleBytes, long loadedBytes) {
  }

  @Override
  public List<Figure> run(Path work) throws Exception {
    Host host = embedded(work.resolve("host"));
    long jvms = separate(work.resolve("jvms"));
    double ratio = host.loadedBytes() / (double) jvms;
    return List.of(Figure.checked("Density: RSS of 1 runtime host with 20 apps against 20 JVMs with 1 app each",
        "< 0.25x", Units.ratio(ratio) + " (" + Units.mib(host.loadedBytes()) + ", idle "
            + Units.mib(host.idleBytes()) + ", vs " + Units.mib(jvms) + ", " + Units.mib(jvms / APPS) + " per JVM)",
        ratio < TARGET));
  }

  private Host embedded(Path dir) throws Exception {
    try (HostProcess host = HostProcess.start(dir, ChildJvm.IN_512MI_POD)) {
      Thread.sleep(SETTLE.toMillis());
      long idle = ResidentMemory.bytesOf(host.pid());
      for (int i = 0; i < APPS; i++) {
        String name = "hello-" + i;
        int port = Ports.free();
        host.put(name, HostProcess.request(VERSION, host.install(name, VERSION, "hello"),
            Map.of("PORT", String.valueOf(port), "APP_NAME", name), List.of(),
            new RuntimeApi.Health("http", port, "/health", 10_000, 2_000, null)));
      }
      for (int i = 0; i < APPS; i++) {
        host.awaitRunning("hello-" + i, VERSION);
      }
      Thread.sleep(SETTLE.toMillis());
      return new Host(idle, ResidentMemory.bytesOf(host.pid()));
    }
  }

  private long separate(Path dir) throws Exception {
    List<ChildJvm> jvms = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < APPS; i++) {
        int port = Ports.free();
        ports.add(port);
        jvms.add(ChildJvm.start(dir.resolve("hello-" + i + ".log"), ChildJvm.VM_APP_256MI,
            List.of("-jar", HostProcess.exampleJar("hello").toString()),
            Map.of("PORT", String.valueOf(port), "APP_NAME", "hello-" + i)));
      }
      for (int port : ports) {
        await().atMost(START).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> healthy(port));
      }
      Thread.sleep(SETTLE.toMillis());
      long total = 0;
      for (ChildJvm jvm : jvms) {
        total += jvm.residentBytes();
      }
      return total;
    } finally {
      for (ChildJvm jvm : jvms) {
        jvm.close();
      }
    }
  }

  private boolean healthy(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }
}
