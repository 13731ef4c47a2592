package io.bcgitops.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token a server asks of every request. It is compared in constant time, so that response times do not
 * tell how much of a guess was right.
 */
public final class BearerToken {
  private final byte[] header;

  public BearerToken(String token) {
    this.header = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a request's Authorization header (null when it has none) carries this token. */
  public boolean authorizes(String authorizationHeader) {
    return authorizationHeader != null
        && MessageDigest.isEqual(header, authorizationHeader.getBytes(StandardCharsets.UTF_8));
  }
}
