package io.bcgitops.source;

import io.bcgitops.spec.SafeUrls;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;

/**
 * JGit's HTTP connections for one fetch, on the JDK's {@link HttpClient}, so that the fetch's
 * {@link FetchAbort} can end them mid-request: waiting for a response and reading its body are
 * interruptible there, and closing the body closes the connection. JGit's default connection
 * ({@link java.net.HttpURLConnection}) cannot be closed while a read waits for the server's next
 * byte, which is how a slow server holds a fetch past any deadline.
 *
 * <p>What the server sends is counted against the fetch's budget; it is asked to send nothing
 * compressed (JGit would inflate it past the count), and a response compressed anyway is refused.
 * Redirects and cookies stay JGit's own work, as with its default connection; request bodies (a
 * fetch's negotiation, a few KB) are sent once complete. Credentials are this class's work: each
 * request carries an Authorization header exactly when the fetch's {@link CredentialScope} covers
 * its URL, whoever else set one, and with credentials a redirect to another origin is refused
 * rather than followed.
 */
final class AbortableHttpConnections implements HttpConnectionFactory2 {
  /** One client per proxy, shared by every fetch: each client holds a selector thread. */
  private static final Map<Proxy, HttpClient> CLIENTS = new ConcurrentHashMap<>();
  /** Headers the JDK's client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final FetchAbort abort;
  private final CredentialScope credentials;

  /**
   * @param credentials where the fetch's credentials may go; null when it presents none
   */
  AbortableHttpConnections(FetchAbort abort, CredentialScope credentials) {
    this.abort = abort;
    this.credentials = credentials;
  }

  @Override
  public HttpConnection create(URL url) {
    return new Connection(url, Proxy.NO_PROXY, abort, credentials);
  }

  @Override
  public HttpConnection create(URL url, Proxy proxy) {
    return new Connection(url, proxy == null ? Proxy.NO_PROXY : proxy, abort, credentials);
  }

  @Override
  public GitSession newSession() {
    return new GitSession() {
      @Override
      public HttpConnection configure(HttpConnection connection, boolean sslVerify) throws GeneralSecurityException {
        if (!sslVerify && "https".equals(connection.getURL().getProtocol())) {
          throw new GeneralSecurityException("http.sslVerify=false is not supported: TLS certificates are always"
              + " verified");
        }
        return connection;
      }

      @Override
      public void close() {
        // Nothing held per session.
      }
    };
  }

  private static HttpClient client(Proxy proxy, SSLContext ssl) throws IOException {
    if (proxy.type() == Proxy.Type.SOCKS) {
      throw new IOException("SOCKS proxies are not supported for git over HTTP; use an HTTP proxy");
    }
    if (ssl == null) {
      return CLIENTS.computeIfAbsent(proxy, p -> build(p, null));
    }
    return build(proxy, ssl);
  }

  private static HttpClient build(Proxy proxy, SSLContext ssl) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(proxy.type() == Proxy.Type.HTTP ? ProxySelector.of((InetSocketAddress) proxy.address())
            : HttpClient.Builder.NO_PROXY);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    return builder.build();
  }

  /** One request and its response, as JGit drives it: set up, write the body, then read. */
  private static final class Connection implements HttpConnection {
    private final URL url;
    private final Proxy proxy;
    private final FetchAbort abort;
    private final CredentialScope credentials;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String method = "GET";
    private ByteArrayOutputStream body;
    private Duration timeout;
    private SSLContext ssl;
    private HttpResponse<InputStream> response;

    Connection(URL url, Proxy proxy, FetchAbort abort, CredentialScope credentials) {
      this.url = url;
      this.proxy = proxy;
      this.abort = abort;
      this.credentials = credentials;
    }

    private HttpResponse<InputStream> send() throws IOException {
      if (response != null) {
        return response;
      }
      URI target;
      HttpRequest.Builder request;
      try {
        target = url.toURI();
        request = HttpRequest.newBuilder(target);
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new IOException("not a URL: " + e.getMessage(), e);
      }
      headers.forEach((name, value) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        // An Authorization header goes only where the scope allows, whoever set it: JGit adds one
        // to every request after a challenge, and a gitconfig's http.extraHeader to all of them.
        // No gzip either: what the server sends is counted as JGit reads it.
        if (!RESTRICTED.contains(lower) && !lower.equals("authorization") && !lower.equals("accept-encoding")) {
          request.setHeader(name, value);
        }
      });
      if (credentials != null) {
        credentials.authorizationFor(target).ifPresent(value -> request.setHeader("Authorization", value));
      }
      request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
      if (timeout != null) {
        request.timeout(timeout); // until the response starts, as JGit's read timeout
      }
      try {
        response = client(proxy, ssl).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        // The fetch was ended; JGit reports an IOException, the fetcher says why it was ended.
        throw new InterruptedIOException("the request to " + url + " was cut off");
      } catch (IOException e) {
        throw e.getMessage() == null ? new IOException(e.getClass().getSimpleName() + " to " + url, e) : e;
      }
      InputStream stream = response.body();
      abort.closeOnAbort(stream);
      refuseRedirectElsewhere(target);
      return response;
    }

    /**
     * With credentials, a redirect to another origin is not followed: the repository's host is the
     * one spec.url names, and following would fetch from a host the user never named (without the
     * credentials, which go to spec.url's origin only, or with them, to whoever redirects).
     */
    private void refuseRedirectElsewhere(URI target) throws IOException {
      if (credentials == null || !REDIRECTS.contains(response.statusCode())) {
        return;
      }
      URI next;
      try {
        next = target.resolve(response.headers().firstValue("Location").orElse(""));
      } catch (IllegalArgumentException e) {
        return; // JGit says what is wrong with the Location
      }
      if (!credentials.sameOrigin(next)) {
        abort.closed(response.body());
        response.body().close();
        throw new TransportException(SafeUrls.display(target) + " redirected to " + SafeUrls.display(next)
            + ", another origin (scheme, host and port); credentials go only to spec.url's own origin, so the"
            + " redirect is not followed: set spec.url to the repository's address there");
      }
    }

    @Override
    public int getResponseCode() throws IOException {
      return send().statusCode();
    }

    @Override
    public URL getURL() {
      return url;
    }

    @Override
    public String getResponseMessage() throws IOException {
      // HTTP/1.1's reason phrase is not kept by the JDK's client: the standard one for the code.
      return switch (send().statusCode()) {
        case 200 -> "OK";
        case 301 -> "Moved Permanently";
        case 302 -> "Found";
        case 303 -> "See Other";
        case 307 -> "Temporary Redirect";
        case 308 -> "Permanent Redirect";
        case 400 -> "Bad Request";
        case 401 -> "Unauthorized";
        case 403 -> "Forbidden";
        case 404 -> "Not Found";
        case 500 -> "Internal Server Error";
        case 502 -> "Bad Gateway";
        case 503 -> "Service Unavailable";
        default -> "";
      };
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
      return response == null ? Map.of() : response.headers().map();
    }

    @Override
    public void setRequestProperty(String key, String value) {
      headers.put(key, value);
    }

    @Override
    public void setRequestMethod(String newMethod) {
      method = newMethod;
    }

    @Override
    public void setUseCaches(boolean usecaches) {
      // The JDK's client has no cache.
    }

    @Override
    public void setConnectTimeout(int millis) {
      setReadTimeout(millis);
    }

    @Override
    public void setReadTimeout(int millis) {
      if (millis > 0) {
        Duration asked = Duration.ofMillis(millis);
        timeout = timeout == null || asked.compareTo(timeout) > 0 ? asked : timeout;
      }
    }

    @Override
    public String getContentType() {
      return getHeaderField("Content-Type");
    }

    @Override
    public InputStream getInputStream() throws IOException {
      InputStream in = send().body();
      String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
      if (!"identity".equalsIgnoreCase(encoding.strip())) {
        // JGit would inflate it past the budget, which counts the bytes as they arrive.
        throw new IOException(url + " answered with Content-Encoding " + encoding + ", which was not asked for");
      }
      return new FilterInputStream(abort.budget().fromServer(in)) {
        @Override
        public void close() throws IOException {
          abort.closed(in);
          super.close();
        }
      };
    }

    @Override
    public String getHeaderField(String name) {
      return response == null ? null : response.headers().firstValue(name).orElse(null);
    }

    @Override
    public List<String> getHeaderFields(String name) {
      return response == null ? List.of() : response.headers().allValues(name);
    }

    @Override
    public int getContentLength() {
      return response == null ? -1 : (int) response.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
      // JGit follows redirects itself (and asks for none here); the client never does.
    }

    @Override
    public void setDoOutput(boolean dooutput) {
      // A body is sent when one was written.
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
      // The body is sent whole, with its length.
    }

    @Override
    public OutputStream getOutputStream() {
      if (body == null) {
        body = new ByteArrayOutputStream();
      }
      return body;
    }

    @Override
    public void setChunkedStreamingMode(int chunklen) {
      // The body is sent whole, with its length.
    }

    @Override
    public String getRequestMethod() {
      return method;
    }

    @Override
    public boolean usingProxy() {
      return proxy.type() != Proxy.Type.DIRECT;
    }

    @Override
    public void connect() throws IOException {
      send();
    }

    @Override
    public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws NoSuchAlgorithmException, KeyManagementException {
      ssl = SSLContext.getInstance("TLS");
      ssl.init(km, tm, random);
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier hostnameverifier) throws KeyManagementException {
      throw new KeyManagementException("hostname verification cannot be turned off");
    }
  }
}
