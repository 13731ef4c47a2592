package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Isolation;
import io.bcgitops.kube.Drift;
import io.bcgitops.kube.JsonItemStore;
import io.bcgitops.kube.OwnedDeployments;
import io.bcgitops.kube.PodImages;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.vm.VmDeployments;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vm app's Deployment (DESIGN.md section 6) as a JOSDK dependent of its AppDeployment. JOSDK's own matching
 * would compare the whole object and rewrite it forever (a real API server fills in defaults and stores quantities
 * in canonical form), so it is compared with {@link Drift} (what the operator sets, held by the live object) and
 * written with {@link OwnedDeployments} (labels and annotations others add are kept). While the app's dependencies
 * hold an upgrade back, a Deployment of another version is neither created nor updated.
 */
final class VmDeployment extends KubernetesDependentResource<Deployment, AppDeployment>
    implements Creator<Deployment, AppDeployment>, Updater<Deployment, AppDeployment>, Deleter<AppDeployment>,
    SecondaryToPrimaryMapper<Deployment> {
  private static final Logger LOG = LoggerFactory.getLogger(VmDeployment.class);
  private static final SecondaryToPrimaryMapper<Deployment> OWNER = Mappers.fromOwnerReferences(AppDeployment.class,
      false);
  private final PodImages images;
  private final EventRecorder events;
  private final OperatorMetrics metrics;

  VmDeployment(PodImages images, EventRecorder events, OperatorMetrics metrics) {
    super(Deployment.class, "vm-deployments");
    this.images = images;
    this.events = events;
    this.metrics = metrics;
  }

  /** The reconcile precondition: an app moved to embedded isolation has its Deployment deleted. */
  static boolean wanted(AppDeployment app) {
    return app.getSpec().getIsolation() == Isolation.vm;
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<Deployment> informerConfigurationBuilder(
      EventSourceContext<AppDeployment> context) {
    return super.informerConfigurationBuilder(context).withLabelSelector(Api.APP_LABEL)
        .withItemStore(new JsonItemStore<>(Deployment.class));
  }

  /** By its controller owner, as the Deployment controller finds its ReplicaSets. */
  @Override
  public Set<ResourceID> toPrimaryResourceIDs(Deployment deployment) {
    return OWNER.toPrimaryResourceIDs(deployment);
  }

  /** Found by name, without computing the desired object. */
  @Override
  protected ResourceID targetSecondaryResourceID(AppDeployment app, Context<AppDeployment> context) {
    return new ResourceID(VmDeployments.name(app), app.getMetadata().getNamespace());
  }

  /** The desired Deployment carries its owner reference already (VmDeployments): nothing else is added to it. */
  @Override
  protected void addReferenceHandlingMetadata(Deployment desired, AppDeployment app) {
  }

  /** Every Deployment the app owns, whatever its name. */
  Set<Deployment> owned(AppDeployment app) {
    return eventSource().orElseThrow().getSecondaryResources(app);
  }

  /** The app's Deployment; one left under an old name (nodePrefix changed) is deleted. */
  Optional<Deployment> current(AppDeployment app, Context<AppDeployment> context) {
    String name = VmDeployments.name(app);
    Deployment current = null;
    for (Deployment owned : owned(app)) {
      if (owned.getMetadata().getName().equals(name)) {
        current = owned;
      } else {
        LOG.info("deleting Deployment {} of app {}: its name is now {}", owned.getMetadata().getName(),
            app.getMetadata().getName(), name);
        context.getClient().resource(owned).delete();
      }
    }
    return Optional.ofNullable(current);
  }

  /** Whether a Deployment of another version than the spec's would be written while the app is held back. */
  static boolean holdsBack(AppDeployment app, Optional<Deployment> current, boolean held) {
    return held && !app.getSpec().getVersion().equals(current.map(VmDeployments::templateVersion).orElse(null));
  }

  @Override
  public ReconcileResult<Deployment> reconcile(AppDeployment app, Context<AppDeployment> context) {
    Optional<Deployment> current = getSecondaryResource(app, context);
    if (holdsBack(app, current, AppWorkflow.held(context))) {
      return ReconcileResult.noOperation(current.orElse(null));
    }
    return super.reconcile(app, context);
  }

  @Override
  protected Deployment desired(AppDeployment app, Context<AppDeployment> context) {
    return VmDeployments.desired(app, images);
  }

  @Override
  public Matcher.Result<Deployment> match(Deployment actual, AppDeployment app, Context<AppDeployment> context) {
    Deployment desired = getOrComputeDesired(context);
    Optional<String> drift = Drift.of(desired, actual);
    drift.ifPresent(field -> LOG.info("updating Deployment {}/{} of app {} (version {}): {}",
        actual.getMetadata().getNamespace(), actual.getMetadata().getName(), app.getMetadata().getName(),
        app.getSpec().getVersion(), field));
    return Matcher.Result.computed(drift.isEmpty(), desired);
  }

  @Override
  public Deployment create(Deployment desired, AppDeployment app, Context<AppDeployment> context) {
    LOG.info("deploying app {}/{} version {}", app.getMetadata().getNamespace(), app.getMetadata().getName(),
        app.getSpec().getVersion());
    events.normal(app, "Deploying", "deploying version " + app.getSpec().getVersion() + " as Deployment "
        + desired.getMetadata().getName());
    metrics.appAction(OperatorMetrics.ACTION_DEPLOY, true);
    return context.resourceOperations().create(OwnedDeployments.forCreate(desired), eventSource().orElseThrow());
  }

  @Override
  public Deployment update(Deployment actual, Deployment desired, AppDeployment app, Context<AppDeployment> context) {
    String running = VmDeployments.templateVersion(actual);
    if (!app.getSpec().getVersion().equals(running)) {
      events.normal(app, "Upgrading", "upgrading from " + running + " to " + app.getSpec().getVersion());
      metrics.appAction(OperatorMetrics.ACTION_UPGRADE, true);
    }
    return context.resourceOperations().update(OwnedDeployments.onto(desired, actual), eventSource().orElseThrow());
  }

  /**
   * Every Deployment the app owns, whatever its name. Owner references let a real cluster's garbage collector do
   * this too; deleting here makes removal immediate, and works where none runs (local mode).
   */
  @Override
  public void delete(AppDeployment app, Context<AppDeployment> context) {
    owned(app).forEach(d -> context.getClient().resource(d).delete());
  }
}
