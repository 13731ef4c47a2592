package io.bcgitops.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the desired state from a GitOps repository on disk: {@code <root>/<path>/<dir>/app.yaml},
 * one folder per app (DESIGN.md section 2). Nothing here knows about Kubernetes.
 */
public final class GitOpsRepository {
  /** In each folder the first of these that exists is the app's spec (bc_gitops order). */
  public static final List<String> SPEC_FILE_NAMES =
      List.of("app.yaml", "app.yml", "app.json", "config.yaml", "config.yml", "config.json");
  public static final long MAX_SPEC_BYTES = 1L << 20;

  private final AppSpecParser parser = new AppSpecParser();
  private final SpecValidator validator = new SpecValidator();

  /**
   * Scans the app folders under {@code path} of the repository at {@code root}.
   *
   * @throws PathNotFoundException when the path is missing, not a folder, or leaves the repository
   */
  public DesiredState scan(Path root, String path) throws PathNotFoundException, IOException {
    Path realRoot = root.toRealPath();
    String relative = path == null || path.isBlank() ? "." : path;
    Path appsDir = realRoot.resolve(relative).normalize();
    if (Path.of(relative).isAbsolute() || !appsDir.startsWith(realRoot)) {
      throw new PathNotFoundException("path '" + relative + "' is outside the repository");
    }
    if (!Files.isDirectory(appsDir)) {
      throw new PathNotFoundException("path '" + relative + "' does not exist in the repository");
    }
    if (!appsDir.toRealPath().startsWith(realRoot)) {
      throw new PathNotFoundException("path '" + relative + "' is a symlink that leaves the repository");
    }
    List<ParsedApp> valid = new ArrayList<>();
    List<InvalidSpec> invalid = new ArrayList<>();
    List<Path> folders;
    try (Stream<Path> entries = Files.list(appsDir)) {
      folders = entries.filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(Files::isDirectory)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
    for (Path folder : folders) {
      readFolder(realRoot, folder, valid, invalid);
    }
    rejectDuplicateNames(valid, invalid);
    List<ParsedApp> ordered = orderRejectingCycles(valid, invalid);
    invalid.sort(Comparator.comparing(InvalidSpec::file));
    return new DesiredState(ordered, List.copyOf(invalid));
  }

  private void readFolder(Path root, Path folder, List<ParsedApp> valid, List<InvalidSpec> invalid) throws IOException {
    String folderName = display(root, folder);
    if (!folder.toRealPath().startsWith(root)) {
      invalid.add(InvalidSpec.of(folderName + "/", null, "the folder is a symlink that leaves the repository"));
      return;
    }
    Path specFile = SPEC_FILE_NAMES.stream().map(folder::resolve)
        .filter(f -> Files.exists(f, LinkOption.NOFOLLOW_LINKS)).findFirst().orElse(null);
    if (specFile == null) {
      return;
    }
    String file = display(root, specFile);
    Path real;
    try {
      real = specFile.toRealPath();
    } catch (IOException e) {
      invalid.add(InvalidSpec.of(file, null, "the file is a symlink to a file that does not exist"));
      return;
    }
    if (!real.startsWith(root)) {
      invalid.add(InvalidSpec.of(file, null, "the file is a symlink that leaves the repository"));
      return;
    }
    if (!Files.isRegularFile(real)) {
      invalid.add(InvalidSpec.of(file, null, "not a regular file"));
      return;
    }
    long size = Files.size(real);
    if (size > MAX_SPEC_BYTES) {
      invalid.add(InvalidSpec.of(file, null, String.format(Locale.ROOT,
          "the file is %.1f MiB; a spec file may be at most 1 MiB", size / (double) MAX_SPEC_BYTES)));
      return;
    }
    try {
      AppSpec spec = parser.parse(specFile.getFileName().toString(), Files.readAllBytes(real));
      List<String> errors = validator.validate(spec);
      if (errors.isEmpty()) {
        valid.add(new ParsedApp(spec, file));
      } else {
        String name = SpecValidator.isDnsLabel(spec.name()) ? spec.name() : null;
        invalid.add(InvalidSpec.of(file, name, String.join("; ", errors)));
      }
    } catch (InvalidSpecException e) {
      invalid.add(InvalidSpec.of(file, e.declaredName(), e.getMessage()));
    }
  }

  private static void rejectDuplicateNames(List<ParsedApp> valid, List<InvalidSpec> invalid) {
    Map<String, List<ParsedApp>> byName = valid.stream()
        .collect(Collectors.groupingBy(ParsedApp::name, LinkedHashMap::new, Collectors.toList()));
    byName.values().stream().filter(same -> same.size() > 1).forEach(same -> {
      for (ParsedApp app : same) {
        String others = same.stream().filter(o -> o != app).map(ParsedApp::file).collect(Collectors.joining(", "));
        invalid.add(InvalidSpec.of(app.file(), app.name(), "name '" + app.name() + "' is also declared by " + others
            + "; app names must be unique"));
        valid.remove(app);
      }
    });
  }

  /**
   * Orders apps so that each comes after the apps it depends on (ties by name, for stable output),
   * and rejects every app on a dependsOn cycle among them, naming the cycle.
   */
  private static List<ParsedApp> orderRejectingCycles(List<ParsedApp> apps, List<InvalidSpec> invalid) {
    DependencyOrder.Result<ParsedApp> first = order(apps);
    Map<String, ParsedApp> left = first.left();
    if (left.isEmpty()) {
      return first.ordered();
    }
    // What Kahn's algorithm leaves is on a cycle or waits for an app on one.
    Map<String, ParsedApp> notOnCycle = new HashMap<>(left);
    for (ParsedApp app : left.values()) {
      List<String> cycle = pathBackTo(app.name(), left);
      if (cycle != null) {
        invalid.add(new InvalidSpec(app.file(), app.name(), "dependency cycle: " + String.join(" -> ", cycle)
            + "; an app cannot wait for itself", true));
        notOnCycle.remove(app.name());
      }
    }
    DependencyOrder.Result<ParsedApp> rest = order(notOnCycle.values());
    if (!rest.left().isEmpty()) {
      throw new IllegalStateException("apps left after removing cycles: " + rest.left().keySet());
    }
    List<ParsedApp> ordered = new ArrayList<>(first.ordered());
    ordered.addAll(rest.ordered());
    return List.copyOf(ordered);
  }

  private static DependencyOrder.Result<ParsedApp> order(Collection<ParsedApp> apps) {
    return DependencyOrder.of(apps, ParsedApp::name, app -> app.spec().dependencies());
  }

  /** The shortest dependsOn path from an app back to itself, as names; null when there is none. */
  private static List<String> pathBackTo(String start, Map<String, ParsedApp> apps) {
    Map<String, String> cameFrom = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      for (String dependency : apps.get(name).spec().dependencies()) {
        if (dependency.equals(start)) {
          LinkedList<String> path = new LinkedList<>(List.of(start));
          for (String at = name; at != null; at = cameFrom.get(at)) {
            path.addFirst(at);
          }
          return path;
        }
        if (apps.containsKey(dependency) && !cameFrom.containsKey(dependency)) {
          cameFrom.put(dependency, name);
          queue.add(dependency);
        }
      }
    }
    return null;
  }

  private static String display(Path root, Path file) {
    return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }
}
