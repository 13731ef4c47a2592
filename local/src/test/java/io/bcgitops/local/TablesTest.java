package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TablesTest {
  private static final String KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
      + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  private static final TableRequest TABLE = TableRequest.from(KUBECTL_ACCEPT, null).orElseThrow();
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  @Test
  void everyPrinterColumnInCrdsIsSupported() throws IOException {
    List<CustomResourceColumnDefinition> columns = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".bcgitops.io.yaml")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
          crd.getSpec().getVersions().stream().map(CustomResourceDefinitionVersion::getAdditionalPrinterColumns)
              .forEach(columns::addAll);
        }
      }
    }
    assertEquals(28, columns.size(), "every CRD's printer columns");
    for (CustomResourceColumnDefinition column : columns) {
      assertDoesNotThrow(() -> PrinterColumns.of(column), column.getName() + ": " + column.getJsonPath());
    }
  }

  @Test
  void appDeploymentsShowTheirPrinterColumns() {
    AppDeployment app = LocalObjects.app("web", "1.2.0");
    app.getMetadata().setCreationTimestamp(NOW.minus(Duration.ofDays(2)).toString());
    app.getMetadata().setLabels(Map.of("bcgitops.io/source", "apps"));
    app.setStatus(LocalObjects.runningStatus("1.2.0", 1));

    ObjectNode table = Tables.of(TABLE, columnsOf("appdeployments"), List.of(KubeJson.MAPPER.valueToTree(app)),
        "42", true, NOW);

    assertEquals(List.of("Name", "Version", "Isolation", "Phase", "Ready", "Health", "Age", "Deployed", "Restarts",
        "Node", "Source", "Suspended", "Reason"), columnNames(table));
    assertEquals("name", table.at("/columnDefinitions/0/format").asText());
    assertEquals("[0,0,0,0,0,0,0,1,1,1,1,1,1]", priorities(table), "the columns after Age are -o wide's");
    assertEquals("[\"web\",\"1.2.0\",\"vm\",\"Running\",\"True\",\"healthy\",\"2d\",\"1.2.0\",null,null,\"apps\","
        + "false,\"Succeeded\"]", table.at("/rows/0/cells").toString());
    assertEquals("42", table.at("/metadata/resourceVersion").asText());
    JsonNode object = table.at("/rows/0/object");
    assertEquals("PartialObjectMetadata", object.path("kind").asText());
    assertEquals("apps", object.at("/metadata/labels/bcgitops.io~1source").asText());
    assertFalse(object.has("spec"), "only the metadata");
  }

  @Test
  void gitOpsSourcesShowTheirPrinterColumnsTypedAndEmptyWhereUnset() {
    GitOpsSource fetched = LocalObjects.source("apps", "https://git.example.com/apps.git");
    fetched.getMetadata().setCreationTimestamp(NOW.minus(Duration.ofMinutes(30)).toString());
    fetched.setStatus(LocalObjects.fetchedStatus("main@1234567", 3, "False", "2 apps not ready"));
    GitOpsSource fresh = LocalObjects.source("new", "https://git.example.com/new.git");
    fresh.getMetadata().setCreationTimestamp(NOW.minus(Duration.ofSeconds(5)).toString());

    ObjectNode table = Tables.of(TABLE, columnsOf("gitopssources"),
        List.of(KubeJson.MAPPER.valueToTree(fetched), KubeJson.MAPPER.valueToTree(fresh)), "7", true, NOW);

    assertEquals(List.of("Name", "URL", "Revision", "Apps", "Ready", "Status", "Age", "Ready Apps", "Suspended",
        "Message"), columnNames(table));
    assertEquals("integer", table.at("/columnDefinitions/3/type").asText());
    assertEquals("[0,0,0,0,0,0,0,1,1,1]", priorities(table), "the message is -o wide's, Status the reason");
    assertEquals("[\"apps\",\"https://git.example.com/apps.git\",\"main@1234567\",3,\"False\",\"Succeeded\",\"30m\","
        + "0,false,\"2 apps not ready\"]", table.at("/rows/0/cells").toString());
    assertEquals("[\"new\",\"https://git.example.com/new.git\",null,null,null,null,\"5s\",null,false,null]",
        table.at("/rows/1/cells").toString());
  }

  @Test
  void rowsCarryTheWholeObjectOrNothingWhenAskedTo() {
    JsonNode app = KubeJson.MAPPER.valueToTree(LocalObjects.app("web", "1.0.0"));
    TableRequest whole = TableRequest.from(KUBECTL_ACCEPT, "Object").orElseThrow();
    TableRequest none = TableRequest.from(KUBECTL_ACCEPT, "None").orElseThrow();

    assertEquals("1.0.0", Tables.of(whole, columnsOf("appdeployments"), List.of(app), "1", true, NOW)
        .at("/rows/0/object/spec/version").asText());
    assertFalse(Tables.of(none, columnsOf("appdeployments"), List.of(app), "1", true, NOW)
        .at("/rows/0").has("object"));
  }

  @Test
  void laterWatchEventsLeaveOutTheColumns() {
    JsonNode app = KubeJson.MAPPER.valueToTree(LocalObjects.app("web", "1.0.0"));
    ObjectNode table = Tables.of(TABLE, columnsOf("appdeployments"), List.of(app), "1", false, NOW);
    assertTrue(table.path("columnDefinitions").isEmpty());
    assertEquals("web", table.at("/rows/0/cells/0").asText());
  }

  @Test
  void onlyATableMediaTypeAsksForATable() {
    assertEquals("meta.k8s.io/v1", TABLE.apiVersion());
    assertEquals("Metadata", TABLE.includeObject());
    assertEquals("meta.k8s.io/v1beta1", TableRequest.from("application/json;as=Table;v=v1beta1;g=meta.k8s.io", null)
        .orElseThrow().apiVersion());
    assertTrue(TableRequest.from("application/json", null).isEmpty());
    assertTrue(TableRequest.from(null, null).isEmpty());
  }

  @Test
  void podsShowReadinessStatusAndRestarts() {
    JsonNode pod = JsonPathTest.json("""
        {"metadata": {"name": "web-1", "creationTimestamp": "2025-03-01T11:55:00Z"},
         "spec": {"containers": [{"name": "app"}, {"name": "sidecar"}]},
         "status": {"phase": "Running", "containerStatuses": [
           {"name": "app", "ready": false, "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
           {"name": "sidecar", "ready": true, "restartCount": 1, "state": {"running": {}}}]}}
        """);
    ApiResource pods = BuiltInResources.all().stream().filter(r -> r.plural().equals("pods")).findFirst()
        .orElseThrow();

    ObjectNode table = Tables.of(TABLE, pods.columns(), List.of(pod), "1", true, NOW);

    assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age"), columnNames(table));
    assertEquals("[\"web-1\",\"1/2\",\"CrashLoopBackOff\",4,\"5m\"]", table.at("/rows/0/cells").toString());
  }

  private static List<Column> columnsOf(String plural) {
    return CustomResources.definitions().stream().flatMap(crd -> CustomResources.served(crd).stream())
        .filter(resource -> resource.plural().equals(plural)).findFirst().orElseThrow().columns();
  }

  private static String priorities(JsonNode table) {
    List<Integer> priorities = new ArrayList<>();
    table.path("columnDefinitions").forEach(column -> priorities.add(column.path("priority").asInt()));
    return priorities.toString().replace(" ", "");
  }

  private static List<String> columnNames(JsonNode table) {
    List<String> names = new ArrayList<>();
    table.path("columnDefinitions").forEach(column -> names.add(column.path("name").asText()));
    return names;
  }
}
