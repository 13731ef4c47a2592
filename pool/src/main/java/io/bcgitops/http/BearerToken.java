package io.bcgitops.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bearer token a server asks of every request, kept as its SHA-256 only: a server that must not hold the token
 * itself (a runtime pool's host, whose apps can read its memory) is given the digest. The digests are compared in
 * constant time, so that response times do not tell how much of a guess was right.
 */
public final class BearerToken {
  private static final String PREFIX = "Bearer ";
  private final byte[] digest;

  public BearerToken(String token) {
    this.digest = sha256(token);
  }

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * The token whose SHA-256 is {@code hex}.
   *
   * @throws IllegalArgumentException when {@code hex} is not 64 hex digits
   */
  public static BearerToken ofSha256(String hex) {
    if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("a SHA-256 is 64 hex digits");
    }
    return new BearerToken(HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
  }

  /** The SHA-256 of a token, as 64 lowercase hex digits: what {@link #ofSha256} verifies it with. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** Whether a request's Authorization header (null when it has none) carries this token. */
  public boolean authorizes(String authorizationHeader) {
    return authorizationHeader != null && authorizationHeader.startsWith(PREFIX)
        && MessageDigest.isEqual(digest, sha256(authorizationHeader.substring(PREFIX.length())));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
