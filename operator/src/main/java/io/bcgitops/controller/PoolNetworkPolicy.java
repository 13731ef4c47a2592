package io.bcgitops.controller;

import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.Drift;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;

/**
 * A pool's NetworkPolicy: only the operator's pods reach its APIs. Put back as it was when anyone widens or edits
 * it ({@link Drift}: a rule added or changed is a difference), since the pool's safety rests on it.
 */
final class PoolNetworkPolicy extends PoolDependent<NetworkPolicy>
    implements Creator<NetworkPolicy, RuntimePool>, Updater<NetworkPolicy, RuntimePool> {
  private final String operatorNamespace;

  /** @param operatorNamespace where the operator's pods run: the one namespace the policy admits to the APIs */
  PoolNetworkPolicy(String operatorNamespace) {
    super(NetworkPolicy.class, RuntimePools::name);
    this.operatorNamespace = operatorNamespace;
  }

  @Override
  protected NetworkPolicy desired(RuntimePool pool, Context<RuntimePool> context) {
    return RuntimePools.networkPolicy(pool, operatorNamespace);
  }

  @Override
  public Matcher.Result<NetworkPolicy> match(NetworkPolicy actual, RuntimePool pool, Context<RuntimePool> context) {
    return matchByDrift(actual, context, "putting back the NetworkPolicy of");
  }

  @Override
  public NetworkPolicy update(NetworkPolicy actual, NetworkPolicy desired, RuntimePool pool,
      Context<RuntimePool> context) {
    NetworkPolicy updated = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder(desired)
        .editMetadata().withResourceVersion(actual.getMetadata().getResourceVersion()).endMetadata().build();
    return context.resourceOperations().update(updated, eventSource().orElseThrow());
  }
}
