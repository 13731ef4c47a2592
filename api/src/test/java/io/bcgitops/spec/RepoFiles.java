package io.bcgitops.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A GitOps repository written into a temporary folder, one spec file per app folder under apps/. */
public final class RepoFiles {
  private final Path root;

  public RepoFiles(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** A minimal valid YAML spec (maven source), followed by the extra lines given. */
  public static String yaml(String name, String... extraLines) {
    StringBuilder out = new StringBuilder()
        .append("name: ").append(name).append('\n')
        .append("version: \"1.0.0\"\n")
        .append("source:\n")
        .append("  type: maven\n")
        .append("  coordinates: io.example:").append(name).append('\n');
    for (String line : extraLines) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** Writes apps/{folder}/{fileName}. */
  public RepoFiles file(String folder, String fileName, String content) {
    return write("apps/" + folder + "/" + fileName, content);
  }

  /** Writes apps/{name}/app.yaml with a minimal valid spec plus the extra lines. */
  public RepoFiles app(String name, String... extraLines) {
    return file(name, "app.yaml", yaml(name, extraLines));
  }

  /** Writes a file at a path relative to the repository root. */
  public RepoFiles write(String relative, String content) {
    try {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public DesiredState scan() throws Exception {
    return new GitOpsRepository().scan(root, "apps");
  }

  /** The one rejected spec reported for the file, failing when there is none. */
  public static InvalidSpec invalid(DesiredState state, String file) {
    List<InvalidSpec> found = state.invalid().stream().filter(i -> i.file().equals(file)).toList();
    if (found.size() != 1) {
      fail("expected one invalid spec for " + file + " but got " + state.invalid() + "; valid: " + names(state));
    }
    return found.get(0);
  }

  /** The valid app with that name, failing when there is none. */
  public static ParsedApp valid(DesiredState state, String name) {
    return state.apps().stream().filter(a -> a.name().equals(name)).findFirst()
        .orElseGet(() -> fail("expected a valid app '" + name + "' but got " + names(state)
            + "; invalid: " + state.invalid()));
  }

  public static List<String> names(DesiredState state) {
    return state.names().toList();
  }

  /** The file is the only problem, and its error contains every fragment given. */
  public static InvalidSpec onlyProblem(DesiredState state, String file, String... fragments) {
    assertEquals(1, state.invalid().size(), () -> "problems: " + state.problems());
    InvalidSpec invalid = invalid(state, file);
    assertContains(invalid.error(), fragments);
    return invalid;
  }

  public static void assertContains(String text, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in: " + text);
    }
  }
}
