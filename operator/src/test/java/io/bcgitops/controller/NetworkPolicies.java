package io.bcgitops.controller;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a NetworkPolicy admits, by the rules of networking.k8s.io/v1 (matchLabels selectors and numeric ports only:
 * what the pools' policies use; anything else fails the test rather than being guessed), for tests: no cluster here
 * enforces one. A peer is a pod, by its namespace's name (the API server labels each namespace with it) and labels.
 */
final class NetworkPolicies {
  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private NetworkPolicies() {
  }

  static boolean selects(NetworkPolicy policy, Map<String, String> podLabels) {
    return matches(policy.getSpec().getPodSelector(), podLabels);
  }

  /** Whether a pod of {@code namespace} labelled {@code labels} may connect to {@code protocol}/{@code port}. */
  static boolean admits(NetworkPolicy policy, String namespace, Map<String, String> labels, String protocol, int port) {
    if (!policy.getSpec().getPolicyTypes().contains("Ingress")) {
      return true;
    }
    for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(),
        List.<NetworkPolicyIngressRule>of())) {
      boolean portMatches = rule.getPorts() == null || rule.getPorts().isEmpty()
          || rule.getPorts().stream().anyMatch(p -> matches(p, protocol, port));
      boolean peerMatches = rule.getFrom() == null || rule.getFrom().isEmpty()
          || rule.getFrom().stream().anyMatch(peer -> matches(peer, policy.getMetadata().getNamespace(), namespace,
              labels));
      if (portMatches && peerMatches) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(NetworkPolicyPort rule, String protocol, int port) {
    IntOrString from = rule.getPort();
    if (from != null && from.getIntVal() == null) {
      throw new IllegalArgumentException("named ports are not judged here: " + from);
    }
    int first = from == null ? 1 : from.getIntVal();
    int last = from == null ? 65535 : rule.getEndPort() == null ? first : rule.getEndPort();
    return Objects.requireNonNullElse(rule.getProtocol(), "TCP").equals(protocol) && port >= first && port <= last;
  }

  private static boolean matches(NetworkPolicyPeer peer, String policyNamespace, String namespace,
      Map<String, String> labels) {
    if (peer.getIpBlock() != null) {
      throw new IllegalArgumentException("ipBlock peers are not judged here");
    }
    boolean namespaceMatches = peer.getNamespaceSelector() == null ? namespace.equals(policyNamespace)
        : matches(peer.getNamespaceSelector(), Map.of(NAMESPACE_NAME_LABEL, namespace));
    boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), labels);
    return namespaceMatches && podMatches;
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      throw new IllegalArgumentException("matchExpressions are not judged here");
    }
    return Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of()).entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
