package io.bcgitops.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bcgitops.testing.RealCluster;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Deployments' informer store: objects kept as JSON come back whole, as the server returned them. */
class JsonItemStoreTest {
  private static final String KEY = "gitops-demo/web";

  @Test
  void aDeploymentComesBackAsTheServerReturnedItWithoutManagedFields() {
    Deployment live = RealCluster.vmAppDeployment();
    Deployment stored = Serialization.SHARED.clone(live);
    stored.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
        .withOperation("Update").build()));
    JsonItemStore<Deployment> store = new JsonItemStore<>(Deployment.class);

    assertNull(store.put(store.getKey(stored), stored));

    assertEquals(KEY, store.getKey(live));
    assertEquals(live, store.get(KEY));
    assertEquals(List.of(live), store.values().toList());
    assertEquals(List.of(KEY), store.keySet().toList());
  }

  @Test
  void whatDriftComparesIsAllThere() {
    JsonItemStore<Deployment> store = new JsonItemStore<>(Deployment.class);
    store.put(KEY, RealCluster.vmAppDeployment());

    assertEquals(Optional.empty(), Drift.of(VmDeployments.desired(DriftTest.web(), DriftTest.RECORDED), store.get(KEY)));
  }

  @Test
  void aCallerChangingWhatItGotChangesNothingInTheStore() {
    JsonItemStore<Deployment> store = new JsonItemStore<>(Deployment.class);
    store.put(KEY, RealCluster.vmAppDeployment());

    store.get(KEY).getSpec().setReplicas(7);

    assertEquals(1, store.get(KEY).getSpec().getReplicas());
  }

  @Test
  void putAndRemoveReturnWhatWasThere() {
    JsonItemStore<Deployment> store = new JsonItemStore<>(Deployment.class);
    store.put(KEY, RealCluster.vmAppDeployment());

    assertEquals(RealCluster.vmAppDeployment(), store.put(KEY, revision("2")));
    assertEquals(revision("2"), store.remove(KEY));
    assertNull(store.get(KEY));
    assertEquals(0, store.size());
  }

  private static Deployment revision(String resourceVersion) {
    Deployment deployment = RealCluster.vmAppDeployment();
    deployment.getMetadata().setResourceVersion(resourceVersion);
    return deployment;
  }
}
