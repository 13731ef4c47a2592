package io.bcgitops.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The storage bounds the operator writes (emptyDir sizeLimits, containers' ephemeral-storage) are in the canonical
 * form a real API server stores a quantity in, so that what is written reads back unchanged: 2048Mi would be stored
 * as 2Gi, differ from the desired object at every reconcile, and be written again forever. The recorded cluster's
 * operator set none of them, so RealCluster copies the desired values into the recorded objects: this test is what
 * shows that a server would have returned them as they are.
 */
class StorageQuantitiesTest {

  @Test
  void everyStorageQuantityIsWrittenAsTheServerStoresIt() {
    AppDeployment web = RealCluster.item("appdeployments.json", AppDeployment.class, "web");
    Map<String, Quantity> quantities = new LinkedHashMap<>();
    collect("vm app", VmDeployments.desired(web, PodImages.DEFAULTS), quantities);
    collect("runtime pool", RuntimePools.deployment(RuntimePools.withDefaults("shop", "default"), PodImages.DEFAULTS), quantities);

    assertFalse(quantities.isEmpty());
    quantities.forEach((where, quantity) -> {
      assertNotNull(quantity, where);
      assertEquals(Quantities.canonicalMemory(quantity), quantity.toString(), where);
    });
  }

  @Test
  void theCheckCatchesANonCanonicalForm() {
    assertEquals("2Gi", Quantities.canonicalMemory(new Quantity("2048Mi")));
    assertEquals("2304Mi", Quantities.canonicalMemory(new Quantity("2304Mi")));
  }

  /** Each emptyDir's sizeLimit and each container's ephemeral-storage request and limit, by where they are. */
  private static void collect(String what, Deployment deployment, Map<String, Quantity> into) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    for (Volume volume : pod.getVolumes()) {
      if (volume.getEmptyDir() != null) {
        into.put(what + " volume " + volume.getName() + " sizeLimit", volume.getEmptyDir().getSizeLimit());
      }
    }
    List<Container> containers = new ArrayList<>(pod.getContainers());
    containers.addAll(pod.getInitContainers());
    for (Container container : containers) {
      into.put(what + " container " + container.getName() + " ephemeral-storage request",
          container.getResources().getRequests().get("ephemeral-storage"));
      into.put(what + " container " + container.getName() + " ephemeral-storage limit",
          container.getResources().getLimits().get("ephemeral-storage"));
    }
  }
}
