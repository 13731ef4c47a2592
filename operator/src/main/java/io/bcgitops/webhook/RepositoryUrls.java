package io.bcgitops.webhook;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reduces the many spellings of one repository's URL to one key, so that a push event's URLs can
 * be compared with a GitOpsSource's {@code spec.url}.
 *
 * <p>For network URLs ({@code https://}, {@code http://}, {@code ssh://}, {@code git://}, and scp-like
 * {@code git@host:path}) the key is {@code host/path}: scheme, user info and port are dropped, the host
 * and path are lower-cased (GitHub and GitLab paths are case-insensitive), and duplicate, leading and
 * trailing slashes and a trailing {@code .git} are removed. So {@code https://GitHub.com/acme/shop.git},
 * {@code git@github.com:acme/shop} and {@code ssh://git@github.com:22/acme/shop/} are one repository.
 *
 * <p>For {@code file:} URLs the key is {@code file:} and the path with the same slash and {@code .git}
 * rules, its case kept (file systems are case-sensitive); the host ({@code localhost} or none) is dropped.
 */
final class RepositoryUrls {
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", Pattern.DOTALL);
  /** scp-like syntax, as git understands it: [user@]host:path, with no slash before the colon. */
  private static final Pattern SCP = Pattern.compile("^(?:[^@/]+@)?([^@/:]+):(.+)$", Pattern.DOTALL);

  private RepositoryUrls() {
  }

  /** The repository's key, or empty when {@code url} is blank or names no repository. */
  static Optional<String> key(String url) {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String s = url.trim();
    if (s.regionMatches(true, 0, "file:", 0, 5)) {
      return file(s.substring(5));
    }
    Matcher scheme = SCHEME.matcher(s);
    if (scheme.matches()) {
      String rest = stripQueryAndFragment(scheme.group(2));
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash);
      return network(host(authority), path);
    }
    Matcher scp = SCP.matcher(s);
    if (scp.matches()) {
      return network(scp.group(1), stripQueryAndFragment(scp.group(2)));
    }
    return Optional.empty();
  }

  /** {@code rest} is what follows {@code file:}: {@code ///abs/path}, {@code //localhost/abs/path} or {@code /abs/path}. */
  private static Optional<String> file(String rest) {
    String path = rest;
    if (path.startsWith("//")) {
      int slash = path.indexOf('/', 2);
      path = slash < 0 ? "" : path.substring(slash);
    }
    String cleaned = cleanPath(path);
    return cleaned.isEmpty() ? Optional.empty() : Optional.of("file:/" + cleaned);
  }

  private static Optional<String> network(String host, String path) {
    String cleaned = cleanPath(path);
    if (host == null || host.isEmpty() || cleaned.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(host.toLowerCase(Locale.ROOT) + "/" + cleaned.toLowerCase(Locale.ROOT));
  }

  /** The host of {@code [user[:password]@]host[:port]}, IPv6 literals kept in brackets. */
  private static String host(String authority) {
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      return close < 0 ? hostPort : hostPort.substring(0, close + 1);
    }
    int colon = hostPort.indexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }

  private static String stripQueryAndFragment(String s) {
    int end = s.length();
    int query = s.indexOf('?');
    if (query >= 0) {
      end = query;
    }
    int fragment = s.indexOf('#');
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    return s.substring(0, end);
  }

  /** The path without leading, trailing or doubled slashes, and without a trailing {@code .git}. */
  private static String cleanPath(String path) {
    String p = path.replaceAll("/{2,}", "/");
    p = trimSlashes(p);
    if (p.endsWith(".git")) {
      p = trimSlashes(p.substring(0, p.length() - 4));
    }
    return p;
  }

  private static String trimSlashes(String p) {
    int start = 0;
    int end = p.length();
    while (start < end && p.charAt(start) == '/') {
      start++;
    }
    while (end > start && p.charAt(end - 1) == '/') {
      end--;
    }
    return p.substring(start, end);
  }
}
