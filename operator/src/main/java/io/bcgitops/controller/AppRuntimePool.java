package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.kube.ManagedFields;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RuntimePool an embedded app names, as a JOSDK dependent of the app: created with every default, marked as
 * the operator's, when none exists (another app's reconcile may have created it first); never updated (a pool a
 * user wrote is theirs) and never deleted from here (no owner reference: many apps share it; RuntimePoolReconciler
 * deletes one the operator created once no app names it). Ready once its pod answers and its status lists what it
 * runs: only then is the app loaded into it ({@link EmbeddedApp} depends on it).
 */
final class AppRuntimePool extends KubernetesDependentResource<RuntimePool, AppDeployment>
    implements Creator<RuntimePool, AppDeployment>, SecondaryToPrimaryMapper<RuntimePool> {
  private static final Logger LOG = LoggerFactory.getLogger(AppRuntimePool.class);
  /** The primary cache's index of embedded apps by the pool they name. */
  static final String RUNTIME_INDEX = "runtime";
  private EventSourceContext<AppDeployment> eventSourceContext;

  AppRuntimePool() {
    super(RuntimePool.class, "runtime-pools");
  }

  /** The index {@link #toPrimaryResourceIDs} reads, added to the AppDeployments' cache. */
  static Map<String, Function<AppDeployment, List<String>>> index() {
    return Map.of(RUNTIME_INDEX, app -> AppSpecs.isEmbedded(app)
        ? List.of(key(app.getMetadata().getNamespace(), AppSpecs.runtime(app))) : List.of());
  }

  private static String key(String namespace, String runtime) {
    return namespace + "/" + runtime;
  }

  /**
   * A pool's status changing (its poll saw an app start, crash, or its pod restart) wakes every app that names it;
   * so do its creation and removal. An app finds its pool by name.
   */
  @Override
  protected InformerEventSourceConfiguration.Builder<RuntimePool> informerConfigurationBuilder(
      EventSourceContext<AppDeployment> context) {
    eventSourceContext = context;
    return super.informerConfigurationBuilder(context)
        .withItemStore(new TransformingItemStore<>(ManagedFields::dropped))
        .withPrimaryToSecondaryMapper(app -> Set.of(targetOf((AppDeployment) app)));
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(RuntimePool pool) {
    return eventSourceContext.getPrimaryCache()
        .byIndex(RUNTIME_INDEX, key(pool.getMetadata().getNamespace(), pool.getMetadata().getName()))
        .stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static ResourceID targetOf(AppDeployment app) {
    return new ResourceID(AppSpecs.runtime(app), app.getMetadata().getNamespace());
  }

  @Override
  protected ResourceID targetSecondaryResourceID(AppDeployment app, Context<AppDeployment> context) {
    return targetOf(app);
  }

  /** Shared by every app naming it: no owner reference, no annotation pointing back at one app. */
  @Override
  protected void addReferenceHandlingMetadata(RuntimePool desired, AppDeployment app) {
  }

  @Override
  protected RuntimePool desired(AppDeployment app, Context<AppDeployment> context) {
    RuntimePool pool = RuntimePools.withDefaults(app.getMetadata().getNamespace(), app.getSpec().getRuntime());
    pool.getMetadata().setLabels(Map.of(Api.CREATED_BY_LABEL, Api.CREATED_BY_OPERATOR));
    return pool;
  }

  @Override
  public RuntimePool create(RuntimePool desired, AppDeployment app, Context<AppDeployment> context) {
    try {
      RuntimePool created = context.getClient().resource(desired).create();
      LOG.info("created RuntimePool {}/{} with defaults for the embedded apps that name it",
          desired.getMetadata().getNamespace(), desired.getMetadata().getName());
      return created;
    } catch (KubernetesClientException e) {
      RuntimePool existing = e.getCode() == HttpURLConnection.HTTP_CONFLICT
          ? context.getClient().resource(desired).get() : null;
      if (existing == null) {
        throw e;
      }
      return existing;
    }
  }

  /**
   * The ready postcondition: the pool's pod answers and its status lists what it runs. Unmet, its detail is what
   * the app waits for.
   */
  static final class Answers implements DetailedCondition<RuntimePool, AppDeployment, String> {
    @Override
    public Result<String> detailedIsMet(DependentResource<RuntimePool, AppDeployment> dependent, AppDeployment app,
        Context<AppDeployment> context) {
      RuntimePoolStatus seen = dependent.getSecondaryResource(app, context).filter(p -> !p.isMarkedForDeletion())
          .map(RuntimePool::getStatus).orElse(null);
      if (seen != null && seen.getPod() != null && seen.getApps() != null) {
        return Result.metWithoutResult;
      }
      Condition ready = seen == null ? null : Conditions.find(seen.getConditions(), Conditions.READY);
      return Result.withResult(false, "waiting for runtime pool " + RuntimePools.name(app.getSpec().getRuntime())
          + " to be ready" + (ready == null ? "" : ": " + ready.getMessage()));
    }
  }
}
