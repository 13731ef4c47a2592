package io.bcgitops.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bcgitops.kube.PodImages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the kubelet does with a runtime pool's pod. */
class RuntimePoolsTest {

  /**
   * Each container is probed with an HTTP GET on a port it serves for that alone (its --health-port), which the
   * pool's Service leaves out: a TCP connect to the API's port, which every pod reaches through the Service, failed
   * under a flood of slow connections there, and the kubelet restarted the container and every app of the pool.
   */
  @Test
  void eachContainerIsProbedOverHttpOnAPortOfItsOwnThatNoServiceHas() {
    List<Container> containers = RuntimePools.deployment(RuntimePools.withDefaults("shop", "default"), PodImages.DEFAULTS).getSpec().getTemplate()
        .getSpec().getContainers();
    List<Integer> servicePorts = RuntimePools.service(RuntimePools.withDefaults("shop", "default")).getSpec().getPorts().stream()
        .map(ServicePort::getPort).toList();
    assertEquals(List.of("host", "loader"), containers.stream().map(Container::getName).toList());
    for (Container container : containers) {
      List<String> args = container.getArgs();
      int healthPort = Integer.parseInt(args.get(args.indexOf("--health-port") + 1));
      ContainerPort declared = container.getPorts().stream().filter(p -> p.getContainerPort() == healthPort)
          .findFirst().orElseThrow();
      assertEquals(container.getName() + "-health", declared.getName());
      assertFalse(servicePorts.contains(healthPort), container.getName() + ": the probes' port is in no Service");
      for (Map.Entry<String, Probe> probe : Map.of("/readyz", container.getReadinessProbe(), "/healthz",
          container.getLivenessProbe()).entrySet()) {
        assertNull(probe.getValue().getTcpSocket(), container.getName());
        assertEquals(probe.getKey(), probe.getValue().getHttpGet().getPath(), container.getName());
        assertEquals(healthPort, probe.getValue().getHttpGet().getPort().getIntVal(), container.getName());
      }
    }
  }
}
