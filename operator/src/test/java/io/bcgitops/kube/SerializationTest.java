package io.bcgitops.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The shared serialization reads a value that many objects repeat (a namespace, an image, a label) into one String. */
class SerializationTest {
  @Test
  void twoObjectsReadFromTheServersJsonShareTheirRepeatedValues() {
    String json = Serialization.SHARED.asJson(RealCluster.vmAppDeployment());

    Deployment one = Serialization.SHARED.unmarshal(json, Deployment.class);
    Deployment two = Serialization.SHARED.unmarshal(json, Deployment.class);

    assertEquals(RealCluster.vmAppDeployment(), one);
    assertSame(one.getMetadata().getNamespace(), two.getMetadata().getNamespace());
    assertSame(one.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        two.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    String label = one.getMetadata().getLabels().keySet().iterator().next();
    assertSame(one.getMetadata().getLabels().get(label), two.getMetadata().getLabels().get(label));
  }

  @Test
  void aLongValueIsReadAsItIsNotKeptInTheJvmsStringTable() {
    String json = Serialization.SHARED.asJson(new ConfigMapBuilder().withNewMetadata().withName("big").endMetadata()
        .addToData("blob", "x".repeat(Serialization.CANONICAL_MAX_LENGTH + 1)).build());

    ConfigMap one = Serialization.SHARED.unmarshal(json, ConfigMap.class);
    ConfigMap two = Serialization.SHARED.unmarshal(json, ConfigMap.class);

    assertEquals("x".repeat(Serialization.CANONICAL_MAX_LENGTH + 1), one.getData().get("blob"));
    assertNotSame(one.getData().get("blob"), two.getData().get("blob"));
    assertSame(one.getMetadata().getName(), two.getMetadata().getName());
  }
}
