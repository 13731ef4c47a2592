package io.bcgitops.local;

import java.util.Optional;

/**
 * A client's request for a Table instead of objects ({@code kubectl get} asks with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io, ..., application/json}).
 *
 * @param version the Table version asked for: "v1" or "v1beta1"
 * @param includeObject what each row carries: "Metadata" (the default: a PartialObjectMetadata), "Object" or "None"
 */
record TableRequest(String version, String includeObject) {

  /** The first Table media type in {@code accept}, if there is one. */
  static Optional<TableRequest> from(String accept, String includeObject) {
    if (accept == null) {
      return Optional.empty();
    }
    for (String mediaRange : accept.split(",")) {
      String version = null;
      boolean table = false;
      boolean metaGroup = false;
      for (String parameter : mediaRange.split(";")) {
        String[] pair = parameter.trim().split("=", 2);
        if (pair.length == 2) {
          switch (pair[0].trim()) {
            case "as" -> table = pair[1].trim().equals("Table");
            case "v" -> version = pair[1].trim();
            case "g" -> metaGroup = pair[1].trim().equals("meta.k8s.io");
            default -> { }
          }
        }
      }
      if (table && metaGroup && ("v1".equals(version) || "v1beta1".equals(version))) {
        return Optional.of(new TableRequest(version, includeObject == null || includeObject.isEmpty()
            ? "Metadata" : includeObject));
      }
    }
    return Optional.empty();
  }

  String apiVersion() {
    return "meta.k8s.io/" + version;
  }

  String contentType() {
    return "application/json;as=Table;v=" + version + ";g=meta.k8s.io";
  }
}
