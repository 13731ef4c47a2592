package io.bcgitops.fetch;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Credentials for a jar download, from the Secret an app's {@code source.secretRef} names (the
 * same keys as a GitOpsSource's: {@code username} and {@code password}, or {@code bearerToken}).
 * Sent as an Authorization header only to the URL's own origin, and only over https or loopback
 * (see {@link ArtifactFetcher}). Never printed: toString names the kind, not the values.
 */
public record ArtifactCredentials(String username, String password, String bearerToken) {
  public static final ArtifactCredentials NONE = new ArtifactCredentials(null, null, null);

  /** The Secret's keys, as DESIGN.md section 3 names them for a GitOpsSource. */
  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  public static final String BEARER_TOKEN_KEY = "bearerToken";

  /** Where the fetch init container of a vm app finds them: its environment, from the Secret (secretKeyRef). */
  public static final String USERNAME_ENV = "BCGITOPS_ARTIFACT_USERNAME";
  public static final String PASSWORD_ENV = "BCGITOPS_ARTIFACT_PASSWORD";
  public static final String BEARER_TOKEN_ENV = "BCGITOPS_ARTIFACT_BEARER_TOKEN";

  /**
   * @throws IllegalArgumentException when they cannot make a header (never with a value in the message)
   */
  public ArtifactCredentials {
    username = blankToNull(username);
    password = blankToNull(password);
    bearerToken = blankToNull(bearerToken);
    if (bearerToken != null && username != null) {
      throw new IllegalArgumentException("give username and password, or bearerToken, not both");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("a password needs a username");
    }
    if (username != null && username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("the username holds a ':', which HTTP basic authentication cannot carry");
    }
    checkPrintable(USERNAME_KEY, username);
    checkPrintable(PASSWORD_KEY, password);
    checkPrintable(BEARER_TOKEN_KEY, bearerToken);
  }

  /** From the keys of a Secret's base64-encoded data. */
  public static ArtifactCredentials fromSecretData(Map<String, String> data) {
    Map<String, String> values = data == null ? Map.of() : data;
    return new ArtifactCredentials(decode(values.get(USERNAME_KEY)), decode(values.get(PASSWORD_KEY)),
        decode(values.get(BEARER_TOKEN_KEY)));
  }

  /** From the fetch command's environment. */
  public static ArtifactCredentials fromEnv(Map<String, String> env) {
    return new ArtifactCredentials(env.get(USERNAME_ENV), env.get(PASSWORD_ENV), env.get(BEARER_TOKEN_ENV));
  }

  public boolean present() {
    return username != null || bearerToken != null;
  }

  /** The Authorization header's value. */
  String authorization() {
    if (bearerToken != null) {
      return "Bearer " + bearerToken;
    }
    String pair = username + ":" + (password == null ? "" : password);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String decode(String base64) {
    return base64 == null ? null : new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** A header cannot carry a line break: a value from a file with a trailing newline is refused, by key. */
  private static void checkPrintable(String key, String value) {
    if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("the value of key " + key + " holds a line break or another control"
          + " character (written from a file with a trailing newline?); store it without");
    }
  }

  @Override
  public String toString() {
    return "ArtifactCredentials[" + (bearerToken != null ? "bearerToken" : username != null ? "username/password"
        : "none") + "]";
  }
}
