package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus.InvalidApp;
import io.bcgitops.metrics.OperatorMetrics;
import io.bcgitops.spec.DependencyOrder;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.ParsedApp;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a source's AppDeployments match its desired state: creates and updates in dependency
 * order, prunes in reverse. Writes only what differs, with optimistic locking (update, never
 * server-side apply), so an unchanged state costs no request.
 */
final class AppDeploymentApplier {
  private static final Logger LOG = LoggerFactory.getLogger(AppDeploymentApplier.class);

  /** What an apply did; {@code rejected} lists apps the API server or another owner kept us from writing. */
  record Result(int created, int updated, int pruned, List<InvalidApp> rejected) {
    boolean changed() {
      return created + updated + pruned > 0;
    }
  }

  private final InformerEventSource<AppDeployment, GitOpsSource> appDeployments;
  private final EventRecorder events;
  private final OperatorMetrics metrics;

  AppDeploymentApplier(InformerEventSource<AppDeployment, GitOpsSource> appDeployments, EventRecorder events,
      OperatorMetrics metrics) {
    this.appDeployments = appDeployments;
    this.events = events;
    this.metrics = metrics;
  }

  Result apply(GitOpsSource source, DesiredState desired, Collection<AppDeployment> owned,
      Context<GitOpsSource> context) {
    Map<String, AppDeployment> existing = new HashMap<>();
    owned.forEach(app -> existing.put(app.getMetadata().getName(), app));
    int created = 0;
    int updated = 0;
    List<InvalidApp> rejected = new ArrayList<>();
    for (ParsedApp app : desired.apps()) {
      AppDeployment want = withOwner(DesiredAppDeployments.of(app, source.getMetadata().getName()), source);
      AppDeployment have = existing.get(app.name());
      try {
        if (have == null) {
          have = createOrAdopt(want, source, context, rejected, app.file());
          created += have == null ? 0 : 1;
          metrics.appAction(OperatorMetrics.ACTION_CREATE, have != null);
        } else if (!matches(have, want)) {
          update(have, want, context);
          updated++;
          metrics.appAction(OperatorMetrics.ACTION_UPDATE, true);
        }
      } catch (KubernetesClientException e) {
        metrics.appAction(existing.containsKey(app.name()) ? OperatorMetrics.ACTION_UPDATE : OperatorMetrics.ACTION_CREATE,
            false);
        if (!refusedForGood(e)) {
          throw e;
        }
        // The schema, a CEL rule or an admission webhook refused this app: the others still go ahead.
        rejected.add(new InvalidApp(app.file(), "the API server rejected AppDeployment '" + app.name() + "': "
            + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage())));
      }
    }
    int pruned = source.getSpec().isPrune() ? prune(source, desired, existing, context) : 0;
    return new Result(created, updated, pruned, rejected);
  }

  /** A 4xx other than a conflict: retrying the same write would be refused again. 409 is retried (stale cache). */
  private static boolean refusedForGood(KubernetesClientException e) {
    return e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != HttpURLConnection.HTTP_CONFLICT;
  }

  /**
   * Creates the AppDeployment. When the name is taken (our cache missed it, or it is someone
   * else's), takes it back only if this source controls it; otherwise records a conflict.
   */
  private AppDeployment createOrAdopt(AppDeployment want, GitOpsSource source, Context<GitOpsSource> context,
      List<InvalidApp> rejected, String file) {
    try {
      return context.resourceOperations().create(want, appDeployments);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      AppDeployment taken = context.getClient().resources(AppDeployment.class)
          .inNamespace(want.getMetadata().getNamespace()).withName(want.getMetadata().getName()).get();
      if (taken != null && controlledBy(taken, source)) {
        update(taken, want, context);
        return taken;
      }
      rejected.add(new InvalidApp(file, "AppDeployment '" + want.getMetadata().getName()
          + "' already exists and is not managed by this GitOpsSource; delete it or rename the app"));
      return null;
    }
  }

  private void update(AppDeployment have, AppDeployment want, Context<GitOpsSource> context) {
    AppDeployment next = context.getClient().getKubernetesSerialization().clone(have);
    next.setSpec(want.getSpec());
    Map<String, String> labels = new HashMap<>(Objects.requireNonNullElse(have.getMetadata().getLabels(), Map.of()));
    labels.putAll(want.getMetadata().getLabels());
    next.getMetadata().setLabels(labels);
    Map<String, String> annotations =
        new HashMap<>(Objects.requireNonNullElse(have.getMetadata().getAnnotations(), Map.of()));
    annotations.putAll(want.getMetadata().getAnnotations());
    next.getMetadata().setAnnotations(annotations);
    List<OwnerReference> owners = new ArrayList<>(want.getMetadata().getOwnerReferences());
    Objects.requireNonNullElse(have.getMetadata().getOwnerReferences(), List.<OwnerReference>of()).stream()
        .filter(o -> !Boolean.TRUE.equals(o.getController()))
        .forEach(owners::add);
    next.getMetadata().setOwnerReferences(owners);
    LOG.info("updating AppDeployment {}/{} to version {}", have.getMetadata().getNamespace(),
        have.getMetadata().getName(), want.getSpec().getVersion());
    context.resourceOperations().update(next, appDeployments);
  }

  private int prune(GitOpsSource source, DesiredState desired, Map<String, AppDeployment> existing,
      Context<GitOpsSource> context) {
    Set<String> wanted = desired.names().collect(Collectors.toSet());
    Set<String> keepNames = desired.protectedNames();
    Set<String> keepFolders = desired.protectedFolders();
    List<AppDeployment> stale = existing.values().stream()
        .filter(app -> !app.isMarkedForDeletion())
        .filter(app -> !wanted.contains(app.getMetadata().getName()))
        .filter(app -> !keepNames.contains(app.getMetadata().getName()))
        .filter(app -> specFile(app) == null || !keepFolders.contains(DesiredState.folderOf(specFile(app))))
        .toList();
    DependencyOrder.Result<AppDeployment> byDependency = DependencyOrder.of(stale, app -> app.getMetadata().getName(),
        app -> Objects.requireNonNullElse(app.getSpec().getDependsOn(), List.<String>of()));
    // Dependents first; apps on a dependsOn cycle (only possible if edited by hand) go first of all.
    List<AppDeployment> order = new ArrayList<>(byDependency.ordered());
    Collections.reverse(order);
    order.addAll(0, byDependency.left().values());
    for (AppDeployment app : order) {
      LOG.info("pruning AppDeployment {}/{}: its app is no longer in git", app.getMetadata().getNamespace(),
          app.getMetadata().getName());
      context.getClient().resource(app).delete();
      metrics.appAction(OperatorMetrics.ACTION_PRUNE, true);
      events.normal(source, "Pruned", "deleted AppDeployment " + app.getMetadata().getName()
          + ": its folder is no longer in git");
    }
    return order.size();
  }

  private static boolean matches(AppDeployment have, AppDeployment want) {
    return JsonContent.same(have.getSpec(), want.getSpec())
        && Objects.equals(label(have), label(want))
        && Objects.equals(specFile(have), specFile(want))
        && have.getMetadata().getOwnerReferences() != null
        && have.getMetadata().getOwnerReferences().containsAll(want.getMetadata().getOwnerReferences());
  }

  private static String label(AppDeployment app) {
    var labels = app.getMetadata().getLabels();
    return labels == null ? null : labels.get(Api.SOURCE_LABEL);
  }

  private static String specFile(AppDeployment app) {
    var annotations = app.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.SPEC_FILE_ANNOTATION);
  }

  private static boolean controlledBy(AppDeployment app, GitOpsSource source) {
    return app.getMetadata().getOwnerReferences() != null && app.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && source.getMetadata().getUid().equals(o.getUid()));
  }

  private static AppDeployment withOwner(AppDeployment app, GitOpsSource source) {
    app.getMetadata().setNamespace(source.getMetadata().getNamespace());
    app.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
        .withApiVersion(source.getApiVersion())
        .withKind(source.getKind())
        .withName(source.getMetadata().getName())
        .withUid(source.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build()));
    return app;
  }
}
