package io.bcgitops.spec;

/**
 * A valid app and the spec file it came from, relative to the repository root ("apps/web/app.yaml").
 *
 * @param heldBytes about what it takes of the heap ({@link GitOpsRepository#heldBytes})
 */
public record ParsedApp(AppFile spec, String file, long heldBytes) {
  public String name() {
    return spec.getName();
  }
}
