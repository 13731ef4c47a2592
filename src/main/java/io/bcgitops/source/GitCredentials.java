package io.bcgitops.source;

import io.bcgitops.spec.SafeUrls;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Credentials for a git remote, read from the keys of a Secret (DESIGN.md section 3): username and
 * password, or bearerToken, or identity (SSH private key) with known_hosts. Never printed.
 */
public record GitCredentials(String username, String password, String bearerToken, String identity,
    String knownHosts) {

  public static final GitCredentials NONE = new GitCredentials(null, null, null, null, null);

  /** Reads the credentials out of a Secret's base64-encoded data. */
  public static GitCredentials fromSecretData(Map<String, String> data) {
    Map<String, String> values = data == null ? Map.of() : data;
    return new GitCredentials(decode(values.get("username")), decode(values.get("password")),
        decode(values.get("bearerToken")), decode(values.get("identity")), decode(values.get("known_hosts")));
  }

  private static String decode(String base64) {
    return base64 == null ? null : new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** Replaces every credential value found in a text (an error message, say) by "***". */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = SafeUrls.redact(text);
    for (String secret : Stream.of(password, bearerToken, identity).filter(s -> s != null && s.length() >= 4).toList()) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "GitCredentials[" + (username != null ? "username/password" : bearerToken != null ? "bearerToken"
        : identity != null ? "identity" : "none") + "]";
  }
}
