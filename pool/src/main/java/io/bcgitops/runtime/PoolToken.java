package io.bcgitops.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A runtime pool's credentials. The pool's token (its Secret's {@code token}) opens the loader's API and lives in
 * the loader container only. The host's API takes another token, derived from it ({@link #hostToken}), and the host
 * holds no token at all, only the SHA-256 of that one: the apps run in the host's process and can read whatever it
 * reads (its files, its environment, its memory), so what it keeps must authenticate nothing. The operator and the
 * loader derive the host's token from the pool's; an app learns neither from the host's files or environment.
 */
public final class PoolToken {
  /** A token file is a line of text: anything longer is not one (and is not read into memory whole). */
  private static final int MAX_FILE_BYTES = 1024;
  private static final String HOST_TOKEN_PURPOSE = "bcgitops.io/runtime-host-api";

  private PoolToken() {
  }

  /** The host API's token: HMAC-SHA256 of a fixed purpose under the pool's token, base64url. */
  public static String hostToken(String poolToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(poolToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(HOST_TOKEN_PURPOSE.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * The one line of a token file (a Secret's key mounted as a file), without its line end.
   *
   * @throws IOException naming the file when it is missing, unreadable, empty or longer than a token
   */
  public static String read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IOException(file + " does not exist");
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException(file + " is over " + MAX_FILE_BYTES + " bytes: not a token");
    }
    String token = new String(bytes, StandardCharsets.UTF_8).strip();
    if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IOException(file + " holds no token (one line of printable ASCII)");
    }
    return token;
  }
}
