package io.bcgitops.fetch;

import io.bcgitops.spec.HttpCredentials;
import java.util.Map;

/**
 * Where the fetch init container of a vm app finds an artifact Secret's {@link HttpCredentials}:
 * its environment, which the Deployment fills from the Secret's keys (secretKeyRef), so that no
 * value is ever in the Deployment itself.
 */
public final class ArtifactCredentials {
  public static final String USERNAME_ENV = "BCGITOPS_ARTIFACT_USERNAME";
  public static final String PASSWORD_ENV = "BCGITOPS_ARTIFACT_PASSWORD";
  public static final String BEARER_TOKEN_ENV = "BCGITOPS_ARTIFACT_BEARER_TOKEN";

  private ArtifactCredentials() {
  }

  /**
   * From the fetch command's environment.
   *
   * @throws IllegalArgumentException when they cannot make a header
   */
  public static HttpCredentials fromEnv(Map<String, String> env) {
    return new HttpCredentials(env.get(USERNAME_ENV), env.get(PASSWORD_ENV), env.get(BEARER_TOKEN_ENV));
  }
}
