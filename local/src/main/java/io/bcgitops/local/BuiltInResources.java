package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Locale;

/**
 * The built-in kinds the operator and the local node write, served so that
 * {@code kubectl get pods,deployments,replicasets,services,secrets,events} works. Pods, Deployments and Events get the
 * columns users know from a cluster; the others a Name and an Age.
 */
final class BuiltInResources {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private BuiltInResources() {
  }

  static List<ApiResource> all() {
    List<Column> nameAndAge = List.of(Column.NAME, Column.AGE);
    return List.of(
        // No status subresource: the store reads namespaces/<name>/status as a resource "status" in a namespace.
        cluster("", "v1", names("namespaces", "Namespace", List.of("ns"), List.of()), false, nameAndAge),
        namespaced("", "v1", names("pods", "Pod", List.of("po"), List.of("all")), true, podColumns()),
        namespaced("", "v1", names("services", "Service", List.of("svc"), List.of("all")), true, nameAndAge),
        namespaced("", "v1", names("secrets", "Secret", List.of(), List.of()), false, nameAndAge),
        namespaced("", "v1", names("configmaps", "ConfigMap", List.of("cm"), List.of()), false, nameAndAge),
        namespaced("", "v1", names("events", "Event", List.of("ev"), List.of()), false, eventColumns()),
        namespaced("apps", "v1", names("deployments", "Deployment", List.of("deploy"), List.of("all")), true,
            deploymentColumns()),
        // The local node keeps one per pod template of a vm app's Deployment, as the Deployment controller does.
        namespaced("apps", "v1", names("replicasets", "ReplicaSet", List.of("rs"), List.of("all")), true, nameAndAge),
        // A runtime pool's: stored and served, not enforced (nothing filters this machine's loopback).
        namespaced("networking.k8s.io", "v1", names("networkpolicies", "NetworkPolicy", List.of("netpol"), List.of()),
            false, nameAndAge),
        namespaced("coordination.k8s.io", "v1", names("leases", "Lease", List.of(), List.of()), false, nameAndAge),
        namespaced("events.k8s.io", "v1", names("events", "Event", List.of("ev"), List.of()), false, nameAndAge),
        cluster("apiextensions.k8s.io", "v1",
            names("customresourcedefinitions", "CustomResourceDefinition", List.of("crd", "crds"), List.of()), true,
            nameAndAge));
  }

  private static ApiResource namespaced(String group, String version, ApiResource.Names names, boolean status,
      List<Column> columns) {
    return new ApiResource(group, version, names, true, status, columns, null);
  }

  private static ApiResource cluster(String group, String version, ApiResource.Names names, boolean status,
      List<Column> columns) {
    return new ApiResource(group, version, names, false, status, columns, null);
  }

  private static ApiResource.Names names(String plural, String kind, List<String> shortNames,
      List<String> categories) {
    return new ApiResource.Names(plural, kind.toLowerCase(Locale.ROOT), kind, shortNames, categories);
  }

  private static List<Column> podColumns() {
    return List.of(Column.NAME,
        new Column("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0,
            (pod, now) -> NODES.textNode(count(pod.path("status").path("containerStatuses"), "ready") + "/"
                + pod.path("spec").path("containers").size())),
        new Column("Status", "string", "", "The aggregate status of the containers in this pod.", 0,
            (pod, now) -> NODES.textNode(podStatus(pod))),
        new Column("Restarts", "integer", "", "The number of times the containers in this pod have been restarted.",
            0, (pod, now) -> NODES.numberNode(restarts(pod))),
        Column.AGE);
  }

  private static List<Column> deploymentColumns() {
    return List.of(Column.NAME,
        new Column("Ready", "string", "", "Number of the pods that are ready out of those desired.", 0,
            (deployment, now) -> NODES.textNode(deployment.path("status").path("readyReplicas").asLong() + "/"
                + deployment.path("spec").path("replicas").asLong(1))),
        new Column("Up-to-date", "integer", "", "Total number of pods that run the newest template.", 0,
            (deployment, now) -> NODES.numberNode(deployment.path("status").path("updatedReplicas").asLong())),
        new Column("Available", "integer", "", "Total number of available pods (ready for at least minReadySeconds).",
            0, (deployment, now) -> NODES.numberNode(deployment.path("status").path("availableReplicas").asLong())),
        Column.AGE);
  }

  private static List<Column> eventColumns() {
    return List.of(
        new Column("Last Seen", "string", "", "When this event was last seen.", 0,
            (event, now) -> NODES.textNode(HumanAge.since(lastSeen(event), now))),
        Column.text("Type", "type", "Type of this event (Normal, Warning)."),
        Column.text("Reason", "reason", "The reason for the transition into the object's current status."),
        new Column("Object", "string", "", "The object that this event is about.", 0,
            (event, now) -> NODES.textNode(KubeJson.text(event, "involvedObject.kind").toLowerCase(Locale.ROOT)
                + "/" + KubeJson.text(event, "involvedObject.name"))),
        Column.text("Message", "message", "A human-readable description of the status of this operation."));
  }

  private static String lastSeen(JsonNode event) {
    for (String field : List.of("lastTimestamp", "series.lastObservedTime", "eventTime",
        "metadata.creationTimestamp")) {
      String value = KubeJson.text(event, field);
      if (!value.isEmpty()) {
        return value;
      }
    }
    return "";
  }

  private static long count(JsonNode statuses, String flag) {
    long count = 0;
    for (JsonNode status : statuses) {
      count += status.path(flag).asBoolean() ? 1 : 0;
    }
    return count;
  }

  private static long restarts(JsonNode pod) {
    long restarts = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asLong();
    }
    return restarts;
  }

  /** What kubectl shows in a pod's STATUS: why it is not running if a container says so, else its phase. */
  private static String podStatus(JsonNode pod) {
    if (!KubeJson.text(pod, "metadata.deletionTimestamp").isEmpty()) {
      return "Terminating";
    }
    JsonNode status = pod.path("status");
    JsonNode initStatuses = status.path("initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode state = initStatuses.get(i).path("state");
      if (state.path("terminated").path("exitCode").asInt(-1) == 0) {
        continue;
      }
      String reason = reason(state);
      return "Init:" + (reason.isEmpty() || reason.equals("PodInitializing") ? i + "/" + initStatuses.size() : reason);
    }
    String shown = status.path("reason").asText(status.path("phase").asText("Pending"));
    for (JsonNode container : status.path("containerStatuses")) {
      String reason = reason(container.path("state"));
      if (!reason.isEmpty()) {
        shown = reason;
      }
    }
    return shown;
  }

  private static String reason(JsonNode state) {
    String waiting = state.path("waiting").path("reason").asText("");
    if (!waiting.isEmpty()) {
      return waiting;
    }
    JsonNode terminated = state.path("terminated");
    if (terminated.isMissingNode()) {
      return "";
    }
    return terminated.path("reason").asText("ExitCode:" + terminated.path("exitCode").asInt());
  }
}
