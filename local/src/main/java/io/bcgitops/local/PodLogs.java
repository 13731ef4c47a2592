package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bcgitops.api.Api;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the containers of local mode's pods write what they print. No kubelet streams it, so {@code kubectl logs}
 * is answered 404 with this place instead: kubectl prints the message, and a user who typed it learns which file
 * to read. A vm app's pod is a child JVM whose containers each write to their own file in the pod's folder
 * ({@link PodFiles}); a runtime pool's pod runs in the local process, whose log is the state folder's.
 *
 * @param node the local node's folder
 * @param localLog the local process's log, which holds the embedded apps' output
 */
record PodLogs(Path node, Path localLog) {

  static PodLogs in(StateFolder state) {
    return new PodLogs(state.node(), state.log());
  }

  /**
   * The answer to a request for the log of a pod's container: 404 with where the log is, or 400 when the request
   * names no container of the pod.
   *
   * @param pod the pod, as the store holds it
   * @param container the container asked for; null for the pod's only one
   */
  ObjectNode answer(JsonNode pod, String container) {
    String name = KubeJson.name(pod);
    List<String> containers = names(pod.path("spec").path("containers"));
    List<String> initContainers = names(pod.path("spec").path("initContainers"));
    if (container == null && containers.size() != 1) {
      // The API server's words.
      return KubeJson.status(400, "BadRequest", "a container name must be specified for pod " + name
          + ", choose one of: " + containers + (initContainers.isEmpty() ? ""
          : " or one of the init containers: " + initContainers));
    }
    String asked = container == null ? containers.get(0) : container;
    if (!containers.contains(asked) && !initContainers.contains(asked)) {
      return KubeJson.status(400, "BadRequest", "container " + asked + " is not valid for pod " + name);
    }
    String where;
    if (!LocalNode.NODE_NAME.equals(KubeJson.text(pod, "spec.nodeName"))) {
      where = "no process of this machine runs pod \"" + name + "\", so it has no log";
    } else if (pod.path("metadata").path("labels").has(Api.RUNTIME_LABEL)) {
      where = "runtime pool pod \"" + name + "\" runs in the local process, whose log (with its apps' output) is "
          + localLog;
    } else {
      where = "container \"" + asked + "\" of pod \"" + name + "\" writes to "
          + PodFiles.of(node, KubeJson.namespace(pod), name).log(asked);
    }
    ObjectNode status = KubeJson.status(404, "NotFound", "kubectl logs is not served in local mode: " + where);
    status.putObject("details").put("name", name).put("kind", "pods");
    return status;
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(container -> names.add(container.path("name").asText()));
    return names;
  }
}
