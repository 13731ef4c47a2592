package io.bcgitops.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the desired state from a GitOps repository: {@code <root>/<path>/<dir>/app.yaml}, one
 * folder per app (DESIGN.md section 2), and nothing else of it. The same code reads a folder on
 * disk and a commit in git ({@link RepositoryTree}), within {@link RepositoryLimits}. Nothing here
 * knows about Kubernetes.
 */
public final class GitOpsRepository {
  /** In each folder the first of these that exists is the app's spec (bc_gitops order). */
  public static final List<String> SPEC_FILE_NAMES =
      List.of("app.yaml", "app.yml", "app.json", "config.yaml", "config.yml", "config.json");
  /** The largest spec file by default (DESIGN.md section 2); {@link RepositoryLimits#specBytes()} sets it. */
  public static final long MAX_SPEC_BYTES = 1L << 20;

  private final AppSpecParser parser = new AppSpecParser();
  private final SpecValidator validator = new SpecValidator();

  /** Scans a repository folder on disk within the default limits. */
  public DesiredState scan(Path root, String path)
      throws PathNotFoundException, RepositoryTooLargeException, IOException {
    return scan(root, path, RepositoryLimits.DEFAULTS);
  }

  /** Scans a repository folder on disk. */
  public DesiredState scan(Path root, String path, RepositoryLimits limits)
      throws PathNotFoundException, RepositoryTooLargeException, IOException {
    return scan(new DirectoryTree(root), path, limits);
  }

  /**
   * Scans the app folders under {@code path} of a repository.
   *
   * @throws PathNotFoundException when the path is missing, not a folder, or leaves the repository
   * @throws RepositoryTooLargeException when reading it would go past a limit; nothing of it is returned
   */
  public DesiredState scan(RepositoryTree tree, String path, RepositoryLimits limits)
      throws PathNotFoundException, RepositoryTooLargeException, IOException {
    String written = path == null || path.isBlank() ? "." : path;
    String appsPath = normalize(written);
    ReadBudget budget = new ReadBudget(limits);
    RepositoryTree.Node apps = tree.resolve(appsPath, budget);
    if (apps.kind() == RepositoryTree.Kind.OUTSIDE) {
      throw new PathNotFoundException("path '" + written + "' is a symlink that leaves the repository");
    }
    if (apps.kind() == RepositoryTree.Kind.FILE) {
      throw new PathNotFoundException("path '" + written + "' is a file, not a folder of apps");
    }
    if (apps.kind() == RepositoryTree.Kind.OTHER) {
      throw new PathNotFoundException("path '" + written + "' is neither a folder nor a file (a git submodule?),"
          + " not a folder of apps");
    }
    if (apps.kind() != RepositoryTree.Kind.FOLDER) {
      throw new PathNotFoundException("path '" + written + "' does not exist in the repository");
    }
    List<String> folders = tree.list(apps, budget).stream().filter(name -> !name.startsWith("."))
        .sorted().toList();
    List<ParsedApp> valid = new ArrayList<>();
    List<InvalidSpec> invalid = new ArrayList<>();
    int specFiles = 0;
    for (String name : folders) {
      String folder = appsPath.isEmpty() ? name : appsPath + "/" + name;
      RepositoryTree.Node node = tree.resolve(folder, budget);
      if (node.kind() == RepositoryTree.Kind.OUTSIDE) {
        invalid.add(InvalidSpec.of(folder + "/", null, "a symlink that leaves the repository, where an app folder"
            + " must be inside it"));
      } else if (node.kind() == RepositoryTree.Kind.FOLDER && readFolder(tree, folder, budget, valid, invalid)) {
        if (++specFiles > limits.apps().value()) {
          throw new RepositoryTooLargeException("path '" + written + "' holds more than " + limits.apps().amount()
              + " apps, the limit " + limits.apps().setting() + " sets");
        }
      }
    }
    rejectDuplicateNames(valid, invalid);
    List<ParsedApp> ordered = orderRejectingCycles(valid, invalid);
    invalid.sort(Comparator.comparing(InvalidSpec::file));
    long held = held(ordered, invalid);
    return new DesiredState(ordered, List.copyOf(invalid), held);
  }

  /**
   * The path as written, relative to the root without "." and "..": "./deploy/prod/" is
   * "deploy/prod", "." is "".
   */
  private static String normalize(String written) throws PathNotFoundException {
    if (written.startsWith("/") || written.startsWith("\\") || written.matches("[A-Za-z]:.*")) {
      throw new PathNotFoundException("path '" + written + "' is outside the repository");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : written.replace('\\', '/').split("/")) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new PathNotFoundException("path '" + written + "' is outside the repository");
        }
        parts.removeLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /** Reads one app folder's spec file, if it has one; returns whether it had one. */
  private boolean readFolder(RepositoryTree tree, String folder, ReadBudget budget, List<ParsedApp> valid,
      List<InvalidSpec> invalid) throws IOException, RepositoryTooLargeException {
    RepositoryTree.Node spec = null;
    String file = null;
    for (String name : SPEC_FILE_NAMES) {
      file = folder + "/" + name;
      spec = tree.resolve(file, budget);
      if (spec.kind() != RepositoryTree.Kind.MISSING) {
        break;
      }
    }
    switch (spec.kind()) {
      case MISSING:
        return false;
      case DANGLING:
        invalid.add(InvalidSpec.of(file, null, "the file is a symlink to a file that does not exist"));
        return true;
      case OUTSIDE:
        invalid.add(InvalidSpec.of(file, null, "the file is a symlink that leaves the repository"));
        return true;
      case FOLDER:
      case OTHER:
        invalid.add(InvalidSpec.of(file, null, "not a regular file"));
        return true;
      default:
        break;
    }
    Limit maxSize = budget.limits().specBytes();
    if (spec.size() > maxSize.value()) {
      invalid.add(InvalidSpec.of(file, null, "the file is " + Limit.size(spec.size()) + "; a spec file may be at"
          + " most " + maxSize.amount() + " (" + maxSize.setting() + ")"));
      return true;
    }
    budget.bytes(spec.size(), file);
    try {
      AppFile parsed = parser.parse(file.substring(file.lastIndexOf('/') + 1), tree.read(spec));
      List<String> errors = validator.validate(parsed);
      if (errors.isEmpty()) {
        parsed.complete();
        valid.add(new ParsedApp(parsed, file, heldBytes(spec.size(), parsed)));
      } else {
        String name = SpecValidator.isDnsLabel(parsed.getName()) ? parsed.getName() : null;
        invalid.add(InvalidSpec.of(file, name, String.join("; ", errors)));
      }
    } catch (InvalidSpecException e) {
      invalid.add(InvalidSpec.of(file, e.declaredName(), e.getMessage()));
    }
    return true;
  }

  /** Bytes counted for each app kept, whatever it holds: its records and the strings of its fields. */
  static final long APP_BYTES = 1024;
  /** Bytes counted for each env variable kept: a map entry and two strings. */
  static final long ENV_ENTRY_BYTES = 160;
  /** Bytes counted for each entry of a list kept (args, extraArgs, health.command, dependsOn): a string. */
  static final long LIST_ENTRY_BYTES = 64;

  /**
   * About what a valid app takes of the heap once parsed (an upper bound, checked against the heap
   * measured on specs at the validator's limits): twice its file's bytes (a byte of the file
   * becomes at most two of a string, which is UTF-16 once it holds a character beyond Latin-1;
   * YAML aliases are not expanded), and the objects its env and lists become, which for a spec of
   * short entries are ten times its bytes.
   */
  public static long heldBytes(long fileBytes, AppFile spec) {
    long lists = size(spec.getArgs()) + size(spec.dependencies())
        + (spec.getHealth() == null ? 0 : size(spec.getHealth().getCommand()))
        + (spec.getVmConfig() == null ? 0 : size(spec.getVmConfig().getExtraArgs()));
    return APP_BYTES + 2 * fileBytes + ENV_ENTRY_BYTES * (spec.getEnv() == null ? 0 : spec.getEnv().size())
        + LIST_ENTRY_BYTES * lists;
  }

  private static long size(List<String> list) {
    return list == null ? 0 : list.size();
  }

  private static long held(List<ParsedApp> valid, List<InvalidSpec> invalid) {
    long held = valid.stream().mapToLong(ParsedApp::heldBytes).sum();
    for (InvalidSpec spec : invalid) {
      held += APP_BYTES + 2L * (spec.file().length() + spec.error().length());
    }
    return held;
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
    DependencyOrder.Creation<ParsedApp> order =
        DependencyOrder.creation(apps, ParsedApp::name, app -> app.spec().dependencies());
    order.cycles().forEach((app, cycle) -> invalid.add(new InvalidSpec(app.file(), app.name(), "dependency cycle: "
        + String.join(" -> ", cycle) + "; an app cannot wait for itself", true)));
    return order.ordered();
  }
}
