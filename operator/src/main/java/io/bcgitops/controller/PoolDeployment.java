package io.bcgitops.controller;

import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.Drift;
import io.bcgitops.kube.OwnedDeployments;
import io.bcgitops.kube.PodImages;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's Deployment, sized from the RuntimePool's spec. Compared with {@link Drift} (a real API server's
 * defaults and canonical quantities are no difference) and written with {@link OwnedDeployments}, as a vm app's.
 */
final class PoolDeployment extends PoolDependent<Deployment>
    implements Creator<Deployment, RuntimePool>, Updater<Deployment, RuntimePool> {
  private static final Logger LOG = LoggerFactory.getLogger(PoolDeployment.class);
  private final PodImages images;

  PoolDeployment(PodImages images) {
    super(Deployment.class, RuntimePools::name);
    this.images = images;
  }

  @Override
  protected Deployment desired(RuntimePool pool, Context<RuntimePool> context) {
    return RuntimePools.deployment(pool, images);
  }

  @Override
  public Matcher.Result<Deployment> match(Deployment actual, RuntimePool pool, Context<RuntimePool> context) {
    return matchByDrift(actual, context, "updating");
  }

  @Override
  public Deployment create(Deployment desired, RuntimePool pool, Context<RuntimePool> context) {
    LOG.info("creating runtime pool {}/{}", desired.getMetadata().getNamespace(), desired.getMetadata().getName());
    return context.resourceOperations().create(OwnedDeployments.forCreate(desired), eventSource().orElseThrow());
  }

  @Override
  public Deployment update(Deployment actual, Deployment desired, RuntimePool pool, Context<RuntimePool> context) {
    return context.resourceOperations().update(OwnedDeployments.onto(desired, actual), eventSource().orElseThrow());
  }
}
