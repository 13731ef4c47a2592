package io.bcgitops.cli;

import io.fabric8.kubernetes.client.Config;

/** Where the cluster commands find the cluster: a kubeconfig context's settings, by name (null: the current one). */
@FunctionalInterface
interface Kubeconfigs {
  /** As kubectl: KUBECONFIG (files joined), else ~/.kube/config, else the pod's service account. */
  Kubeconfigs DEFAULT = Config::autoConfigure;

  Config load(String context);
}
