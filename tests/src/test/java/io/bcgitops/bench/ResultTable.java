package io.bcgitops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** The figures of one run as a Markdown table, headed by the date, the machine and the child JVMs' flags. */
final class ResultTable {
  private ResultTable() {
  }

  static String render(List<Figure> figures) {
    StringBuilder out = new StringBuilder()
        .append("Measured ").append(LocalDate.now()).append(" on ").append(machine()).append(".\n")
        .append("Child JVMs: operator and runtime host `").append(String.join(" ", ChildJvm.IN_512MI_POD))
        .append("` (as in their 512Mi containers)").append(ChildJvm.OPERATOR_POD_ENV.isEmpty() ? ""
            : ", the operator with deploy/'s " + ChildJvm.OPERATOR_POD_ENV.entrySet().stream()
                .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(java.util.stream.Collectors.joining(" ")))
        .append(", each separate app `").append(String.join(" ", ChildJvm.VM_APP_256MI))
        .append("` (a vm app with memory_limit 256, scheduler_limit 1).\n\n")
        .append("| Measure | Target | Measured | Met |\n")
        .append("| --- | --- | --- | --- |\n");
    for (Figure figure : figures) {
      out.append("| ").append(figure.measure()).append(" | ").append(figure.target()).append(" | ")
          .append(figure.measured()).append(" | ").append(switch (figure.verdict()) {
            case MET -> "yes";
            case MISSED -> "**no**";
            case NO_TARGET -> "";
          }).append(" |\n");
    }
    return out.toString();
  }

  static void write(Path file, String table) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, table);
  }

  /** "2 cores (model), 23.5 GiB RAM, OpenJDK 64-Bit Server VM 17.0.15+6": what a reader needs to weigh the figures. */
  static String machine() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
        .map(kb -> String.format(Locale.ROOT, "%.1f GiB RAM", Long.parseLong(kb.replace("kB", "").trim()) / 1048576.0))
        .orElse("unknown RAM");
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + ", "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  private static Optional<String> firstValue(Path file, String key) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(line -> line.startsWith(key)).map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
