package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.Isolation;
import io.bcgitops.spec.SpecValidator;
import java.util.List;

/**
 * Checks an AppDeployment with the same rules as a spec file in git, so that one written by hand
 * (or by another tool) is held to what the GitOps path already guarantees.
 */
final class AppSpecs {
  private static final SpecValidator VALIDATOR = new SpecValidator();

  private AppSpecs() {
  }

  /**
   * Whether the app runs in a runtime pool, also when its spec cannot be read: then its status
   * says where it last ran. Removing the app, and keeping its pool while it is there, must not
   * depend on reading the rest of its spec.
   */
  static boolean isEmbedded(AppDeployment app) {
    Isolation isolation = app.getSpec().getIsolation() != null ? app.getSpec().getIsolation()
        : app.getStatus() == null ? null : app.getStatus().getIsolation();
    return isolation == Isolation.embedded;
  }

  /** The app's runtime pool: its spec's, or the one its stored spec names when it cannot be read. */
  static String runtime(AppDeployment app) {
    return app.getSpec().getRuntime() != null ? app.getSpec().getRuntime()
        : app.getSpec().storedText("runtime").orElse(AppDeploymentSpec.DEFAULT_RUNTIME);
  }

  static List<String> problems(AppDeployment app) {
    if (!app.getSpec().readErrors().isEmpty()) {
      // A stored spec this operator cannot read (a value it does not know): nothing of it is used.
      return app.getSpec().readErrors();
    }
    return VALIDATOR.validate(app.getMetadata().getName(), app.getSpec());
  }
}
