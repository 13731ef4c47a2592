package io.bcgitops.controller;

import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;

/** A pool's API token: created once with a new random token, never rewritten (the pod holds it). */
final class PoolTokenSecret extends PoolDependent<Secret> implements Creator<Secret, RuntimePool> {
  PoolTokenSecret() {
    super(Secret.class, RuntimePools::tokenSecretName);
  }

  @Override
  protected Secret desired(RuntimePool pool, Context<RuntimePool> context) {
    return RuntimePools.tokenSecret(pool);
  }
}
