package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vm app's probes, run here as the kubelet runs them in the pod. */
class ContainerProbeTest {
  @TempDir
  Path tmp;

  @Test
  void anExecProbeRunsWithTheContainersEnvironmentAndPathsNotTheLocalCommands() throws Exception {
    PodFiles files = new PodFiles(tmp.resolve("pod"));
    files.create(List.of("app"));
    Files.writeString(files.volume("app").resolve("ready"), "yes");
    Container container = new ContainerBuilder().withName("app").addNewEnv().withName("MODE").withValue("probe")
        .endEnv().addNewVolumeMount().withName("app").withMountPath("/app").endVolumeMount().build();
    Map<String, String> host = Map.of("PATH", System.getenv("PATH"), "BCGITOPS_SECRET", "s3cr3t");
    Probe probe = new ProbeBuilder().withNewExec().withCommand("sh", "-c",
        "test \"$MODE\" = probe && test -z \"$BCGITOPS_SECRET\" && test -f \"$0\"", "/app/ready").endExec().build();

    assertTrue(new ContainerProbe(probe, container, files, host).check().healthy());

    Probe failing = new ProbeBuilder().withNewExec().withCommand("sh", "-c", "exit 3").endExec().build();
    assertFalse(new ContainerProbe(failing, container, files, host).check().healthy());
  }

  @Test
  void anHttpProbeCountsA3xxAnswerAsHealthyAsTheKubeletDoes() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/moved", exchange -> {
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
    });
    server.createContext("/broken", exchange -> {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      Container container = new ContainerBuilder().withName("app").build();
      PodFiles files = new PodFiles(tmp);
      assertTrue(new ContainerProbe(httpGet(port, "/moved"), container, files, Map.of()).check().healthy());
      assertFalse(new ContainerProbe(httpGet(port, "/broken"), container, files, Map.of()).check().healthy());
    } finally {
      server.stop(0);
    }
  }

  private static Probe httpGet(int port, String path) {
    return new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort(port).endHttpGet().build();
  }
}
