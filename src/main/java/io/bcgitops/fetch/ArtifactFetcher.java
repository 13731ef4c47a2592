package io.bcgitops.fetch;

import io.bcgitops.fetch.ArtifactFetchException.Reason;
import io.bcgitops.spec.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Downloads an app's jar over HTTP(S), verifies it and puts it in place atomically: the fetch init
 * container of vm pods and, later, the loader sidecar of runtime pools both use it.
 *
 * <p>Guarantees: a file at dest is always a complete, verified jar (bytes go to a temporary file in
 * the same folder, are fsynced, checked, then renamed over dest); transient failures (connection
 * errors, timeouts, 5xx, 429, 408, a body cut short) are retried with exponential backoff, while
 * answers that would not change (other 4xx, checksum mismatch, not a jar, too large) fail at once.
 * Thread-safe: one fetcher can serve concurrent fetches to different dest files.
 */
public final class ArtifactFetcher {

  /**
   * How hard to try.
   *
   * @param timeout bounds connecting, waiting for the response headers, and any pause in the body
   *     (a whole download may take longer: a large jar on a slow link is not a failure)
   * @param retries attempts after the first one, for transient failures only
   * @param initialBackoff the wait before the first retry; it doubles for each next one, up to 30s
   * @param maxBytes the largest jar accepted
   */
  public record Settings(Duration timeout, int retries, Duration initialBackoff, long maxBytes) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    public Settings {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      if (retries < 0) {
        throw new IllegalArgumentException("retries must not be negative");
      }
      if (initialBackoff == null || initialBackoff.isNegative()) {
        throw new IllegalArgumentException("backoff must not be negative");
      }
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("max bytes must be positive");
      }
    }

    public static Settings defaults() {
      return new Settings(DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_BACKOFF, DEFAULT_MAX_BYTES);
    }

    public Settings withTimeout(Duration value) {
      return new Settings(value, retries, initialBackoff, maxBytes);
    }

    public Settings withRetries(int value) {
      return new Settings(timeout, value, initialBackoff, maxBytes);
    }

    public Settings withInitialBackoff(Duration value) {
      return new Settings(timeout, retries, value, maxBytes);
    }

    public Settings withMaxBytes(long value) {
      return new Settings(timeout, retries, initialBackoff, value);
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final String USER_AGENT = "bc-gitops-operator-fetch";

  // Watches for a body that stops arriving: the client's request timeout ends with the headers.
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "artifact-fetch-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  private final Settings settings;
  private final Consumer<String> notes;
  private final HttpClient client;

  public ArtifactFetcher(Settings settings) {
    this(settings, note -> { });
  }

  /**
   * @param notes receives one line per retry (what failed, when the next attempt is), for the logs
   */
  public ArtifactFetcher(Settings settings, Consumer<String> notes) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.notes = Objects.requireNonNull(notes, "notes");
    this.client = newClient(null);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Makes dest hold the requested jar: keeps it when it already has the pinned sha256, downloads
   * it otherwise.
   *
   * @throws ArtifactFetchException when it could not; dest is then as it was before the call
   */
  public FetchResult fetch(FetchRequest request) throws ArtifactFetchException {
    ArtifactSource source = request.source();
    if (source.snapshot()) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, source.snapshotMessage());
    }
    URI url = source.toUrl();
    String shown = SafeUrls.display(url);
    Path dest = request.dest().toAbsolutePath();

    FetchResult kept = keepExisting(request, dest, shown);
    if (kept != null) {
      return kept;
    }
    Path folder = dest.getParent();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "cannot create " + folder + ": " + describe(e));
    }

    OneOriginAuthenticator authenticator = url.getRawUserInfo() == null ? null : new OneOriginAuthenticator(url);
    HttpClient http = authenticator == null ? client : newClient(authenticator);
    HttpRequest get = HttpRequest.newBuilder(SafeUrls.withoutUserInfo(url))
        .GET()
        .timeout(settings.timeout())
        .header("User-Agent", USER_AGENT)
        .build();
    int attempts = settings.retries() + 1;
    Duration backoff = settings.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(http, authenticator, get, request, dest, shown);
      } catch (TransientFailure failure) {
        if (attempt >= attempts) {
          throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " failed"
              + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + failure.getMessage());
        }
        notes.accept("attempt " + attempt + " of " + attempts + " to download " + shown + " failed: "
            + failure.getMessage() + "; retrying in " + Durations.format(backoff));
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /** The result for a dest that already holds the pinned jar; null when it has to be downloaded. */
  private FetchResult keepExisting(FetchRequest request, Path dest, String shown) throws ArtifactFetchException {
    if (request.sha256() == null || !Files.isRegularFile(dest)) {
      return null;
    }
    Downloaded existing;
    try {
      existing = measure(dest);
    } catch (IOException e) {
      return null;
    }
    String actual = existing.sha256();
    if (!actual.equals(request.sha256())) {
      return null;
    }
    // Same bytes as last time, but the check still runs: the main class asked for may have changed.
    JarCheck.check(dest, request.mainClass(), shown);
    return new FetchResult(dest, existing.size(), actual, false);
  }

  /** A file's size and sha256, read in one pass. */
  static Downloaded measure(Path file) throws IOException {
    MessageDigest digest = sha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    }
    return new Downloaded(size, HexFormat.of().formatHex(digest.digest()));
  }

  /** One download into a fresh temporary file, moved onto dest only once verified. */
  private FetchResult attempt(HttpClient http, OneOriginAuthenticator authenticator, HttpRequest get,
      FetchRequest request, Path dest, String shown) throws TransientFailure, ArtifactFetchException {
    Path temp;
    try {
      // Same folder as dest: a rename is only atomic within one file system.
      temp = Files.createTempFile(dest.getParent(), "." + dest.getFileName() + ".", ".part");
    } catch (IOException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED,
          "cannot write to " + dest.getParent() + ": " + describe(e));
    }
    try {
      Downloaded downloaded = download(http, authenticator, get, temp, shown);
      if (request.sha256() != null && !request.sha256().equals(downloaded.sha256())) {
        throw new ArtifactFetchException(Reason.CHECKSUM_MISMATCH, shown + " has sha256 " + downloaded.sha256()
            + " but the spec expects " + request.sha256() + "; fix source.sha256, or check what the server serves");
      }
      JarCheck.check(temp, request.mainClass(), shown);
      install(temp, dest);
      return new FetchResult(dest, downloaded.size(), downloaded.sha256(), true);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // A stray .part file is harmless: the next attempt uses a new name.
      }
    }
  }

  record Downloaded(long size, String sha256) {
  }

  private Downloaded download(HttpClient http, OneOriginAuthenticator authenticator, HttpRequest get, Path temp,
      String shown) throws TransientFailure, ArtifactFetchException {
    HttpResponse<InputStream> response;
    try {
      response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new TransientFailure("could not connect within " + Durations.format(settings.timeout()));
    } catch (HttpTimeoutException e) {
      throw new TransientFailure("no response within " + Durations.format(settings.timeout()));
    } catch (ConnectException e) {
      // The JDK client's ConnectException carries no message: say what it means.
      throw new TransientFailure("cannot connect to " + get.uri().getHost() + ":" + port(get.uri())
          + " (refused or unreachable)");
    } catch (IOException e) {
      // The client turns a 401 its authenticator declines into an IOException; the answer will not change.
      if (authenticator != null && authenticator.declined()) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
            + " failed: the server answered HTTP 401" + hint(401));
      }
      throw new TransientFailure(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " was interrupted");
    }

    InputStream body = response.body();
    try {
      int status = response.statusCode();
      if (status == 408 || status == 429 || status >= 500) {
        throw new TransientFailure("the server answered HTTP " + status);
      }
      if (status != 200) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
            + " failed: the server answered HTTP " + status + hint(status));
      }
      OptionalLong length = response.headers().firstValueAsLong("Content-Length");
      if (length.isPresent() && length.getAsLong() > settings.maxBytes()) {
        throw tooLarge(shown, length.getAsLong() + " bytes");
      }
      return stream(body, length, temp, shown);
    } finally {
      // Closing an unread body drops the connection instead of reading it to the end.
      closeQuietly(body);
    }
  }

  /** Copies the body into temp, hashing as it goes, and aborts past maxBytes or after a pause longer than the timeout. */
  private Downloaded stream(InputStream body, OptionalLong length, Path temp, String shown)
      throws TransientFailure, ArtifactFetchException {
    MessageDigest digest = sha256();
    long timeoutNanos = settings.timeout().toNanos();
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    long period = Math.max(10, Math.min(1_000, settings.timeout().toMillis() / 4));
    ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastProgress.get() > timeoutNanos && stalled.compareAndSet(false, true)) {
        // Closing the stream wakes the blocked read with an IOException.
        closeQuietly(body);
      }
    }, period, period, TimeUnit.MILLISECONDS);
    long size = 0;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[64 * 1024];
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          if (stalled.get()) {
            throw new TransientFailure("no data for " + Durations.format(settings.timeout()) + " after "
                + received(size, length));
          }
          throw new TransientFailure("the connection broke after " + received(size, length) + ": " + describe(e));
        }
        if (n < 0) {
          break;
        }
        lastProgress.set(System.nanoTime());
        size += n;
        if (size > settings.maxBytes()) {
          throw tooLarge(shown, "more than " + settings.maxBytes() + " bytes");
        }
        digest.update(buffer, 0, n);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
      if (length.isPresent() && size < length.getAsLong()) {
        throw new TransientFailure("the server closed the connection after " + received(size, length));
      }
      out.force(true);
    } catch (IOException e) {
      // Reads are handled above: this is the local file (disk full, read-only volume), not worth a retry.
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "cannot write " + temp + ": " + describe(e));
    } finally {
      watch.cancel(false);
    }
    return new Downloaded(size, HexFormat.of().formatHex(digest.digest()));
  }

  private ArtifactFetchException tooLarge(String shown, String size) {
    return new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, shown + " is " + size
        + ", over the limit of " + settings.maxBytes() + " bytes");
  }

  private static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  private static String received(long size, OptionalLong length) {
    return size + (length.isPresent() ? " of " + length.getAsLong() : "") + " bytes";
  }

  /** Readable by the app container, which may run as another user; then renamed over dest. */
  private static void install(Path temp, Path dest) throws ArtifactFetchException {
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: its default permissions apply.
      }
      try {
        Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED,
            "cannot rename a file onto " + dest + " atomically: " + describe(e));
      }
    } catch (IOException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "cannot write " + dest + ": " + describe(e));
    }
    // Makes the rename itself durable; not every platform can open a folder, and that is fine.
    try (FileChannel folder = FileChannel.open(dest.getParent(), StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException e) {
      // Best effort.
    }
  }

  private HttpClient newClient(Authenticator authenticator) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NORMAL);
    ProxySelector proxies = ProxySelector.getDefault();
    if (proxies != null) {
      builder.proxy(proxies);
    }
    if (authenticator != null) {
      builder.authenticator(authenticator);
    }
    return builder.build();
  }

  /**
   * Answers a 401 from the URL's own origin with the URL's user:password, and nobody else: unlike
   * an Authorization header, it is not forwarded when a redirect leads to another host (a CDN, S3).
   * It answers once only, so a wrong password ends at once instead of in the client's own retries.
   */
  private static final class OneOriginAuthenticator extends Authenticator {
    private final String scheme;
    private final String host;
    private final int port;
    private final String user;
    private final char[] password;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean declined = new AtomicBoolean();

    OneOriginAuthenticator(URI url) {
      scheme = url.getScheme().toLowerCase(Locale.ROOT);
      host = url.getHost().toLowerCase(Locale.ROOT);
      port = effectivePort(scheme, url.getPort());
      String userInfo = url.getRawUserInfo();
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = decode(colon < 0 ? "" : userInfo.substring(colon + 1)).toCharArray();
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
      if (getRequestorType() != RequestorType.SERVER || !sameOrigin(getRequestingURL())
          || !used.compareAndSet(false, true)) {
        declined.set(true);
        return null;
      }
      return new PasswordAuthentication(user, password.clone());
    }

    /** True once a 401 went unanswered: the credentials were refused, or another host asked for some. */
    boolean declined() {
      return declined.get();
    }

    private boolean sameOrigin(URL requesting) {
      if (requesting == null) {
        return false;
      }
      String requestScheme = requesting.getProtocol().toLowerCase(Locale.ROOT);
      return requestScheme.equals(scheme) && requesting.getHost().toLowerCase(Locale.ROOT).equals(host)
          && effectivePort(requestScheme, requesting.getPort()) == port;
    }

    private static int effectivePort(String scheme, int port) {
      return port != -1 ? port : scheme.equals("https") ? 443 : 80;
    }

    private static String decode(String raw) {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> " (unauthorized): the URL needs credentials, or they are wrong";
      case 403 -> " (forbidden): the credentials do not give access to it";
      case 404 -> " (not found): check the url, or the coordinates and repository";
      default -> "";
    };
  }

  private static void sleep(Duration duration) throws ArtifactFetchException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "the download was interrupted");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  /**
   * "EOFException: EOF reached while reading": the deepest cause that has a message, since the JDK
   * client wraps the telling exception in ones that say little ("closed").
   */
  static String describe(Throwable e) {
    Throwable telling = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      // new IOException(cause) only repeats the cause's toString(): not a message of its own.
      boolean wrapper = t.getCause() != null && t.getCause().toString().equals(t.getMessage());
      if (t.getMessage() != null && !wrapper) {
        telling = t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String name = telling.getClass().getSimpleName();
    return SafeUrls.redact(telling.getMessage() == null ? name : name + ": " + telling.getMessage());
  }

  /** A failure the next attempt may not have. */
  private static final class TransientFailure extends Exception {
    TransientFailure(String message) {
      super(SafeUrls.redact(message), null, false, false);
    }
  }
}
