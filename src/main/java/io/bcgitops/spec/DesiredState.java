package io.bcgitops.spec;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a GitOps repository asks for: its valid apps in dependency order (an app after the apps it
 * depends on), and its rejected spec files.
 */
public record DesiredState(List<ParsedApp> apps, List<InvalidSpec> invalid) {

  /** Names and files whose AppDeployments must be kept as they are because their spec is broken. */
  public Set<String> protectedNames() {
    return invalid.stream().map(InvalidSpec::declaredName).filter(n -> n != null).collect(Collectors.toSet());
  }

  public Set<String> protectedFiles() {
    return invalid.stream().map(InvalidSpec::file).collect(Collectors.toSet());
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
