package io.bcgitops.source;

import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.spec.SafeUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.transport.URIish;

/**
 * Where a git fetch's HTTP credentials may go: to the source URL's own origin (scheme, host and
 * port), and there only over https or plain http to loopback ({@link SafeUrls#mayCarryCredentials},
 * the rule artifacts follow too). Every request of a fetch passes {@link AbortableHttpConnections},
 * which puts the Authorization header on exactly the requests this covers and takes it off every
 * other (JGit would add a header to every request, whatever host a redirect leads to); a redirect
 * to another origin is not followed at all while credentials are in play.
 *
 * <p>SSH needs no such scope: a key is offered only to the URL's own host, whose key known_hosts
 * must hold, and no ssh config (ProxyJump, say) is read.
 *
 * @param origin the source's URL (without user info)
 */
public record CredentialScope(URI origin, HttpCredentials credentials) {

  /** The scope of a fetch from {@code url}; null when it presents no HTTP credentials, or is not http(s). */
  static CredentialScope of(String url, HttpCredentials credentials) {
    if (!credentials.present()) {
      return null;
    }
    URI origin = httpUri(url);
    return origin == null ? null : new CredentialScope(origin, credentials);
  }

  /** The Authorization header for a request to {@code target}, when it may carry one. */
  Optional<String> authorizationFor(URI target) {
    return SafeUrls.mayCarryCredentials(target, origin) ? Optional.of(credentials.authorization()) : Optional.empty();
  }

  boolean sameOrigin(URI target) {
    return SafeUrls.sameOrigin(target, origin);
  }

  /**
   * Why a source's URL may not be used with credentials, before any request: a plain http URL to
   * anywhere but loopback, with a Secret (spec.secretRef) or a password in the URL itself, would
   * show them to everyone on the network path. Empty when it may.
   */
  public static Optional<String> refusal(String url, boolean secretRef) {
    URI uri = httpUri(SafeUrls.redact(url)); // its user info, which may hold an unescaped '@', out of the way
    if (uri == null || !"http".equals(uri.getScheme().toLowerCase(Locale.ROOT)) || SafeUrls.protectedInTransit(uri)) {
      return Optional.empty();
    }
    String why = " is plain http to " + uri.getHost() + ", where anyone on the network path could read the"
        + " credentials; credentials are sent only over https, ssh, or http to this machine's loopback address:"
        + " use an https or ssh URL";
    if (secretRef) {
      return Optional.of("spec.secretRef names credentials, and spec.url '" + SafeUrls.redact(url) + "'" + why);
    }
    if (hasPassword(url)) {
      return Optional.of("spec.url '" + SafeUrls.redact(url) + "' holds a password (user info) and" + why
          + " (and name a Secret holding them in spec.secretRef)");
    }
    return Optional.empty();
  }

  private static boolean hasPassword(String url) {
    try {
      return new URIish(url).getPass() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The URL as a URI with a host, when it is http or https; null for anything else (ssh, git, file, not a URL). */
  private static URI httpUri(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
