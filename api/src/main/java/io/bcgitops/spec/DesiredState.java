package io.bcgitops.spec;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a GitOps repository asks for: its valid apps in dependency order (an app after the apps it
 * depends on), and its rejected spec files.
 *
 * @param heldBytes about what this takes of the heap while it is kept (the operator keeps each
 *     source's between fetches): see {@link GitOpsRepository#heldBytes}
 */
public record DesiredState(List<ParsedApp> apps, List<InvalidSpec> invalid, long heldBytes) {

  /** Names whose AppDeployments must be kept as they are because their spec is broken. */
  public Set<String> protectedNames() {
    return invalid.stream().map(InvalidSpec::declaredName).filter(n -> n != null).collect(Collectors.toSet());
  }

  /**
   * App folders with a broken spec ("apps/web"). An app is its folder: its AppDeployment is kept even
   * when the broken file no longer yields a name, or was renamed (app.yaml to app.json).
   */
  public Set<String> protectedFolders() {
    return invalid.stream().map(i -> folderOf(i.file())).collect(Collectors.toSet());
  }

  /** The app folder of a spec file: "apps/web/app.yaml" gives "apps/web". */
  public static String folderOf(String file) {
    int slash = file.lastIndexOf('/');
    return slash < 0 ? "" : file.substring(0, slash);
  }

  /** Every problem as one line "file: error", as the validate command prints them. */
  public List<String> problems() {
    return invalid.stream().map(i -> i.file() + ": " + i.error()).collect(Collectors.toList());
  }

  public boolean onlyCycles() {
    return !invalid.isEmpty() && invalid.stream().allMatch(InvalidSpec::cycle);
  }

  public Stream<String> names() {
    return apps.stream().map(ParsedApp::name);
  }
}
