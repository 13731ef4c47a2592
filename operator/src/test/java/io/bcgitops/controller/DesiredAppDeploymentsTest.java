package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.CrdSchema;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.ParsedApp;
import io.bcgitops.testing.RealCluster;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AppDeployment a GitOpsSource writes is what a real API server stores: the CRD's schema takes
 * it and its defaults change nothing, so reading it back never looks like a change to write again.
 */
class DesiredAppDeploymentsTest {
  private static final CrdSchema SCHEMA = CrdSchema.of("appdeployments.bcgitops.io");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @TempDir
  Path tmp;

  private static JsonNode sent(ParsedApp app) {
    return JSON.convertValue(DesiredAppDeployments.of(app, "examples"), JsonNode.class);
  }

  @Test
  void theExampleAppsAreStoredAsSent() throws Exception {
    DesiredState examples = new GitOpsRepository().scan(Path.of("examples/gitops-repo"), "apps");

    assertEquals(3, examples.apps().size());
    for (ParsedApp app : examples.apps()) {
      JsonNode sent = sent(app);
      assertEquals(List.of(), SCHEMA.violations(sent), app.name());
      assertEquals(sent, SCHEMA.withDefaults(sent), app.name() + ": a field the API server defaults differs");
    }
  }

  /** memory_limit 256 stays the integer 256 (MiB), a quantity stays its string: as written, as stored. */
  @Test
  void aMemoryLimitKeepsTheFormItWasWrittenIn() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    String base = "version: \"1\"\nisolation: vm\nsource: {type: maven, coordinates: \"g:a\"}\nhealth: {type: tcp}\n";
    repo.write("apps/mebibytes/app.yaml", "name: mebibytes\n" + base + "vm_config: {memory_limit: 256}\n");
    repo.write("apps/quantity/app.yaml", "name: quantity\n" + base + "vmConfig: {memoryLimit: 1Gi}\n");
    DesiredState state = new GitOpsRepository().scan(repo.dir(), "apps");

    assertEquals(List.of(), state.problems());
    JsonNode mebibytes = sent(state.apps().get(0));
    JsonNode quantity = sent(state.apps().get(1));
    assertTrue(mebibytes.at("/spec/vmConfig/memoryLimit").isInt(), mebibytes::toString);
    assertEquals(256, mebibytes.at("/spec/vmConfig/memoryLimit").asInt());
    assertEquals("1Gi", quantity.at("/spec/vmConfig/memoryLimit").textValue());
    for (JsonNode sent : List.of(mebibytes, quantity)) {
      assertEquals(List.of(), SCHEMA.violations(sent));
      assertEquals(sent, SCHEMA.withDefaults(sent));
    }
  }

  /** What a real API server (v1.28) stored for the example's clock, which the operator there wrote. */
  @Test
  void aRealApiServerStoredTheExampleAsSent() throws Exception {
    JsonNode clock = JSON.convertValue(RealCluster.item("appdeployments.json", AppDeployment.class, "clock"),
        JsonNode.class);
    DesiredState examples = new GitOpsRepository().scan(Path.of("examples/gitops-repo"), "apps");
    ParsedApp example = examples.apps().stream().filter(a -> a.name().equals("clock")).findFirst().orElseThrow();

    assertEquals(clock.get("spec"), sent(example).get("spec"));
    assertEquals(JSON.convertValue(JSON.convertValue(clock, AppDeployment.class).getSpec(), JsonNode.class),
        clock.get("spec"), "read into the model and written again, unchanged");
  }
}
