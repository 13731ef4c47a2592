package io.bcgitops.dashboard;

import io.bcgitops.http.BearerToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Local mode's viewer: whoever holds the token the banner prints (as local mode's API holds kubectl's) sees
 * everything; there is one user, the one who ran the command.
 */
final class LocalAccess implements Access {
  static final Viewer LOCAL_USER = new Viewer("local", "local", List.of(), Map.of());
  private final BearerToken token;

  LocalAccess(String token) {
    this.token = new BearerToken(token);
  }

  @Override
  public Optional<Viewer> authenticate(String presented) {
    return presented != null && token.authorizes("Bearer " + presented) ? Optional.of(LOCAL_USER) : Optional.empty();
  }

  @Override
  public boolean allows(Viewer viewer, String group, String resource, String verb, String namespace) {
    return LOCAL_USER.equals(viewer);
  }
}
