package io.bcgitops.controller;

import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;

/** The Service in front of a pool's two APIs: its ports and selector are the same for every pool, so never updated. */
final class PoolService extends PoolDependent<Service> implements Creator<Service, RuntimePool> {
  PoolService() {
    super(Service.class, RuntimePools::name);
  }

  @Override
  protected Service desired(RuntimePool pool, Context<RuntimePool> context) {
    return RuntimePools.service(pool);
  }
}
