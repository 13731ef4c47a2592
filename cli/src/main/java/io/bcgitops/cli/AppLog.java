package io.bcgitops.cli;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where an app's output is: the container of the pods a label selects (a vm app's own pods, or its
 * runtime pool's), and which of their lines are the app's.
 *
 * @param labelKey the label that selects the pods
 * @param labelValue its value
 * @param container the container whose log it is
 * @param keep the lines that are the app's; null for every line
 * @param headerNote what the header says after the pod's name (empty for none)
 * @param what the pods' owner, for messages ("appdeployment/web", "runtime pool default")
 */
record AppLog(String labelKey, String labelValue, String container, Predicate<String> keep, String headerNote,
    String what) {

  /** A log that is open, the header its lines print under, and how many of its first lines are printed already. */
  record Opened(InputStream in, String header, long printed) {
  }

  /** "==> pod/web-1 <==", with the container's restarts when it has restarted (its log is the current run's). */
  String header(Pod pod) {
    int restarts = status(pod).map(ContainerStatus::getRestartCount).orElse(0);
    return "==> pod/" + pod.getMetadata().getName() + (restarts > 0 ? ", restart " + restarts : "") + headerNote
        + " <==";
  }

  /** Whether the container has started (running, or ended): only then has it a log. */
  boolean started(Pod pod) {
    return status(pod).map(ContainerStatus::getState)
        .map(state -> state.getRunning() != null || state.getTerminated() != null).orElse(false);
  }

  /** Which run of the container the pod's status describes: the pod (a name may be used again) and its restarts. */
  String run(Pod pod) {
    return pod.getMetadata().getName() + "/" + pod.getMetadata().getUid() + "#"
        + status(pod).map(ContainerStatus::getRestartCount).orElse(0);
  }

  private Optional<ContainerStatus> status(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return statuses == null ? Optional.empty()
        : statuses.stream().filter(s -> container.equals(s.getName())).findFirst();
  }

  /**
   * Opens the pod's log as {@code request} says and prints its header. Where only some lines are the app's
   * and only the last of them are asked for, the server's tail (which counts every line) cannot pick them:
   * the log is read once and its last lines of the app's printed, and, when following, opened again
   * with those lines counted, to be skipped. Null when nothing is left to read.
   */
  Opened open(Cluster cluster, Pod pod, LogRequest request, LogPrinter printer, PrintStream err)
      throws CommandFailure, InterruptedException {
    String header = header(pod);
    String name = pod.getMetadata().getName();
    if (keep == null || request.tailLines() == null) {
      InputStream in = ContainerLog.open(cluster, name, keep == null ? request : request.withoutTail());
      printer.begin(header);
      return new Opened(in, header, 0);
    }
    LastLines last = new LastLines(request.tailLines());
    LogRequest whole = request.withoutTail();
    long read = 0;
    try (InputStream in = ContainerLog.open(cluster, name, whole.following(false))) {
      printer.begin(header);
      LineReader lines = new LineReader(in);
      for (String line = lines.next(); line != null; line = lines.next()) {
        read++;
        if (keep.test(line)) {
          last.add(line);
        }
      }
    } catch (IOException e) {
      throw new CommandFailure(1, "the log of pod/" + name + " was cut off: " + e.getMessage());
    }
    if (last.cut()) {
      err.println("logs: --tail " + request.tailLines() + ": the last " + last.lines().size() + " lines only (at most "
          + LastLines.MAX_CHARS / (1024 * 1024) + " MiB of lines are kept)");
    }
    for (String line : last.lines()) {
      if (!printer.line(header, line)) {
        return null;
      }
    }
    return request.follow() ? new Opened(ContainerLog.open(cluster, name, whole), header, read) : null;
  }

  /** Prints the app's lines of an open log until it ends or the output is closed; closes it. */
  void print(Opened opened, LogPrinter printer) throws IOException {
    try (InputStream in = opened.in()) {
      LineReader lines = new LineReader(in);
      long skip = opened.printed();
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (skip > 0) {
          skip--;
        } else if ((keep == null || keep.test(line)) && !printer.line(opened.header(), line)) {
          return;
        }
      }
    }
  }
}
