package io.bcgitops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident set (VmRSS): the memory it really holds, which is what a pod's memory limit counts. */
final class ResidentMemory {
  private ResidentMemory() {
  }

  static long bytesOf(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status: is the process gone?");
  }
}
