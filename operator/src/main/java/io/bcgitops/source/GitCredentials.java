package io.bcgitops.source;

import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.spec.SafeUrls;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Credentials for a git remote, read from the keys of a Secret (DESIGN.md section 3): for HTTP,
 * {@link HttpCredentials} (username and password, or bearerToken: the same keys, and the same
 * checks, as an app's artifact Secret); for SSH, identity (a private key) with known_hosts. Never
 * printed.
 */
public record GitCredentials(HttpCredentials http, String identity, String knownHosts) {
  public static final String IDENTITY_KEY = "identity";
  public static final String KNOWN_HOSTS_KEY = "known_hosts";

  public static final GitCredentials NONE = new GitCredentials(HttpCredentials.NONE, null, null);

  public GitCredentials {
    http = http == null ? HttpCredentials.NONE : http;
    identity = identity == null || identity.isEmpty() ? null : identity;
    knownHosts = knownHosts == null || knownHosts.isEmpty() ? null : knownHosts;
  }

  /**
   * Each key as given (tests, and a URL's user info).
   *
   * @throws IllegalArgumentException when the HTTP ones cannot make a header
   */
  public GitCredentials(String username, String password, String bearerToken, String identity, String knownHosts) {
    this(new HttpCredentials(username, password, bearerToken), identity, knownHosts);
  }

  /**
   * Reads the credentials out of a Secret's base64-encoded data.
   *
   * @throws IllegalArgumentException when the HTTP ones cannot make a header (the message names the key, never a value)
   */
  public static GitCredentials fromSecretData(Map<String, String> data) {
    return new GitCredentials(HttpCredentials.fromSecretData(data), HttpCredentials.secretValue(data, IDENTITY_KEY),
        HttpCredentials.secretValue(data, KNOWN_HOSTS_KEY));
  }

  /** Whether there is anything to present: HTTP credentials or an SSH key. */
  public boolean present() {
    return http.present() || identity != null;
  }

  /** Replaces every credential value found in a text (an error message, say) by "***". */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = SafeUrls.redact(text);
    for (String secret : Stream.of(http.password(), http.bearerToken(), identity)
        .filter(s -> s != null && s.length() >= 4).toList()) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "GitCredentials[" + (http.username() != null ? "username/password" : http.bearerToken() != null
        ? "bearerToken" : identity != null ? "identity" : "none") + "]";
  }
}
