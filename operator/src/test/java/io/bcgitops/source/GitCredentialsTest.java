package io.bcgitops.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials read from a Secret: decoded, and never shown. */
class GitCredentialsTest {
  private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fromSecretDataDecodesBase64() {
    GitCredentials credentials = GitCredentials.fromSecretData(Map.of(
        "username", b64("alice"),
        "password", b64("pässwörd-123"),
        "identity", b64(KEY),
        "known_hosts", b64("[git.example.com]:2222 ssh-ed25519 AAAAC3Nza\n")));

    assertEquals("alice", credentials.http().username());
    assertEquals("pässwörd-123", credentials.http().password());
    assertEquals(KEY, credentials.identity());
    assertEquals("[git.example.com]:2222 ssh-ed25519 AAAAC3Nza\n", credentials.knownHosts());
    assertEquals("tok-abcdef",
        GitCredentials.fromSecretData(Map.of("bearerToken", b64("tok-abcdef"))).http().bearerToken());
  }

  /**
   * The same keys and checks as an artifact Secret's: a token written with a trailing newline
   * (kubectl create secret --from-file) is refused by key, with what to do, instead of reaching
   * JGit as an invalid header; no value is in the message.
   */
  @Test
  void aValueThatCannotBeAHeaderIsRefusedByKey() {
    IllegalArgumentException newline = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromSecretData(Map.of("bearerToken", b64("tok-abcdef\n"))));
    assertEquals("the value of key bearerToken holds a line break or another control character (written from a"
        + " file with a trailing newline?); store it without", newline.getMessage());

    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromSecretData(Map.of("username", b64("alice"), "password", b64("pw-1234"),
            "bearerToken", b64("tok-abcdef"))));
    assertEquals("give username and password, or bearerToken, not both", both.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromSecretData(Map.of("username", b64("alice\r"), "password", b64("pw-1234"))));
    // An SSH key and known_hosts are files: their line breaks are theirs.
    assertEquals(KEY, GitCredentials.fromSecretData(Map.of("identity", b64(KEY))).identity());
  }

  @Test
  void fromSecretDataAcceptsLineWrappedBase64() {
    String wrapped = Base64.getMimeEncoder(16, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(KEY.getBytes(StandardCharsets.UTF_8));

    assertEquals(KEY, GitCredentials.fromSecretData(Map.of("identity", wrapped)).identity());
  }

  @Test
  void missingKeysAreNull() {
    GitCredentials credentials = GitCredentials.fromSecretData(Map.of("bearerToken", b64("tok-abcdef")));

    assertNull(credentials.http().username());
    assertNull(credentials.http().password());
    assertNull(credentials.identity());
    assertNull(credentials.knownHosts());
    assertEquals(GitCredentials.NONE, GitCredentials.fromSecretData(null));
    assertEquals(GitCredentials.NONE, GitCredentials.fromSecretData(new HashMap<>()));
  }

  @Test
  void toStringNeverContainsValues() {
    GitCredentials credentials = new GitCredentials("alice", "s3cret-pass", null, KEY, "known-hosts-line");

    String text = credentials.toString();

    for (String value : new String[] {"alice", "s3cret-pass", "tok-abcdef", "PRIVATE KEY", "known-hosts-line"}) {
      assertFalse(text.contains(value), text);
    }
    assertFalse(new GitCredentials(null, null, "tok-abcdef", null, null).toString().contains("tok-abcdef"));
    assertFalse(new GitCredentials(null, null, null, KEY, null).toString().contains("PRIVATE"));
  }

  @Test
  void redactReplacesEveryValue() {
    GitCredentials credentials = new GitCredentials("alice", "s3cret-pass", null, KEY, null);
    GitCredentials token = new GitCredentials(null, null, "tok-abcdef", null, null);

    String redacted = credentials.redact("denied: password s3cret-pass, key " + KEY + " (twice: s3cret-pass)");

    assertFalse(redacted.contains("s3cret-pass"), redacted);
    assertFalse(redacted.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), redacted);
    assertTrue(redacted.startsWith("denied: password ***, key ***"), redacted);
    assertEquals("denied: token ***", token.redact("denied: token tok-abcdef"));
    assertNull(credentials.redact(null));
  }

  @Test
  void redactHidesUserInfoOfUrls() {
    assertEquals("fetching https://***@git.example.com/org/repo.git failed",
        GitCredentials.NONE.redact("fetching https://alice:hunter2@git.example.com/org/repo.git failed"));
    assertEquals("https://***@github.com/org/repo.git",
        GitCredentials.NONE.redact("https://ghp_tokenAsUser@github.com/org/repo.git"));
  }

  @Test
  void redactHidesAPasswordHoldingAnUnescapedAt() {
    String redacted = GitCredentials.NONE.redact("https://alice:p@ss-word@git.example.com/repo.git: not authorized");

    assertFalse(redacted.contains("ss-word"), redacted);
    assertEquals("https://***@git.example.com/repo.git: not authorized", redacted);
  }

  @Test
  void redactLeavesUrlsWithoutUserInfoAlone() {
    String text = "https://git.example.com/org/repo.git: mail admin@example.com";

    assertEquals(text, GitCredentials.NONE.redact(text));
  }
}
