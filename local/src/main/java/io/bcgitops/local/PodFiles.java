package io.bcgitops.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod's folder on this machine: one subfolder per volume (emptyDir), and a log per container.
 * Paths a container sees at its mount points are mapped onto those subfolders.
 */
record PodFiles(Path dir) {
  /** Kubernetes keeps the end of the log as the termination message of a failed container (FallbackToLogsOnError). */
  private static final int MESSAGE_BYTES = 2048;

  /** The folder of a pod that the node whose folder is {@code node} runs. */
  static PodFiles of(Path node, String namespace, String pod) {
    return new PodFiles(node.resolve("pods").resolve(namespace).resolve(pod));
  }

  Path volume(String name) {
    return dir.resolve("volumes").resolve(name);
  }

  Path log(String container) {
    return dir.resolve(container + ".log");
  }

  void create(List<String> volumes) throws IOException {
    for (String volume : volumes) {
      Files.createDirectories(volume(volume));
    }
  }

  /** The arguments with every path under one of the container's mount points mapped onto its volume's folder. */
  List<String> mapPaths(Container container, List<String> args) {
    List<String> mapped = new ArrayList<>(args.size());
    for (String arg : args) {
      String result = arg;
      for (VolumeMount mount : container.getVolumeMounts()) {
        String at = mount.getMountPath();
        if (arg.equals(at) || arg.startsWith(at + "/")) {
          result = volume(mount.getName()) + arg.substring(at.length());
          break;
        }
      }
      mapped.add(result);
    }
    return mapped;
  }

  /** The end of a container's log, as a termination message. */
  String logTail(String container) {
    Path log = log(container);
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - MESSAGE_BYTES);
      byte[] tail = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
