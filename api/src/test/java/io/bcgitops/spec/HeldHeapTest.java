package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.FieldLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a source's desired state keeps of the heap, measured in a JVM of its own. The review of
 * issue 12: specs of 1 MiB of env entries took about 13 MiB of heap each once parsed (15 of them,
 * within the read budget, 191 MiB for one source), and the operator keeps every source's. The
 * validator's caps make such specs invalid apps, which keep next to nothing; the most a valid
 * revision can keep (1000 apps at every cap) is bounded, and never more than its heldBytes say,
 * which the operator counts against BCGITOPS_MAX_NAMESPACE_APP_BYTES.
 */
class HeldHeapTest {
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;

  private record Kept(long retained, long held, int valid, int invalid) {
  }

  @Test
  void specsOfOneMebibyteOfEnvKeepNothing() throws Exception {
    for (int i = 0; i < 3; i++) {
      StringBuilder spec = new StringBuilder(RepoFiles.yaml("env-" + i, "env:"));
      for (int e = 0; spec.length() < 1_000_000; e++) {
        spec.append("  E").append(e).append(": v\n");
      }
      write("env-" + i, spec.toString());
    }

    List<Kept> kept = measure(3);

    for (Kept source : kept) {
      assertEquals(3, source.invalid(), source.toString());
      assertTrue(source.retained() < MIB, "one source kept " + source.retained() / 1024 + " KiB");
    }
    System.out.printf("3 specs of 1 MiB of env entries: %d KiB kept per source (before the caps: 28 MiB)%n",
        kept.get(1).retained() / 1024);
  }

  @Test
  void aRevisionAtEveryLimitKeepsNoMoreThanItsHeldBytes() throws Exception {
    for (int i = 0; i < 1000; i++) {
      List<String> lines = new ArrayList<>(List.of("isolation: vm", "env:"));
      for (int e = 0; e < FieldLimits.MAX_ENV; e++) {
        lines.add("  E" + e + ": v");
      }
      lines.add("args:");
      for (int a = 0; a < FieldLimits.MAX_ARGS; a++) {
        lines.add("- a");
      }
      lines.addAll(List.of("vm_config:", "  extra_args:"));
      for (int a = 0; a < FieldLimits.MAX_ARGS; a++) {
        lines.add("  - a");
      }
      lines.addAll(List.of("health:", "  type: custom", "  command:"));
      for (int a = 0; a < FieldLimits.MAX_ARGS; a++) {
        lines.add("  - a");
      }
      lines.add("depends_on:");
      for (int d = 0; d < FieldLimits.MAX_DEPENDS_ON; d++) {
        lines.add("- other-" + d);
      }
      write("app-" + i, RepoFiles.yaml("app-" + i, lines.toArray(String[]::new)));
    }

    List<Kept> kept = measure(2);

    for (Kept source : kept) {
      assertEquals(1000, source.valid(), source.toString());
      assertTrue(source.retained() <= source.held(), "kept " + source.retained() / 1024 + " KiB, counted "
          + source.held() / 1024 + " KiB");
      assertTrue(source.retained() < 40 * MIB, "kept " + source.retained() / MIB + " MiB");
    }
    System.out.printf("1000 apps at every cap (%d KiB of specs): %d MiB kept per source, counted as %d MiB%n",
        Files.size(dir.resolve("apps/app-0/app.yaml")) * 1000 / 1024, kept.get(1).retained() / MIB,
        kept.get(1).held() / MIB);
  }

  private void write(String app, String content) throws IOException {
    Path file = dir.resolve("apps").resolve(app).resolve("app.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Scans the folder as {@code sources} sources in a JVM of its own, and reads what each kept. */
  private List<Kept> measure(int sources) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), HeldHeap.class.getName(),
        dir.toString(), String.valueOf(sources));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, process.exitValue(), output);
    List<Kept> kept = new ArrayList<>();
    for (String line : output.lines().filter(l -> l.startsWith("retained ")).toList()) {
      String[] words = line.split(" ");
      kept.add(new Kept(Long.parseLong(words[1]), Long.parseLong(words[3]), Integer.parseInt(words[5]),
          Integer.parseInt(words[7])));
    }
    assertEquals(sources, kept.size(), output);
    return kept;
  }
}
