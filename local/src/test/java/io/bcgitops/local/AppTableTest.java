package io.bcgitops.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bcgitops.api.Api;
import io.bcgitops.controller.OperatorHarness;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live table of the local command. */
@EnableKubernetesMockClient(crud = true)
class AppTableTest {
  static KubernetesClient client;

  /** An AppDeployment whose spec the operator cannot read still has its row (its message says why). */
  @Test
  void anAppWhoseSpecCannotBeReadHasARow() throws Exception {
    OperatorHarness.registerCrds(client);
    GenericKubernetesResource raw = client.getKubernetesSerialization().unmarshal("""
        apiVersion: bcgitops.io/v1alpha1
        kind: AppDeployment
        metadata: {name: bogus, namespace: shop}
        spec: {version: "1.0", isolation: bogus, source: {type: maven, coordinates: "g:a"}}
        """, GenericKubernetesResource.class);
    client.genericKubernetesResources(Api.GROUP + "/" + Api.VERSION, "AppDeployment").resource(raw).create();

    try (AppTable table = new AppTable(client, new PrintStream(new ByteArrayOutputStream()))) {
      table.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> table.render().contains("bogus"));

      assertEquals(List.of("NAME   VERSION  ISOLATION  PHASE    HEALTH   MESSAGE", "bogus  -        -          Pending  unknown"),
          table.render().lines().map(String::strip).toList());
    }
  }
}
