package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.kube.Drift;
import io.bcgitops.kube.ManagedFields;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object a RuntimePool owns: named from the pool, labelled {@code bcgitops.io/runtime=<pool>} (what its
 * informer selects and maps back to the pool by, so one written by an earlier version, without an owner
 * reference, is found and adopted), with the pool as its controller owner so that a cluster's garbage collector
 * removes it with the pool. It is also deleted explicitly when the pool is: at once, and where no garbage
 * collector runs (local mode).
 */
abstract class PoolDependent<R extends HasMetadata> extends KubernetesDependentResource<R, RuntimePool>
    implements Deleter<RuntimePool>, SecondaryToPrimaryMapper<R> {
  private static final Logger LOG = LoggerFactory.getLogger(PoolDependent.class);
  private final UnaryOperator<String> name;

  /** @param name the object's name from the pool's */
  PoolDependent(Class<R> type, UnaryOperator<String> name) {
    super(type);
    this.name = name;
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
      EventSourceContext<RuntimePool> context) {
    return super.informerConfigurationBuilder(context).withLabelSelector(Api.RUNTIME_LABEL)
        .withItemStore(new TransformingItemStore<>(ManagedFields::dropped));
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(R resource) {
    String runtime = resource.getMetadata().getLabels().get(Api.RUNTIME_LABEL);
    return runtime == null ? Set.of() : Set.of(new ResourceID(runtime, resource.getMetadata().getNamespace()));
  }

  /** Found by name: computing the desired object to learn it would make a token for nothing. */
  @Override
  protected ResourceID targetSecondaryResourceID(RuntimePool pool, Context<RuntimePool> context) {
    return new ResourceID(name.apply(pool.getMetadata().getName()), pool.getMetadata().getNamespace());
  }

  /**
   * The live object matches while it holds every field the desired one sets ({@link Drift}: a real API
   * server's defaults and canonical forms are no difference); a difference is logged as "{@code doing}
   * runtime pool ns/name: field".
   */
  protected Matcher.Result<R> matchByDrift(R actual, Context<RuntimePool> context, String doing) {
    R desired = getOrComputeDesired(context);
    Optional<String> drift = Drift.of(desired, actual);
    drift.ifPresent(field -> LOG.info("{} runtime pool {}/{}: {}", doing, actual.getMetadata().getNamespace(),
        actual.getMetadata().getName(), field));
    return Matcher.Result.computed(drift.isEmpty(), desired);
  }

  /** The desired object carries its owner reference already (RuntimePools): nothing else is added to it. */
  @Override
  protected void addReferenceHandlingMetadata(R desired, RuntimePool pool) {
  }
}
