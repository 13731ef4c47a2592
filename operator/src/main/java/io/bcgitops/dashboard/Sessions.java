package io.bcgitops.dashboard;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions made when a viewer's bearer token checks out, for what cannot send the token: the browser's
 * EventSource sends no Authorization header, only cookies. A session is 256 random bits in an HttpOnly,
 * SameSite=Strict cookie (page scripts cannot read it, other sites cannot make the browser send it), lasts {@link
 * #LIFETIME} (the page then logs in again with the token it keeps), and at most {@link #MAX_SESSIONS} exist: the
 * oldest goes first.
 */
final class Sessions {
  static final String COOKIE = "bcgitops-dashboard-session";
  static final Duration LIFETIME = Duration.ofMinutes(10);
  static final int MAX_SESSIONS = 1024;

  private record Session(Viewer viewer, long expiresAtMillis) {
  }

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  Sessions(Clock clock) {
    this.clock = clock;
  }

  /** A new session for {@code viewer}: its id. */
  String open(Viewer viewer) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    String key = HexFormat.of().formatHex(id);
    synchronized (this) {
      sessions.put(key, new Session(viewer, clock.millis() + LIFETIME.toMillis()));
    }
    return key;
  }

  /** The viewer of a session that has not expired. */
  synchronized Optional<Viewer> viewer(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    if (session.expiresAtMillis() <= clock.millis()) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(session.viewer());
  }

  /** When a session ends; 0 for one that does not exist. */
  synchronized long expiresAtMillis(String id) {
    Session session = id == null ? null : sessions.get(id);
    return session == null ? 0 : session.expiresAtMillis();
  }

  synchronized void close(String id) {
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
