package io.bcgitops.embedded;

import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.runtime.RuntimeApi.AppState;
import java.util.Objects;

/** An app as the runtime host reports it, and as a RuntimePool's status carries it: the same fields. */
public final class PoolApps {
  private PoolApps() {
  }

  public static RuntimePoolStatus.App toStatus(AppState state) {
    RuntimePoolStatus.App app = new RuntimePoolStatus.App();
    app.setName(state.name());
    app.setVersion(state.version());
    app.setState(state.state());
    app.setHealth(state.health());
    app.setRestarts(state.restarts());
    app.setStartedAt(state.startedAt());
    app.setLastHealthCheck(state.lastHealthCheck());
    app.setFailedVersion(state.failedVersion());
    app.setMessage(state.message());
    app.setRequestDigest(state.requestDigest());
    return app;
  }

  public static AppState fromStatus(RuntimePoolStatus.App app) {
    return new AppState(app.getName(), app.getVersion(), app.getState(), app.getHealth(),
        Objects.requireNonNullElse(app.getRestarts(), 0), app.getStartedAt(), app.getLastHealthCheck(),
        app.getFailedVersion(), app.getMessage(), app.getRequestDigest());
  }
}
