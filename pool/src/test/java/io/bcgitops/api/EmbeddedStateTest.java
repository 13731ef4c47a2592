package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** An embedded app's state is one enum for the host and the operator, on the wire the strings it always was. */
class EmbeddedStateTest {
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  /** The host's API as the host writes it and the operator reads it (plain Jackson, as ApiServer and RuntimeClient). */
  @Test
  void theHostsApiCarriesTheStateByName() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    AppState crashed = new AppState("web", "1.0", EmbeddedState.Crashed, "unhealthy", 3, null, null, null,
        "start() threw", "d1");

    JsonNode written = json.valueToTree(crashed);

    assertEquals("Crashed", written.get("state").asText());
    assertEquals(crashed, json.treeToValue(written, AppState.class));
    assertEquals(EmbeddedState.Running, json.readValue("{\"name\": \"web\", \"version\": \"1.0\","
        + " \"state\": \"Running\", \"health\": \"healthy\", \"restarts\": 0}", AppState.class).state());
  }

  /** status.apps[].state as kubectl shows it, and the CRD's enum: the constants' names, no more, no fewer. */
  @Test
  void aPoolsStatusShowsTheStateByNameAndTheSchemaListsEveryState() {
    RuntimePoolStatus.App app = new RuntimePoolStatus.App();
    app.setName("web");
    app.setState(EmbeddedState.Starting);

    assertEquals("Starting", KUBE.convertValue(app, JsonNode.class).get("state").asText());
    JsonNode schema = CrdSchema.of("runtimepools.bcgitops.io").root()
        .at("/properties/status/properties/apps/items/properties/state/enum");
    assertEquals(Arrays.stream(EmbeddedState.values()).map(Enum::name).sorted().toList(),
        StreamSupport.stream(schema.spliterator(), false).map(JsonNode::asText).sorted().toList());
  }

  /** A state this version has no name for (a newer operator wrote it) is read as none; the rest of the status stays. */
  @Test
  void anUnknownStateIsReadAsNone() {
    RuntimePool pool = KUBE.unmarshal("{\"apiVersion\": \"bcgitops.io/v1alpha1\", \"kind\": \"RuntimePool\","
        + " \"metadata\": {\"name\": \"default\"}, \"status\": {\"apps\": [{\"name\": \"web\", \"version\": \"1.0\","
        + " \"state\": \"Hibernating\"}]}}", RuntimePool.class);

    List<RuntimePoolStatus.App> apps = pool.getStatus().getApps();
    assertEquals("web 1.0", apps.get(0).getName() + " " + apps.get(0).getVersion());
    assertNull(apps.get(0).getState());
  }
}
