package io.bcgitops.spec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What a credentials Secret holds for HTTP (DESIGN.md sections 3 and 8): {@code username} and
 * {@code password} (basic), or {@code bearerToken}. The one model of these keys, for a
 * GitOpsSource's git fetches and an app's jar downloads alike, checked once here: a value that
 * cannot travel in an Authorization header (a trailing newline from {@code --from-file}, say) is
 * refused with the key's name, never sent. Presented only to the URL's own origin, and only where
 * {@link SafeUrls#protectedInTransit}. Never printed: toString names the kind, not the values.
 */
public record HttpCredentials(String username, String password, String bearerToken) {
  public static final HttpCredentials NONE = new HttpCredentials(null, null, null);

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  public static final String BEARER_TOKEN_KEY = "bearerToken";

  /**
   * @throws IllegalArgumentException when they cannot make a header (never with a value in the message)
   */
  public HttpCredentials {
    username = blankToNull(username);
    password = blankToNull(password);
    bearerToken = blankToNull(bearerToken);
    if (bearerToken != null && username != null) {
      throw new IllegalArgumentException("give " + USERNAME_KEY + " and " + PASSWORD_KEY + ", or " + BEARER_TOKEN_KEY
          + ", not both");
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

  /**
   * From the keys of a Secret's base64-encoded data.
   *
   * @throws IllegalArgumentException when they cannot make a header
   */
  public static HttpCredentials fromSecretData(Map<String, String> data) {
    return new HttpCredentials(secretValue(data, USERNAME_KEY), secretValue(data, PASSWORD_KEY),
        secretValue(data, BEARER_TOKEN_KEY));
  }

  /** The decoded value of a key of a Secret's data (base64, possibly line-wrapped); null when absent. */
  public static String secretValue(Map<String, String> data, String key) {
    String base64 = data == null ? null : data.get(key);
    return base64 == null ? null : new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  public boolean present() {
    return username != null || bearerToken != null;
  }

  /** The Authorization header's value. */
  public String authorization() {
    if (bearerToken != null) {
      return "Bearer " + bearerToken;
    }
    String pair = username + ":" + (password == null ? "" : password);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
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
    return "HttpCredentials[" + (bearerToken != null ? "bearerToken" : username != null ? "username/password"
        : "none") + "]";
  }
}
