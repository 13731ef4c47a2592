package io.bcgitops.spec;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * URLs as they may be shown (status, events, logs, messages, process arguments) and the rules for
 * what may travel over them. The one place a URL's credentials are taken out of a text: every
 * message that may hold a source or repository URL goes through {@link #redact} or {@link #display}.
 */
public final class SafeUrls {
  // Up to the last '@' before the path: a password may hold an unescaped '@'.
  private static final Pattern USER_INFO = Pattern.compile("://[^/\\s]*@");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private SafeUrls() {
  }

  /** Replaces the user info of every URL found in a text (an exception message, say) by ***: https://***@host/... */
  public static String redact(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("://***@");
  }

  /**
   * The URL to show: no user info, and the query elided, since signed download URLs (S3, GitHub
   * assets) carry their token there.
   */
  public static String display(URI url) {
    if (url.getHost() == null) {
      return redact(url.toString());
    }
    StringBuilder out = new StringBuilder(url.getScheme()).append("://").append(url.getHost());
    if (url.getPort() != -1) {
      out.append(':').append(url.getPort());
    }
    out.append(url.getRawPath() == null ? "" : url.getRawPath());
    if (url.getRawQuery() != null) {
      out.append("?...");
    }
    return out.toString();
  }

  /** True when the text, read as a URL, carries user info (user:password@): credentials in the URL itself. */
  public static boolean hasUserInfo(String url) {
    if (url == null || url.indexOf("://") < 0) {
      return false;
    }
    int at = url.indexOf('@', url.indexOf("://") + 3);
    return at >= 0 && at < pathStart(url);
  }

  /**
   * Whether what travels over the URL is out of reach of the network in between: https, or plain
   * http to this machine's own loopback address (nothing leaves the host, or the pod). Plain http
   * to anywhere else may be read and changed on the way.
   */
  public static boolean protectedInTransit(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http") && isLoopback(url.getHost());
  }

  /**
   * Whether a request to {@code target} may carry the credentials meant for {@code origin} (a
   * source's or an artifact's URL): only to that URL's own origin (scheme, host and port), never
   * to where it redirects elsewhere, and only {@link #protectedInTransit}.
   */
  public static boolean mayCarryCredentials(URI target, URI origin) {
    return sameOrigin(target, origin) && protectedInTransit(target);
  }

  /** Same scheme, host and port (a default port written out or not). */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && a.getHost() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
  }

  private static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  /** localhost, 127.0.0.0/8 or ::1, read from the literal host: no name is looked up. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (literal.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4.matcher(literal).matches() && !literal.contains(":")) {
      return false;
    }
    try {
      // A literal address: getByName parses it, without a lookup.
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  private static int pathStart(String url) {
    for (int i = url.indexOf("://") + 3; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return url.length();
  }
}
