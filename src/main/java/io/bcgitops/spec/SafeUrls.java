package io.bcgitops.fetch;

import java.net.URI;
import java.util.regex.Pattern;

/** URLs as they may appear in messages: without user:password@, which a repository URL may carry. */
final class SafeUrls {
  // Up to the last '@' before the path: a password may hold an unescaped '@'.
  private static final Pattern USER_INFO = Pattern.compile("://[^/\\s]*@");

  private SafeUrls() {
  }

  /** Removes the user info of every URL found in a text (an exception message, say). */
  static String redact(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("://");
  }

  /**
   * The URL to show: no user info, and the query elided, since signed download URLs (S3, GitHub
   * assets) carry their token there.
   */
  static String display(URI url) {
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

  /** The URL to request: the HTTP client does not turn user info into a header, an authenticator does. */
  static URI withoutUserInfo(URI url) {
    if (url.getRawUserInfo() == null) {
      return url;
    }
    String hostPort = url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
    return URI.create(url.getScheme() + "://" + hostPort
        + (url.getRawPath() == null ? "" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
  }
}
