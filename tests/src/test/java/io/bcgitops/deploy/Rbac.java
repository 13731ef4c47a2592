package io.bcgitops.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The RBAC rules deploy/ gives the operator's ServiceAccount: those of every ClusterRole a
 * ClusterRoleBinding binds it to (in every namespace), and those of every Role a RoleBinding binds
 * it to (in that Role's namespace only).
 */
final class Rbac {
  /** One PolicyRule; {@code namespace} is null for a ClusterRole's rule (every namespace). */
  record Rule(String source, String namespace, Set<String> apiGroups, Set<String> resources, Set<String> verbs,
      Set<String> resourceNames) {

    boolean grants(ApiRequests.Use use) {
      return (namespace == null || namespace.equals(use.namespace()))
          && apiGroups.contains(use.group()) && resources.contains(use.resource()) && verbs.contains(use.verb())
          && (resourceNames.isEmpty() || (use.name() != null && resourceNames.contains(use.name())));
    }

    /** Every (group, resource, verb) this rule grants, as {@link ApiRequests.Use#key()}. */
    List<String> keys() {
      List<String> keys = new ArrayList<>();
      for (String group : apiGroups) {
        for (String resource : resources) {
          for (String verb : verbs) {
            keys.add(ApiRequests.Use.key(group, resource, verb));
          }
        }
      }
      return keys;
    }

    boolean usesWildcard() {
      return apiGroups.contains("*") || resources.contains("*") || verbs.contains("*");
    }

    @Override
    public String toString() {
      return source + (namespace == null ? "" : " (namespace " + namespace + ")") + ": apiGroups " + apiGroups
          + " resources " + resources + " verbs " + verbs + (resourceNames.isEmpty() ? "" : " resourceNames "
          + resourceNames);
    }
  }

  private Rbac() {
  }

  static List<Rule> rulesOf(DeployManifests manifests, String serviceAccountNamespace, String serviceAccount) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode binding : manifests.ofKind("ClusterRoleBinding")) {
      if (bindsServiceAccount(binding, serviceAccountNamespace, serviceAccount)) {
        String role = binding.path("roleRef").path("name").asText();
        rules.addAll(rules(manifests.get("ClusterRole", role), "ClusterRole " + role, null));
      }
    }
    for (JsonNode binding : manifests.ofKind("RoleBinding")) {
      if (bindsServiceAccount(binding, serviceAccountNamespace, serviceAccount)) {
        String namespace = binding.path("metadata").path("namespace").asText();
        String role = binding.path("roleRef").path("name").asText();
        String kind = binding.path("roleRef").path("kind").asText();
        JsonNode roleObject = manifests.ofKind(kind).stream()
            .filter(r -> role.equals(r.path("metadata").path("name").asText()))
            .filter(r -> kind.equals("ClusterRole") || namespace.equals(r.path("metadata").path("namespace").asText()))
            .findFirst().orElseThrow(() -> new AssertionError("RoleBinding " + binding.path("metadata").path("name")
                .asText() + " names " + kind + " " + role + ", which " + manifests.origin + " lacks"));
        rules.addAll(rules(roleObject, kind + " " + role, namespace));
      }
    }
    return rules;
  }

  private static boolean bindsServiceAccount(JsonNode binding, String namespace, String name) {
    for (JsonNode subject : binding.path("subjects")) {
      if ("ServiceAccount".equals(subject.path("kind").asText()) && name.equals(subject.path("name").asText())
          && namespace.equals(subject.path("namespace").asText(binding.path("metadata").path("namespace").asText()))) {
        return true;
      }
    }
    return false;
  }

  private static List<Rule> rules(JsonNode role, String source, String namespace) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      rules.add(new Rule(source, namespace, strings(rule.path("apiGroups")), strings(rule.path("resources")),
          strings(rule.path("verbs")), strings(rule.path("resourceNames"))));
    }
    return rules;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new LinkedHashSet<>();
    StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).forEach(values::add);
    return values;
  }
}
