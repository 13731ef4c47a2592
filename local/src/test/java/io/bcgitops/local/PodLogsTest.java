package io.bcgitops.local;

import static io.bcgitops.local.RoutesTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.api.Api;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodLogsTest {
  private static final Path STATE = Path.of("/home/me/.bcgitops-local");
  private static final PodLogs LOGS = new PodLogs(STATE.resolve("node"), STATE.resolve("local.log"));

  @Test
  void aVmAppsContainersWriteToTheirFilesInThePodsFolder() {
    JsonNode pod = vmPod("web-5d8f-x2k4q");

    ObjectNode app = LOGS.answer(pod, "app");
    ObjectNode fetch = LOGS.answer(pod, "fetch");

    assertStatus(404, "NotFound", "kubectl logs is not served in local mode: container \"app\" of pod"
        + " \"web-5d8f-x2k4q\" writes to " + STATE.resolve("node/pods/shop/web-5d8f-x2k4q/app.log"), app);
    assertEquals("web-5d8f-x2k4q", app.at("/details/name").asText());
    assertEquals("pods", app.at("/details/kind").asText());
    assertStatus(404, "NotFound", "container \"fetch\" of pod \"web-5d8f-x2k4q\" writes to "
        + STATE.resolve("node/pods/shop/web-5d8f-x2k4q/fetch.log"), fetch);
  }

  @Test
  void aPodsOnlyContainerNeedsNoName() {
    JsonNode pod = json(new PodBuilder(pod("solo")).editSpec().withInitContainers().endSpec().build());

    assertStatus(404, "NotFound", STATE.resolve("node/pods/shop/solo/app.log").toString(), LOGS.answer(pod, null));
  }

  @Test
  void aRuntimePoolRunsInTheLocalProcessWhoseLogIsTheStateFolders() {
    JsonNode pool = json(new PodBuilder(pod("bcgitops-runtime-default-local")).editMetadata()
        .withLabels(Map.of(Api.RUNTIME_LABEL, "default")).endMetadata().editSpec().withInitContainers()
        .withContainers(container("host"), container("loader")).endSpec().build());

    assertStatus(404, "NotFound", "runtime pool pod \"bcgitops-runtime-default-local\" runs in the local process,"
        + " whose log (with its apps' output) is " + STATE.resolve("local.log"), LOGS.answer(pool, "host"));
  }

  @Test
  void aPodNoProcessRunsHasNoLog() {
    JsonNode pod = json(new PodBuilder(pod("applied")).editSpec().withNodeName(null).endSpec().build());

    assertStatus(404, "NotFound", "no process of this machine runs pod \"applied\", so it has no log",
        LOGS.answer(pod, "app"));
  }

  @Test
  void aContainerThePodDoesNotHaveOrNoneOfSeveralIsABadRequest() {
    JsonNode pod = vmPod("web-1");
    JsonNode two = json(new PodBuilder(pod("web-2")).editSpec().addToContainers(container("sidecar")).endSpec()
        .build());

    assertStatus(400, "BadRequest", "container ../../etc is not valid for pod web-1", LOGS.answer(pod, "../../etc"));
    assertStatus(400, "BadRequest", "a container name must be specified for pod web-2, choose one of: [app, sidecar]"
        + " or one of the init containers: [fetch]", LOGS.answer(two, null));
  }

  private static JsonNode vmPod(String name) {
    return json(pod(name));
  }

  /** A vm app's pod as the local node makes it: on the node, with the fetch init container and the app. */
  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .addToLabels(Api.APP_LABEL, "web").endMetadata()
        .withNewSpec().withNodeName(LocalNode.NODE_NAME).withInitContainers(container("fetch"))
        .withContainers(container("app")).endSpec().build();
  }

  private static Container container(String name) {
    return new ContainerBuilder().withName(name).withImage("eclipse-temurin:17-jre")
        .build();
  }

  private static JsonNode json(Pod pod) {
    return KubeJson.MAPPER.valueToTree(pod);
  }
}
