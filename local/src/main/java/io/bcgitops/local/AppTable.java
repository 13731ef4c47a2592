package io.bcgitops.local;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.text.Columns;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live table local mode prints: each GitOpsSource (revision, Ready) and each app (name,
 * version, isolation, phase, health, and why it is not Ready), printed again whenever any of it
 * changes. Changes that come together (a commit touching several apps) are printed once.
 */
public final class AppTable implements AutoCloseable {
  private static final long SETTLE_MILLIS = 300;
  private static final int MESSAGE_WIDTH = 72;

  private final KubernetesClient client;
  private final PrintStream out;
  private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(
      Threads.daemons("local-table"));
  private SharedIndexInformer<AppDeployment> apps;
  private SharedIndexInformer<GitOpsSource> sources;
  private ScheduledFuture<?> pending;
  private String last = "";

  public AppTable(KubernetesClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  public void start() {
    apps = client.resources(AppDeployment.class).inAnyNamespace().inform(onChange());
    sources = client.resources(GitOpsSource.class).inAnyNamespace().inform(onChange());
  }

  /** Stops printing; also when it never started. */
  @Override
  public void close() {
    if (apps != null) {
      apps.close();
    }
    if (sources != null) {
      sources.close();
    }
    printer.shutdownNow();
  }

  /** The table as it is now. */
  String render() {
    StringBuilder text = new StringBuilder();
    sources.getStore().list().stream().sorted(Comparator.comparing(s -> s.getMetadata().getName()))
        .forEach(source -> text.append(sourceLine(source)).append('\n'));
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "VERSION", "ISOLATION", "PHASE", "HEALTH", "MESSAGE"));
    apps.getStore().list().stream()
        .sorted(Comparator.comparing((AppDeployment a) -> a.getMetadata().getNamespace())
            .thenComparing(a -> a.getMetadata().getName()))
        .forEach(app -> rows.add(row(app)));
    if (rows.size() == 1) {
      text.append("  no apps\n");
    } else {
      Columns.of(rows).forEach(line -> text.append("  ").append(line).append('\n'));
    }
    return text.toString();
  }

  private static String sourceLine(GitOpsSource source) {
    var status = source.getStatus();
    Condition ready = status == null ? null : Conditions.find(status.getConditions(), Conditions.READY);
    String revision = status == null || status.getArtifact() == null ? "-" : status.getArtifact().getShortRevision();
    String state = ready == null ? "Unknown" : ready.getStatus() + " (" + ready.getReason() + ")";
    return "source " + source.getMetadata().getName() + "  revision " + revision + "  ready " + state
        + (ready == null || "True".equals(ready.getStatus()) ? "" : "  " + shorten(ready.getMessage()));
  }

  private static List<String> row(AppDeployment app) {
    var status = app.getStatus();
    Condition ready = status == null ? null : Conditions.find(status.getConditions(), Conditions.READY);
    // A spec the operator cannot read has neither (its message says why).
    return List.of(app.getMetadata().getName(), Objects.requireNonNullElse(app.getSpec().getVersion(), "-"),
        app.getSpec().getIsolation() == null ? "-" : app.getSpec().getIsolation().name(),
        status == null || status.getPhase() == null ? "Pending" : status.getPhase().name(),
        status == null || status.getHealth() == null ? "unknown" : status.getHealth().name(),
        ready == null || "True".equals(ready.getStatus()) ? "" : shorten(ready.getMessage()));
  }

  private static String shorten(String message) {
    String text = Objects.requireNonNullElse(message, "").replace('\n', ' ');
    return text.length() <= MESSAGE_WIDTH ? text : text.substring(0, MESSAGE_WIDTH - 3) + "...";
  }

  private void printIfChanged() {
    String table = render();
    if (!table.equals(last)) {
      last = table;
      out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
      out.print(table);
      out.flush();
    }
  }

  private <T extends HasMetadata> ResourceEventHandler<T> onChange() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        changed();
      }

      @Override
      public void onUpdate(T old, T resource) {
        changed();
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {
        changed();
      }
    };
  }

  private synchronized void changed() {
    if (pending == null || pending.isDone()) {
      pending = printer.schedule(this::printIfChanged, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
