package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One kind the local API serves to kubectl: how discovery names it, the columns of its Table and, for a custom
 * resource, its OpenAPI schema (null for the built-in kinds, which kubectl validates without one).
 *
 * @param columns the Table's columns, "Name" first for all but Events
 */
record ApiResource(String group, String version, Names names, boolean namespaced, boolean statusSubresource,
    List<Column> columns, JsonNode schema) {

  /** The names discovery publishes, as in a CRD's {@code spec.names}. */
  record Names(String plural, String singular, String kind, List<String> shortNames, List<String> categories) {
  }

  String plural() {
    return names.plural();
  }

  String kind() {
    return names.kind();
  }
}
