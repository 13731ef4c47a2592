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
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Makes a source's AppDeployments match its desired state: creates and updates in dependency
 * order (a few at once, an app only after those it depends on), prunes in reverse. Writes only what differs, with optimistic locking (update, never
 * server-side apply), so an unchanged state costs no request. Every read and write of the
 * AppDeployments goes through the client of the source's account ({@link SourceAccount}): the
 * API server's RBAC decides what a tenant's repository may do, and a refusal (403) is reported,
 * not retried.
 */
final class AppDeploymentApplier {
  private static final Logger LOG = LoggerFactory.getLogger(AppDeploymentApplier.class);

  /**
   * What an apply did; {@code rejected} lists apps the API server or another owner kept us from
   * writing, {@code denied} the writes the account was not allowed (403).
   */
  record Result(int created, int updated, int pruned, List<InvalidApp> rejected, List<Denied> denied) {
    boolean changed() {
      return created + updated + pruned > 0;
    }
  }

  /**
   * A write of AppDeployment {@code app} the API server forbade.
   *
   * @param verb create, update, get or delete
   * @param message the API server's, which names the user, verb and resource
   */
  record Denied(String verb, String app, String message) {
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

  /**
   * @param writer the client of the source's account: every AppDeployment request goes through it
   */
  Result apply(GitOpsSource source, DesiredState desired, Collection<AppDeployment> owned,
      Context<GitOpsSource> context, KubernetesClient writer) {
    Map<String, AppDeployment> existing = new HashMap<>();
    owned.forEach(app -> existing.put(app.getMetadata().getName(), app));
    AtomicInteger created = new AtomicInteger();
    AtomicInteger updated = new AtomicInteger();
    List<ParsedApp> apps = desired.apps();
    // One list per app, joined in the desired order at the end: the same order as one by one.
    List<List<InvalidApp>> rejectedPerApp = new ArrayList<>();
    List<Denied> denied = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Map<String, CompletableFuture<Void>> written = new HashMap<>();
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    for (ParsedApp app : apps) {
      List<InvalidApp> rejected = Collections.synchronizedList(new ArrayList<>());
      rejectedPerApp.add(rejected);
      // desired.apps() is in dependency order: an app is written only once those it depends on are.
      AppDeployment have = existing.get(app.name());
      AppDeployment want = withOwner(DesiredAppDeployments.of(app, source.getMetadata().getName()), source);
      if (have != null && matches(have, want)) {
        continue; // nothing to write (every app, at each interval with nothing new): no task
      }
      CompletableFuture<?>[] dependencies = app.spec().dependencies().stream().map(written::get)
          .filter(Objects::nonNull).toArray(CompletableFuture<?>[]::new);
      Runnable write = () -> {
        if (failed.get() != null) {
          return; // as one by one: nothing more is written after an error the reconcile retries
        }
        if (mdc != null) {
          MDC.setContextMap(mdc);
        }
        try {
          applyOne(app, want, have, source, context, writer, created, updated, rejected, denied);
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        } finally {
          MDC.clear();
        }
      };
      written.put(app.name(), dependencies.length == 0 ? CompletableFuture.runAsync(write, WRITERS)
          : CompletableFuture.allOf(dependencies).thenRunAsync(write, WRITERS));
    }
    CompletableFuture.allOf(written.values().toArray(CompletableFuture<?>[]::new)).join();
    Throwable failure = failed.get();
    if (failure instanceof RuntimeException e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
    List<InvalidApp> rejected = rejectedPerApp.stream().flatMap(List::stream).collect(Collectors.toList());
    int pruned = source.getSpec().isPrune() ? prune(source, desired, existing, writer, denied) : 0;
    return new Result(created.get(), updated.get(), pruned, rejected, List.copyOf(denied));
  }

  /**
   * How many AppDeployments are created or updated at once, over all sources. They are independent
   * objects (but for dependsOn, which is waited for): a few writes in flight keep the API server
   * busy while each waits for its answer.
   */
  static final int CONCURRENCY = 4;

  private static final ExecutorService WRITERS = Executors.newFixedThreadPool(CONCURRENCY, new ThreadFactory() {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "appdeployment-writer-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  });

  /** Creates or updates one app's AppDeployment if it differs; a refusal for good is recorded in {@code rejected}. */
  private void applyOne(ParsedApp app, AppDeployment want, AppDeployment existing, GitOpsSource source,
      Context<GitOpsSource> context, KubernetesClient writer, AtomicInteger created, AtomicInteger updated,
      List<InvalidApp> rejected, List<Denied> denied) {
    AppDeployment have = existing;
    String verb = existing == null ? "create" : "update";
    try {
      if (have == null) {
        have = createOrAdopt(want, source, context, writer, rejected, app.file());
        created.addAndGet(have == null ? 0 : 1);
        metrics.appAction(OperatorMetrics.ACTION_CREATE, have != null);
      } else if (!matches(have, want)) {
        update(have, want, context, writer);
        updated.incrementAndGet();
        metrics.appAction(OperatorMetrics.ACTION_UPDATE, true);
      }
    } catch (KubernetesClientException e) {
      metrics.appAction(existing != null ? OperatorMetrics.ACTION_UPDATE : OperatorMetrics.ACTION_CREATE, false);
      if (deniedByRbac(e)) {
        denied.add(new Denied(verb, app.name(), serverMessage(e)));
        return;
      }
      if (!refusedForGood(e)) {
        throw e;
      }
      // The schema, a CEL rule or an admission webhook refused this app: the others still go ahead.
      rejected.add(new InvalidApp(app.file(), "the API server rejected AppDeployment '" + app.name() + "': "
          + serverMessage(e)));
    }
  }

  /**
   * A 403 of the authorizer (RBAC): 'User "x" cannot create resource ...', also when the operator
   * may not impersonate the account. An admission webhook's refusal is a 403 too, but of one app's
   * content: that is a rejected app, as other 4xx are.
   */
  private static boolean deniedByRbac(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_FORBIDDEN && RBAC_DENIAL.matcher(serverMessage(e)).find();
  }

  private static final java.util.regex.Pattern RBAC_DENIAL = java.util.regex.Pattern.compile("User \"[^\"]*\" cannot ");

  private static String serverMessage(KubernetesClientException e) {
    return e.getStatus() == null || e.getStatus().getMessage() == null ? e.getMessage() : e.getStatus().getMessage();
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
      KubernetesClient writer, List<InvalidApp> rejected, String file) {
    try {
      // Through JOSDK, so that its cache holds the new object at once (the next reconcile sees it).
      return context.resourceOperations().resourcePatch(want, r -> writer.resource(r).create(), appDeployments);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      AppDeployment taken = writer.resources(AppDeployment.class)
          .inNamespace(want.getMetadata().getNamespace()).withName(want.getMetadata().getName()).get();
      if (taken != null && controlledBy(taken, source)) {
        update(taken, want, context, writer);
        return taken;
      }
      rejected.add(new InvalidApp(file, "AppDeployment '" + want.getMetadata().getName()
          + "' already exists and is not managed by this GitOpsSource; delete it or rename the app"));
      return null;
    }
  }

  private void update(AppDeployment have, AppDeployment want, Context<GitOpsSource> context,
      KubernetesClient writer) {
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
    context.resourceOperations().resourcePatch(next, r -> writer.resource(r).update(), appDeployments);
  }

  private int prune(GitOpsSource source, DesiredState desired, Map<String, AppDeployment> existing,
      KubernetesClient writer, List<Denied> denied) {
    List<AppDeployment> stale = DesiredAppDeployments.stale(desired, existing.values());
    // Dependents first (a cycle is only possible if edited by hand).
    List<AppDeployment> order = DependencyOrder.removal(stale, app -> app.getMetadata().getName(),
        app -> app.getSpec().dependencies());
    int pruned = 0;
    for (AppDeployment app : order) {
      LOG.info("pruning AppDeployment {}/{}: its app is no longer in git", app.getMetadata().getNamespace(),
          app.getMetadata().getName());
      try {
        writer.resource(app).delete();
      } catch (KubernetesClientException e) {
        if (!deniedByRbac(e)) {
          throw e;
        }
        denied.add(new Denied("delete", app.getMetadata().getName(), serverMessage(e)));
        metrics.appAction(OperatorMetrics.ACTION_PRUNE, false);
        continue;
      }
      pruned++;
      metrics.appAction(OperatorMetrics.ACTION_PRUNE, true);
      events.normal(source, "Pruned", "deleted AppDeployment " + app.getMetadata().getName()
          + ": its folder is no longer in git");
    }
    return pruned;
  }

  private static boolean matches(AppDeployment have, AppDeployment want) {
    return JsonContent.same(have.getSpec(), want.getSpec())
        && Objects.equals(label(have), label(want))
        && Objects.equals(DesiredAppDeployments.specFile(have), DesiredAppDeployments.specFile(want))
        && have.getMetadata().getOwnerReferences() != null
        && have.getMetadata().getOwnerReferences().containsAll(want.getMetadata().getOwnerReferences());
  }

  private static String label(AppDeployment app) {
    var labels = app.getMetadata().getLabels();
    return labels == null ? null : labels.get(Api.SOURCE_LABEL);
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
