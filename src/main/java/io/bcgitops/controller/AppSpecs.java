package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.bcgitops.spec.AppSpec;
import io.bcgitops.spec.Durations;
import io.bcgitops.spec.SpecValidator;
import java.time.Duration;
import java.util.ArrayList;
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
    List<String> problems = new ArrayList<>();
    AppSpec spec = toAppSpec(app, problems);
    problems.addAll(VALIDATOR.validate(spec));
    return problems;
  }

  private static AppSpec toAppSpec(AppDeployment app, List<String> problems) {
    AppDeploymentSpec spec = app.getSpec();
    AppSource in = spec.getSource();
    var source = in == null ? null : new AppSpec.Source(name(in.getType()), in.getUrl(), in.getSha256(),
        in.getCoordinates(), in.getRepository(), in.getImage(), in.getMainClass(),
        in.getSecretRef() == null ? null : new AppSpec.SecretRef(in.getSecretRef().getName()));
    HealthCheck h = spec.getHealth();
    var health = h == null ? null : new AppSpec.Health(name(h.getType()), h.getPort(), h.getPath(),
        duration("health.interval", h.getInterval(), problems), duration("health.timeout", h.getTimeout(), problems),
        h.getCommand(), h.getClassName());
    var vm = spec.getVmConfig() == null ? null : new AppSpec.VmConfig(spec.getVmConfig().getMemoryLimit(),
        spec.getVmConfig().getSchedulerLimit(), spec.getVmConfig().getNodePrefix(), spec.getVmConfig().getExtraArgs());
    var icon = spec.getIcon() == null ? null
        : new AppSpec.Icon(name(spec.getIcon().getType()), spec.getIcon().getValue(), spec.getIcon().getMimeType());
    return new AppSpec(app.getMetadata().getName(), spec.getVersion(), spec.getDescription(), icon, source,
        spec.getArgs(), spec.getEnv(), spec.getDependsOn(), health, name(spec.getIsolation()), vm, spec.getRuntime(),
        spec.isSuspend());
  }

  private static Duration duration(String field, String value, List<String> problems) {
    try {
      return value == null ? null : Durations.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return null;
    }
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }
}
