package io.bcgitops.fetch;

import io.bcgitops.api.Durations;
import io.bcgitops.fetch.ArtifactFetchException.Reason;
import io.bcgitops.spec.SafeUrls;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.function.Consumer;

/**
 * Downloads an app's jar over HTTP(S), verifies it and puts it in place atomically: the fetch init
 * container of vm pods and, later, the loader sidecar of runtime pools both use it.
 *
 * <p>Guarantees: a file at dest is always a complete, verified jar (bytes go to a temporary file in
 * the same folder, are fsynced, checked, then renamed over dest); a fetch ends within its timeout,
 * however slowly the server answers (a byte every few seconds trips no per-read timeout, so the
 * timeout is a deadline for the whole fetch); transient failures (connection errors, 5xx, 429,
 * 408, a body cut short) are retried with exponential backoff while time is left, while answers
 * that would not change (other 4xx, checksum mismatch, not a jar, too large) fail at once.
 * Thread-safe: one fetcher can serve concurrent fetches to different dest files.
 *
 * <p>What may travel where ({@link SafeUrls#protectedInTransit}: https, or http to loopback): a jar
 * with no pinned sha256 only comes over protected hops, since over plain http anyone on the way can
 * swap it; credentials go only to the URL's own origin (scheme, host, port) and only over a
 * protected hop. Redirects are followed here, hop by hop, rather than by the JDK client, which
 * copies an Authorization header to whatever host a redirect names; https to http is refused.
 */
public final class ArtifactFetcher {

  /**
   * How hard to try.
   *
   * @param timeout a deadline for the whole fetch: connecting, the response, the body, and the retries and the waits
   *     between them; at it the connection is closed and the fetch fails
   * @param retries attempts after the first one, for transient failures only, while the timeout leaves time
   * @param initialBackoff the wait before the first retry; it doubles for each next one, up to 30s
   * @param maxBytes the largest jar accepted
   */
  public record Settings(Duration timeout, int retries, Duration initialBackoff, long maxBytes) {
    /** The largest jar ({@link #DEFAULT_MAX_BYTES}) at a little under 1 MB/s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
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

  /**
   * The most one download may write, and how a message names that bound ("the limit of 268435456
   * bytes", or a runtime pool's room left).
   */
  public record SizeLimit(long bytes, String description) {
    public SizeLimit {
      if (bytes < 0) {
        throw new IllegalArgumentException("a size limit must not be negative");
      }
      Objects.requireNonNull(description, "description");
    }

    static SizeLimit of(long maxBytes) {
      return new SizeLimit(maxBytes, "the limit of " + maxBytes + " bytes");
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final String USER_AGENT = "bc-gitops-operator-fetch";
  /** As the JDK client's own limit. */
  private static final int MAX_REDIRECTS = 5;

  // Ends a body still arriving at the deadline: the client's request timeout ends with the headers.
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
    this.client = newClient();
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
    return fetch(request, SizeLimit.of(settings.maxBytes()));
  }

  /** As {@link #fetch(FetchRequest)}, with a download bound of this call's own (never above the settings'). */
  public FetchResult fetch(FetchRequest request, SizeLimit limit) throws ArtifactFetchException {
    Deadline deadline = new Deadline(System.nanoTime() + settings.timeout().toNanos(), settings.timeout());
    SizeLimit bound = limit.bytes() > settings.maxBytes() ? SizeLimit.of(settings.maxBytes()) : limit;
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
    // Refused before any request: nothing to retry, and nothing sent.
    checkTransport(request, url, shown);
    Path folder = dest.getParent();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "cannot create " + folder + ": " + describe(e));
    }

    int attempts = settings.retries() + 1;
    Duration backoff = settings.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(url, request, dest, shown, bound, deadline);
      } catch (TransientFailure failure) {
        if (attempt >= attempts) {
          throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " failed"
              + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + failure.getMessage());
        }
        if (deadline.left().compareTo(backoff) <= 0) {
          throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " failed"
              + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + failure.getMessage()
              + "; no time left for another within the timeout of " + deadline.shown());
        }
        notes.accept("attempt " + attempt + " of " + attempts + " to download " + shown + " failed: "
            + failure.getMessage() + "; retrying in " + Durations.format(backoff));
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /** A jar not pinned by sha256, or credentials, over plain http to another machine: refused. */
  private static void checkTransport(FetchRequest request, URI url, String shown) throws ArtifactFetchException {
    if (SafeUrls.protectedInTransit(url)) {
      return;
    }
    if (request.credentials().present()) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, shown + " is plain http: credentials are"
          + " only sent over https; use an https URL (or repository)");
    }
    if (request.sha256() == null) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, shown + " is plain http and no sha256 pins"
          + " the jar, so anyone on the way could replace it; set source.sha256, or use an https URL (or repository)");
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

  /** When a fetch must be over, and its timeout as a message names it. */
  private record Deadline(long atNanos, Duration timeout) {
    Duration left() {
      return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    String shown() {
      return Durations.format(timeout);
    }

    /** The failure of a fetch past its deadline: nothing is retried. */
    ArtifactFetchException passed(String shown, String what) {
      return new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " did not finish"
          + " within the timeout of " + shown() + ": " + what);
    }
  }

  /** One download into a fresh temporary file, moved onto dest only once verified. */
  private FetchResult attempt(URI url, FetchRequest request, Path dest, String shown, SizeLimit limit,
      Deadline deadline) throws TransientFailure, ArtifactFetchException {
    Path temp;
    try {
      // Same folder as dest: a rename is only atomic within one file system.
      temp = Files.createTempFile(dest.getParent(), "." + dest.getFileName() + ".", ".part");
    } catch (IOException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED,
          "cannot write to " + dest.getParent() + ": " + describe(e));
    }
    try {
      Downloaded downloaded = download(url, request, temp, shown, limit, deadline);
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

  private Downloaded download(URI url, FetchRequest request, Path temp, String shown, SizeLimit limit,
      Deadline deadline) throws TransientFailure, ArtifactFetchException {
    HttpResponse<InputStream> response = follow(url, request, shown, deadline);
    InputStream body = response.body();
    try {
      int status = response.statusCode();
      if (status == 408 || status == 429 || status >= 500) {
        throw new TransientFailure("the server answered HTTP " + status);
      }
      if (status != 200) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
            + " failed: the server answered HTTP " + status + hint(status, request.credentials().present()));
      }
      OptionalLong length = response.headers().firstValueAsLong("Content-Length");
      if (length.isPresent() && length.getAsLong() > limit.bytes()) {
        throw tooLarge(shown, length.getAsLong() + " bytes", limit);
      }
      return stream(body, length, temp, shown, limit, deadline);
    } finally {
      // Closing an unread body drops the connection instead of reading it to the end.
      closeQuietly(body);
    }
  }

  /**
   * GETs url and follows its redirects: each hop gets the credentials only when it is the URL's
   * own origin over a protected transport, and a hop the jar may not travel over is refused.
   */
  private HttpResponse<InputStream> follow(URI url, FetchRequest request, String shown, Deadline deadline)
      throws TransientFailure, ArtifactFetchException {
    URI hop = url;
    for (int redirects = 0; ; redirects++) {
      Duration left = deadline.left();
      if (left.isZero()) {
        throw deadline.passed(shown, "no response yet");
      }
      HttpRequest.Builder get = HttpRequest.newBuilder(hop).GET().timeout(left)
          .header("User-Agent", USER_AGENT);
      if (request.credentials().present() && SafeUrls.mayCarryCredentials(hop, url)) {
        get.header("Authorization", request.credentials().authorization());
      }
      HttpResponse<InputStream> response = send(get.build(), shown, deadline);
      int status = response.statusCode();
      if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
        return response;
      }
      closeQuietly(response.body());
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
            + " failed: the server answered HTTP " + status + " with no Location to go to");
      }
      if (redirects >= MAX_REDIRECTS) {
        throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
            + " failed: more than " + MAX_REDIRECTS + " redirects");
      }
      hop = redirectTarget(hop, location, request, shown);
    }
  }

  /** Where a redirect from {@code from} to {@code location} leads, when the jar may go there. */
  static URI redirectTarget(URI from, String location, FetchRequest request, String shown)
      throws ArtifactFetchException {
    URI next;
    try {
      next = from.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
          + " failed: the server redirected to an invalid URL");
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown
          + " failed: the server redirected to " + SafeUrls.display(next) + ", which is not an http(s) URL");
    }
    boolean downgrade = "https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http");
    if (downgrade || request.sha256() == null && !SafeUrls.protectedInTransit(next)) {
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " failed: the server"
          + " redirected to plain http (" + SafeUrls.display(next) + "), where anyone on the way could replace the"
          + " jar; refused" + (request.sha256() == null ? " (a sha256 in the spec would allow it)" : ""));
    }
    return next;
  }

  private HttpResponse<InputStream> send(HttpRequest get, String shown, Deadline deadline) throws TransientFailure,
      ArtifactFetchException {
    try {
      return client.send(get, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      // The request's timeout is the time left: it ran out.
      throw deadline.passed(shown, "could not connect to " + get.uri().getHost() + ":" + port(get.uri()));
    } catch (HttpTimeoutException e) {
      throw deadline.passed(shown, "no response");
    } catch (ConnectException e) {
      // The JDK client's ConnectException carries no message: say what it means.
      throw new TransientFailure("cannot connect to " + get.uri().getHost() + ":" + port(get.uri())
          + " (refused or unreachable)");
    } catch (IOException e) {
      throw new TransientFailure(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, "downloading " + shown + " was interrupted");
    }
  }

  /** Copies the body into temp, hashing as it goes, and aborts past maxBytes or at the deadline. */
  private Downloaded stream(InputStream body, OptionalLong length, Path temp, String shown, SizeLimit limit,
      Deadline deadline) throws TransientFailure, ArtifactFetchException {
    MessageDigest digest = sha256();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> watch = WATCHDOG.schedule(() -> {
      expired.set(true);
      // Closing the stream wakes the blocked read with an IOException.
      closeQuietly(body);
    }, deadline.left().toNanos(), TimeUnit.NANOSECONDS);
    long size = 0;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[64 * 1024];
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          if (expired.get()) {
            throw deadline.passed(shown, received(size, length) + " arrived");
          }
          throw new TransientFailure("the connection broke after " + received(size, length) + ": " + describe(e));
        }
        if (n < 0) {
          if (expired.get()) {
            throw deadline.passed(shown, received(size, length) + " arrived");
          }
          break;
        }
        size += n;
        if (size > limit.bytes()) {
          throw tooLarge(shown, "more than " + limit.bytes() + " bytes", limit);
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

  private static ArtifactFetchException tooLarge(String shown, String size, SizeLimit limit) {
    return new ArtifactFetchException(Reason.ARTIFACT_FETCH_FAILED, shown + " is " + size + ", over "
        + limit.description());
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

  /** Redirects are followed by {@link #follow}, which decides what each hop may get. */
  private HttpClient newClient() {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    ProxySelector proxies = ProxySelector.getDefault();
    if (proxies != null) {
      builder.proxy(proxies);
    }
    return builder.build();
  }

  private static String hint(int status, boolean credentialsGiven) {
    return switch (status) {
      case 401 -> credentialsGiven ? " (unauthorized): the credentials of source.secretRef are wrong"
          : " (unauthorized): it needs credentials; name a Secret holding them in source.secretRef";
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
