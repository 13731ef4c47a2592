package io.bcgitops.cli;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code get} tree: each GitOpsSource, its apps, and under each app what runs it (a vm app's
 * pods, an embedded app's runtime pool), with versions, phase, health and, for anything not Ready,
 * why. Apps no source manages come last. ASCII only, so that any terminal shows it.
 */
final class SourceTree {
  /** A longer message is cut: a tree line should stay readable; the object's status has it whole. */
  private static final int MESSAGE_WIDTH = 200;

  /** What the tree shows, as read from the cluster. */
  record Snapshot(List<GitOpsSource> sources, List<AppDeployment> apps, List<RuntimePool> pools, List<Pod> pods) {
  }

  private SourceTree() {
  }

  /** The tree; with {@code byNamespace}, one section per namespace. */
  static String render(Snapshot snapshot, boolean byNamespace) {
    TreeSet<String> namespaces = new TreeSet<>();
    snapshot.sources().forEach(s -> namespaces.add(s.getMetadata().getNamespace()));
    snapshot.apps().forEach(a -> namespaces.add(a.getMetadata().getNamespace()));
    StringBuilder text = new StringBuilder();
    for (String namespace : namespaces) {
      if (byNamespace) {
        text.append("namespace ").append(namespace).append('\n');
      }
      renderNamespace(snapshot, namespace, text);
    }
    return text.toString();
  }

  private static void renderNamespace(Snapshot snapshot, String namespace, StringBuilder text) {
    List<AppDeployment> apps = inNamespace(snapshot.apps(), namespace);
    List<GitOpsSource> sources = inNamespace(snapshot.sources(), namespace);
    for (GitOpsSource source : sources) {
      text.append("gitopssource/").append(source.getMetadata().getName()).append("  ").append(sourceState(source))
          .append('\n');
      List<AppDeployment> own = apps.stream().filter(app -> source.getMetadata().getName().equals(sourceOf(app)))
          .toList();
      List<GitOpsSourceStatus.InvalidApp> invalid = source.getStatus() == null ? List.of()
          : source.getStatus().getInvalidApps();
      int children = own.size() + invalid.size();
      int index = 0;
      for (AppDeployment app : own) {
        appBranch(app, snapshot, namespace, ++index == children, "", text);
      }
      for (GitOpsSourceStatus.InvalidApp bad : invalid) {
        text.append(++index == children ? "`-- " : "|-- ").append("invalid ").append(bad.getFile()).append(": ")
            .append(shorten(bad.getError())).append('\n');
      }
    }
    List<String> sourceNames = sources.stream().map(s -> s.getMetadata().getName()).toList();
    List<AppDeployment> unmanaged = apps.stream().filter(app -> !sourceNames.contains(sourceOf(app))).toList();
    if (!unmanaged.isEmpty()) {
      text.append("apps without a GitOpsSource here\n");
      for (int i = 0; i < unmanaged.size(); i++) {
        appBranch(unmanaged.get(i), snapshot, namespace, i == unmanaged.size() - 1, "", text);
      }
    }
  }

  private static void appBranch(AppDeployment app, Snapshot snapshot, String namespace, boolean last,
      String indent, StringBuilder text) {
    text.append(indent).append(last ? "`-- " : "|-- ").append("appdeployment/").append(app.getMetadata().getName())
        .append("  ").append(appState(app)).append('\n');
    String under = indent + (last ? "    " : "|   ");
    List<String> runs = new ArrayList<>();
    if (app.getSpec() != null && app.getSpec().getIsolation() == Isolation.vm) {
      inNamespace(snapshot.pods(), namespace).stream()
          .filter(pod -> app.getMetadata().getName().equals(label(pod, Api.APP_LABEL)))
          .forEach(pod -> runs.add("pod/" + pod.getMetadata().getName() + "  " + podState(pod)));
      if (runs.isEmpty()) {
        runs.add("no pod");
      }
    } else if (app.getSpec() != null) {
      String pool = Objects.requireNonNullElse(app.getSpec().getRuntime(), "default");
      RuntimePool found = inNamespace(snapshot.pools(), namespace).stream()
          .filter(p -> p.getMetadata().getName().equals(pool)).findFirst().orElse(null);
      runs.add("runtimepool/" + pool + "  " + poolState(found, app));
    }
    for (int i = 0; i < runs.size(); i++) {
      text.append(under).append(i == runs.size() - 1 ? "`-- " : "|-- ").append(runs.get(i)).append('\n');
    }
  }

  /** "revision main@sha1:1a2b3c4  Ready  2/3 apps ready", or why it is not Ready. */
  static String sourceState(GitOpsSource source) {
    GitOpsSourceStatus status = source.getStatus();
    List<String> parts = new ArrayList<>();
    if (source.getSpec() != null && source.getSpec().isSuspend()) {
      parts.add("suspended");
    }
    if (status == null || status.getConditions().isEmpty()) {
      parts.add("not reconciled yet");
      return String.join("  ", parts);
    }
    parts.add("revision " + (status.getArtifact() == null ? "-" : status.getArtifact().getShortRevision()));
    parts.add(readiness(status.getConditions()));
    parts.add(status.getReadyCount() + "/" + status.getAppCount() + " apps ready");
    return String.join("  ", parts);
  }

  /** "1.2.0  vm  Running  healthy  Ready", with the version it still runs when that is another. */
  static String appState(AppDeployment app) {
    AppDeploymentStatus status = app.getStatus();
    List<String> parts = new ArrayList<>();
    String wanted = app.getSpec() == null ? null : app.getSpec().getVersion();
    String deployed = status == null ? null : status.getDeployedVersion();
    parts.add(Objects.requireNonNullElse(wanted, "-")
        + (deployed != null && !deployed.equals(wanted) ? " (runs " + deployed + ")" : ""));
    parts.add(app.getSpec() == null || app.getSpec().getIsolation() == null ? "-"
        : app.getSpec().getIsolation().name());
    if (app.getSpec() != null && app.getSpec().isSuspend()) {
      parts.add("suspended");
    }
    parts.add(status == null || status.getPhase() == null ? "Pending" : status.getPhase().name());
    parts.add(status == null || status.getHealth() == null ? "unknown" : status.getHealth().name());
    parts.add(status == null ? "not reconciled yet" : readiness(status.getConditions()));
    return String.join("  ", parts);
  }

  /** "Ready", or "not Ready: Reason: message". */
  static String readiness(List<Condition> conditions) {
    Condition ready = Conditions.find(conditions, Conditions.READY);
    if (ready == null) {
      return "not reconciled yet";
    }
    if ("True".equals(ready.getStatus())) {
      return "Ready";
    }
    return "not Ready: " + ready.getReason() + ": " + shorten(ready.getMessage());
  }

  private static String podState(Pod pod) {
    List<ContainerStatus> containers = pod.getStatus() == null ? List.of() : pod.getStatus().getContainerStatuses();
    long ready = containers.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count();
    int restarts = containers.stream().mapToInt(c -> Objects.requireNonNullElse(c.getRestartCount(), 0)).sum();
    String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending"
        : pod.getStatus().getPhase();
    // A container waiting says more than the phase (CrashLoopBackOff, ImagePullBackOff).
    String waiting = containers.stream().filter(c -> c.getState() != null && c.getState().getWaiting() != null)
        .map(c -> c.getState().getWaiting().getReason()).filter(Objects::nonNull).findFirst().orElse(null);
    return (waiting == null ? phase : waiting) + "  " + ready + "/" + containers.size() + " ready  "
        + restarts + (restarts == 1 ? " restart" : " restarts");
  }

  private static String poolState(RuntimePool pool, AppDeployment app) {
    if (pool == null) {
      return "not found";
    }
    String pod = app.getStatus() != null && app.getStatus().getNode() != null ? app.getStatus().getNode()
        : pool.getStatus() == null ? null : pool.getStatus().getPod();
    return (pod == null ? "no pod" : "pod " + pod) + "  "
        + (pool.getStatus() == null ? "not reconciled yet" : readiness(pool.getStatus().getConditions()));
  }

  private static String sourceOf(AppDeployment app) {
    return label(app, Api.SOURCE_LABEL);
  }

  private static String label(HasMetadata object, String key) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private static <T extends HasMetadata> List<T> inNamespace(List<T> objects, String namespace) {
    return objects.stream().filter(o -> namespace.equals(o.getMetadata().getNamespace()))
        .sorted(Comparator.comparing(o -> o.getMetadata().getName())).collect(Collectors.toList());
  }

  static String shorten(String message) {
    String text = Objects.requireNonNullElse(message, "").replaceAll("\\s*\\R\\s*", " ");
    return text.length() <= MESSAGE_WIDTH ? text : text.substring(0, MESSAGE_WIDTH - 3) + "...";
  }
}
