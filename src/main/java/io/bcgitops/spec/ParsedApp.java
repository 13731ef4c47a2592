package io.bcgitops.spec;

/** A valid app and the spec file it came from, relative to the repository root ("apps/web/app.yaml"). */
public record ParsedApp(AppSpec spec, String file) {
  public String name() {
    return spec.name();
  }
}
