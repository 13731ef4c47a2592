package io.bcgitops.dashboard;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource;
import java.util.List;

/**
 * What the dashboard shows, read from the informer caches the operator's controllers keep anyway: a viewer's page
 * or refresh costs the API server no request. Each kind is its controller's primary cache (AppDeployments whole,
 * without managedFields; not the GitOpsSource controller's trimmed secondary one).
 */
public final class OperatorCaches {
  private final Controller<GitOpsSource> sources;
  private final Controller<AppDeployment> apps;
  private final Controller<RuntimePool> pools;

  private OperatorCaches(Controller<GitOpsSource> sources, Controller<AppDeployment> apps,
      Controller<RuntimePool> pools) {
    this.sources = sources;
    this.apps = apps;
    this.pools = pools;
  }

  /**
   * The caches of {@code operator}'s three controllers.
   *
   * @throws IllegalStateException when one of them is not registered
   */
  public static OperatorCaches of(Operator operator) {
    return new OperatorCaches(controller(operator, GitOpsSource.class), controller(operator, AppDeployment.class),
        controller(operator, RuntimePool.class));
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Controller<R> controller(Operator operator, Class<R> kind) {
    for (RegisteredController<?> registered : operator.getRegisteredControllers()) {
      if (registered.getConfiguration().getResourceClass() == kind && registered instanceof Controller<?> controller) {
        return (Controller<R>) controller;
      }
    }
    throw new IllegalStateException("the operator has no controller of " + kind.getSimpleName());
  }

  /** Whether every cache has started (a replica's caches start with the operator, leader or not). */
  public boolean started() {
    return cache(sources) != null && cache(apps) != null && cache(pools) != null;
  }

  public List<GitOpsSource> sources() {
    return list(sources);
  }

  public List<AppDeployment> apps() {
    return list(apps);
  }

  public List<RuntimePool> pools() {
    return list(pools);
  }

  private static <R extends HasMetadata> List<R> list(Controller<R> controller) {
    ControllerEventSource<R> cache = cache(controller);
    return cache == null ? List.of() : cache.list(r -> true).toList();
  }

  /** The controller's cache once it runs; null before. */
  private static <R extends HasMetadata> ControllerEventSource<R> cache(Controller<R> controller) {
    ControllerEventSource<R> cache = controller.getEventSourceManager().getControllerEventSource();
    return cache != null && cache.isRunning() ? cache : null;
  }
}
