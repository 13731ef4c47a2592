package io.bcgitops.dashboard;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sessions made when a viewer's bearer token checks out, for what cannot send the token: the browser's
 * EventSource sends no Authorization header, only cookies. A session is 256 random bits in an HttpOnly,
 * SameSite=Strict cookie (page scripts cannot read it, other sites cannot make the browser send it), and at most
 * {@link #MAX_SESSIONS} exist: the least recently used goes first.
 *
 * <p>A session lasts {@link #LIFETIME} from the last time its token checked out: the page logs in again with the
 * token it keeps every {@link #RENEW_EVERY}, and a login that carries the cookie of its viewer's session renews that
 * session rather than making another. The server keeps no token, so this is what binds a session (and its live
 * stream) to its token: once the token is revoked or expires, the renewals are refused and the session ends.
 */
final class Sessions {
  static final String COOKIE = "bcgitops-dashboard-session";
  static final Duration LIFETIME = Duration.ofSeconds(60);
  /** How often the page renews its session (app.js says the same). */
  static final Duration RENEW_EVERY = Duration.ofSeconds(20);
  static final int MAX_SESSIONS = 1024;

  private final SecureRandom random = new SecureRandom();
  private final ExpiringCache<String, Viewer> sessions;

  Sessions(Clock clock) {
    this.sessions = new ExpiringCache<>(clock, MAX_SESSIONS);
  }

  /**
   * The session of {@code viewer}, whose token just checked out: {@code presented} (the cookie the login carried)
   * renewed when it is a live session of that same viewer, else a new one. A session of another viewer is never
   * taken over (nor is an id the server did not make: the id is always the server's).
   */
  synchronized String renewOrOpen(String presented, Viewer viewer) {
    if (presented != null && viewer.equals(sessions.peek(presented))) {
      sessions.put(presented, viewer, LIFETIME);
      return presented;
    }
    return open(viewer);
  }

  /** A new session for {@code viewer}: its id. */
  String open(Viewer viewer) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    String key = HexFormat.of().formatHex(id);
    sessions.put(key, viewer, LIFETIME);
    return key;
  }

  /** The viewer of a session that has not expired. */
  Optional<Viewer> viewer(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(sessions.peek(id));
  }

  void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** The Set-Cookie header that hands the browser a session. */
  static String cookie(String id) {
    return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + LIFETIME.toSeconds();
  }

  /** The Set-Cookie header that ends it in the browser. */
  static String expiredCookie() {
    return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  /** The session id a Cookie header carries; null when none (or one that is not a session id's shape). */
  static String idFrom(String cookieHeader) {
    if (cookieHeader == null || cookieHeader.length() > 8192) {
      return null;
    }
    for (String part : cookieHeader.split(";")) {
      String cookie = part.strip();
      if (cookie.startsWith(COOKIE + "=")) {
        String value = cookie.substring(COOKIE.length() + 1);
        return value.matches("[0-9a-f]{64}") ? value : null;
      }
    }
    return null;
  }
}
