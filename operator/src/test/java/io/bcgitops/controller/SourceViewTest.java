package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the GitOpsSource controller's informer keeps of an AppDeployment a real API server returned: all it
 * compares with git and writes back from, and the conditions a source's status sums up; not the rest of the
 * status, nor managedFields.
 */
class SourceViewTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void keepsMetadataSpecAndTheReadyAndStalledConditionsOnly() {
    AppDeployment served = RealCluster.item("appdeployments.json", AppDeployment.class, "web");
    served.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("bcgitops-operator")
        .withOperation("Update").withSubresource("status").build()));
    AppDeployment stalled = SERIALIZATION.clone(served);
    stalled.getStatus().getConditions().add(new Condition(null, "the image cannot be pulled", 1L, "ImagePullFailed",
        "True", "Stalled"));

    AppDeployment view = GitOpsSourceReconciler.sourceView(SERIALIZATION.clone(served));

    assertNull(view.getMetadata().getManagedFields());
    AppDeployment expectedMetadata = SERIALIZATION.clone(served);
    expectedMetadata.getMetadata().setManagedFields(null);
    assertTrue(JsonContent.same(expectedMetadata.getMetadata(), view.getMetadata()),
        "labels, annotations, owners, finalizers and the resourceVersion written back from");
    assertTrue(JsonContent.same(served.getSpec(), view.getSpec()), "the spec compared with git");
    assertEquals(List.of("Ready"), view.getStatus().getConditions().stream().map(Condition::getType).toList());
    assertTrue(JsonContent.same(condition(served, "Ready"), condition(view, "Ready")));
    assertNull(view.getStatus().getDeployedVersion());
    assertNull(view.getStatus().getPhase());
    assertEquals(AppDeploymentReconciler.isReady(served), AppDeploymentReconciler.isReady(view));
    assertTrue(AppDeploymentReconciler.isReady(view), "the fixture's web is Ready");

    assertEquals(List.of("Ready", "Stalled"), GitOpsSourceReconciler.sourceView(stalled).getStatus().getConditions()
        .stream().map(Condition::getType).toList());
  }

  private static Condition condition(AppDeployment app, String type) {
    return app.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }
}
