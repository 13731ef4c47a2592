package io.bcgitops.fetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.ApiServer.Request;
import io.bcgitops.runtime.ApiServer.Response;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.runtime.RuntimeApi.AppState;
import io.bcgitops.runtime.RuntimeApi.JarInfo;
import io.bcgitops.runtime.RuntimeApi.JarList;
import io.bcgitops.runtime.RuntimeApi.JarRequest;
import io.bcgitops.runtime.RuntimeApi.Problem;
import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.spec.SafeUrls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loader sidecar of a runtime pool (DESIGN.md section 6, embedded): fetches and verifies app
 * jars into the folder it shares with the runtime host, as {@code <dir>/<name>/<version>/app.jar},
 * with the same {@link ArtifactFetcher} as the vm init container. Serves the loader routes of
 * {@link RuntimeApi} over an {@link ApiServer}.
 *
 * <p>A request for a jar is answered at once ({@link #request}): the jar when a fetch of that same
 * request put it in the folder, else 202 while it is fetched in the background, on a few threads of
 * the loader's own ({@value #DOWNLOADS} at once); the caller asks again until the jar, or the
 * fetch's failure, is the answer. A failure stays the answer to that same request for
 * {@link #DEFAULT_RETRY_AFTER}, then the next request fetches again (the failure is still the
 * answer while it runs). Nobody waits for a download: not the operator's reconcile threads, nor
 * the API's.
 *
 * <p>Fetches of one name/version are serialized (one download at a time into a file), and a
 * fetch that waited for an identical one which completed meanwhile gets that one's result
 * instead of a second download. Different name/versions are fetched concurrently.
 *
 * <p>What the folder may hold is bounded twice: the downloads together never exceed
 * {@code maxTotalBytes} (the pod's /apps emptyDir has a sizeLimit a little above it, and the
 * kubelet evicts a pod past its sizeLimit, taking every app of the pool down, while a fetch refused
 * here fails that one app's version only); and {@link #removeUnused} removes the jars no app of the
 * host runs, such as the version before an upgrade, so the folder does not fill up over time.
 */
public final class LoaderServer {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderServer.class);

  /** The file name of every jar the loader writes. */
  public static final String JAR_FILE = "app.jar";

  /**
   * A name or version usable as one path segment: no '/', no '\', no leading '.', no "..", no
   * spaces or control characters. Wide enough for DNS labels and semantic versions (1.2.0-rc.1+b7).
   */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

  /** {@code GET /v1/health}: the loader serves, and how many jars its folder holds. */
  public record Health(String status, int jars) {
  }

  /** A jar's checksum, valid while the file keeps its size and modification time. */
  private record Known(long size, long modifiedMillis, String sha256) {
  }

  /** How long a jar just asked for is kept even if the host does not run it: the operator loads it right after. */
  public static final Duration DEFAULT_UNUSED_GRACE = Duration.ofMinutes(10);
  /** How long a failed fetch is the answer to the same request before that request fetches again. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
  /** Downloads that run at once. */
  static final int DOWNLOADS = 4;
  /** Fetches that may wait for a download thread; past it a request is answered 503, to be asked again. */
  static final int QUEUE = 1024;

  /** What a request for a jar is answered at once. */
  public sealed interface JarAnswer {
    /** The jar is in the folder, fetched for this same request. */
    record Ready(JarInfo jar) implements JarAnswer {
    }

    /** It is being fetched (or waits for a download thread): ask again. */
    record Fetching(String name, String version) implements JarAnswer {
    }

    /** The last fetch of this same request failed. */
    record Failed(ArtifactFetchException failure) implements JarAnswer {
    }

    /** Every download thread is busy and the queue is full: ask again. */
    record Busy(String message) implements JarAnswer {
    }
  }

  /** The latest fetch asked for a name/version, its outcome once done, and the failure it tries again after. */
  private static final class Fetch {
    final FetchRequest request;
    final CompletableFuture<FetchResult> outcome = new CompletableFuture<>();
    final ArtifactFetchException retrying;
    volatile long finishedNanos;

    Fetch(FetchRequest request, ArtifactFetchException retrying) {
      this.request = request;
      this.retrying = retrying;
    }
  }

  /** What the last fetch of a name/version asked and got, and when it ended. */
  private record Completed(FetchRequest request, FetchResult result, long finishedNanos) {
  }

  /** The lock of one name/version, with what its last fetch did. */
  private static final class Slot {
    Completed last;
  }

  private final Path dir;
  private final String defaultRepository;
  private final ArtifactFetcher fetcher;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  /** The latest fetch asked for, by name/version; guarded by itself. */
  private final Map<String, Fetch> fetches = new HashMap<>();
  private final ThreadPoolExecutor downloads;
  private final Duration retryAfter;
  private final Map<String, Object> nameLocks = new ConcurrentHashMap<>();
  private final Map<Path, Known> known = new ConcurrentHashMap<>();
  /** When each name/version was last asked for (System.nanoTime); the loader's start for jars found on disk. */
  private final Map<String, Long> lastAsked = new ConcurrentHashMap<>();
  private final long startedNanos = System.nanoTime();
  private final Duration unusedGrace;
  private final long maxTotalBytes;
  /** Bytes set aside for the downloads under way, so that two at once cannot both take the room left. */
  private long reservedBytes;

  /**
   * @param dir the shared folder; created when missing, and cleared of the partial downloads a
   *     killed loader may have left
   * @param defaultRepository the Maven repository of requests that name none
   * @param fetcher does the downloads
   */
  public LoaderServer(Path dir, String defaultRepository, ArtifactFetcher fetcher) throws IOException {
    this(dir, defaultRepository, fetcher, RuntimeApi.APPS_MAX_TOTAL_BYTES, DEFAULT_UNUSED_GRACE);
  }

  /**
   * @param maxTotalBytes the most the jars in the folder may take together
   * @param unusedGrace how long a jar asked for is kept whatever the host runs (see {@link #removeUnused})
   */
  public LoaderServer(Path dir, String defaultRepository, ArtifactFetcher fetcher, long maxTotalBytes,
      Duration unusedGrace) throws IOException {
    this(dir, defaultRepository, fetcher, maxTotalBytes, unusedGrace, DEFAULT_RETRY_AFTER);
  }

  /** @param retryAfter how long a failed fetch is the answer to the same request (tests shorten it) */
  LoaderServer(Path dir, String defaultRepository, ArtifactFetcher fetcher, long maxTotalBytes,
      Duration unusedGrace, Duration retryAfter) throws IOException {
    if (maxTotalBytes <= 0) {
      throw new IllegalArgumentException("the folder's byte limit must be positive");
    }
    this.maxTotalBytes = maxTotalBytes;
    this.unusedGrace = Objects.requireNonNull(unusedGrace, "unusedGrace");
    this.dir = dir.toAbsolutePath().normalize();
    this.defaultRepository = Objects.requireNonNull(defaultRepository, "defaultRepository");
    // Fails here, at startup, rather than on every maven request.
    ArtifactSource.ofMaven("a:b:1", defaultRepository);
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    Files.createDirectories(this.dir);
    removePartialDownloads();
    AtomicInteger threads = new AtomicInteger();
    downloads = new ThreadPoolExecutor(DOWNLOADS, DOWNLOADS, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(QUEUE),
        runnable -> {
          Thread thread = new Thread(runnable, "loader-fetch-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    // Idle threads end: a loader with nothing to fetch holds none.
    downloads.allowCoreThreadTimeOut(true);
  }

  /** Stops the downloads under way (their jars are not put in place) and the threads. */
  public void close() {
    downloads.shutdownNow();
  }

  public Path dir() {
    return dir;
  }

  /** Adds the loader's routes to a server. */
  public ApiServer routes(ApiServer api) {
    String segment = "([^/]+)";
    return api
        .route("GET", "/v1/health", guarded(request -> Response.ok(health())))
        .route("GET", "/v1/jars/?", guarded(request -> Response.ok(list())))
        .route("PUT", "/v1/jars/" + segment + "/" + segment, guarded(this::handlePut))
        .route("DELETE", "/v1/jars/" + segment + "/" + segment, guarded(request -> {
          delete(request.pathParams().get(0), request.pathParams().get(1));
          return new Response(204, null);
        }))
        // Anything else under /v1/jars (a name holding an encoded '/', a missing version): a bad request, not 404.
        .route("PUT", "/v1/jars/(.*)", guarded(LoaderServer::badJarPath))
        .route("DELETE", "/v1/jars/(.*)", guarded(LoaderServer::badJarPath));
  }

  /** Starts serving on address, with the pool's token. */
  public ApiServer serve(InetSocketAddress address, String token) throws IOException {
    return routes(new ApiServer(address, token)).start();
  }

  /**
   * Answers a handler's failures itself: 400 for a bad request, 500 for anything else. ApiServer
   * answers every IOException with 400, but here one is a failing disk, not the client's fault.
   */
  private static ApiServer.Handler guarded(ApiServer.Handler handler) {
    return request -> {
      try {
        return handler.handle(request);
      } catch (IllegalArgumentException e) {
        return new Response(400, new Problem("BadRequest", SafeUrls.redact(e.getMessage())));
      } catch (Exception e) {
        LOG.warn("loader request failed", e);
        return new Response(500, new Problem("InternalError", SafeUrls.redact(ArtifactFetcher.describe(e))));
      }
    };
  }

  private static Response badJarPath(Request request) {
    throw new IllegalArgumentException("expected /v1/jars/{name}/{version}, each one path segment");
  }

  private Response handlePut(Request request) {
    String name = request.pathParams().get(0);
    String version = request.pathParams().get(1);
    JarRequest body;
    try {
      body = request.bodyAs(JarRequest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not a JarRequest: " + SafeUrls.redact(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not a JarRequest: " + SafeUrls.redact(e.getMessage()));
    }
    if (body == null) {
      throw new IllegalArgumentException("the body must be a JarRequest JSON object");
    }
    JarAnswer answer = request(name, version, body);
    if (answer instanceof JarAnswer.Ready ready) {
      return Response.ok(ready.jar());
    }
    if (answer instanceof JarAnswer.Fetching fetching) {
      return new Response(202, new RuntimeApi.JarFetching(fetching.name(), fetching.version()));
    }
    if (answer instanceof JarAnswer.Failed failed) {
      return new Response(422, new Problem(failed.failure().reason().conditionReason(), failed.failure().getMessage()));
    }
    return new Response(503, new Problem("Busy", ((JarAnswer.Busy) answer).message()));
  }

  /**
   * Asks for {@code <dir>/<name>/<version>/app.jar} to hold the requested jar, and answers at once
   * where that stands; a fetch it needs runs in the background.
   *
   * @throws IllegalArgumentException when the request is malformed (nothing is fetched)
   */
  public JarAnswer request(String name, String version, JarRequest body) {
    Path folder = folder(name, version);
    FetchRequest request = fetchRequest(folder.resolve(JAR_FILE), body);
    String key = name + "/" + version;
    // A removal of unused jars sees the jar is wanted.
    lastAsked.put(key, System.nanoTime());
    synchronized (fetches) {
      Fetch last = fetches.get(key);
      if (last != null && last.request.equals(request)) {
        if (!last.outcome.isDone()) {
          return last.retrying != null ? new JarAnswer.Failed(last.retrying) : new JarAnswer.Fetching(name, version);
        }
        try {
          FetchResult result = last.outcome.join();
          if (unchanged(result)) {
            return new JarAnswer.Ready(info(name, version, result));
          }
        } catch (CompletionException e) {
          ArtifactFetchException failure = (ArtifactFetchException) e.getCause();
          if (System.nanoTime() - last.finishedNanos < retryAfter.toNanos()) {
            return new JarAnswer.Failed(failure);
          }
          return start(key, name, version, request, failure);
        }
      }
      return start(key, name, version, request, null);
    }
  }

  /** Queues a fetch of {@code request}; the answer meanwhile is {@code retrying}, the failure it tries again after. */
  private JarAnswer start(String key, String name, String version, FetchRequest request,
      ArtifactFetchException retrying) {
    Fetch fetch = new Fetch(request, retrying);
    try {
      downloads.execute(() -> {
        FetchResult result = null;
        ArtifactFetchException failure = null;
        try {
          result = fetchNow(name, version, request);
        } catch (ArtifactFetchException e) {
          failure = e;
        } catch (RuntimeException e) {
          LOG.warn("fetching {} failed", key, e);
          failure = new ArtifactFetchException(ArtifactFetchException.Reason.ARTIFACT_FETCH_FAILED,
              "the loader failed: " + ArtifactFetcher.describe(e));
        }
        // Before the outcome: whoever sees it done sees when.
        fetch.finishedNanos = System.nanoTime();
        if (failure == null) {
          fetch.outcome.complete(result);
        } else {
          fetch.outcome.completeExceptionally(failure);
        }
      });
    } catch (RejectedExecutionException e) {
      return new JarAnswer.Busy("the loader has " + QUEUE + " fetches waiting for its " + DOWNLOADS
          + " download threads; asked again shortly");
    }
    fetches.put(key, fetch);
    return retrying != null ? new JarAnswer.Failed(retrying) : new JarAnswer.Fetching(name, version);
  }

  /** Fetches {@code body}'s jar now, on this thread (tests; the API goes through {@link #request}). */
  JarInfo fetchNow(String name, String version, JarRequest body) throws ArtifactFetchException {
    return info(name, version, fetchNow(name, version, fetchRequest(folder(name, version).resolve(JAR_FILE), body)));
  }

  /**
   * Makes {@code <dir>/<name>/<version>/app.jar} hold the requested jar.
   *
   * @throws ArtifactFetchException when the jar could not be fetched or verified; a jar already
   *     there is kept as it was
   */
  private FetchResult fetchNow(String name, String version, FetchRequest request) throws ArtifactFetchException {
    Path folder = folder(name, version);
    String shown = describe(request.source());
    long arrived = System.nanoTime();
    Slot slot = slots.computeIfAbsent(name + "/" + version, key -> new Slot());
    synchronized (slot) {
      Completed last = slot.last;
      if (last != null && last.finishedNanos() - arrived > 0 && last.request().equals(request)
          && unchanged(last.result())) {
        // An identical request completed while this one waited: its jar is what this one asks for.
        LOG.info("kept {}/{} from {} (fetched for a concurrent request): {} bytes, sha256 {}", name, version, shown,
            last.result().size(), last.result().sha256());
        return last.result();
      }
      FetchResult result;
      ArtifactFetcher.SizeLimit room = null;
      try {
        synchronized (nameLock(name)) {
          // Under the name's lock: a delete of another version removes an empty name folder under it.
          createDirectories(folder);
        }
        room = reserveRoom();
        result = fetcher.fetch(request, room);
      } catch (ArtifactFetchException e) {
        LOG.warn("fetching {}/{} from {} failed: {}", name, version, shown, e.toLine());
        removeIfEmpty(name, folder);
        slot.last = null;
        throw e;
      } catch (RuntimeException e) {
        removeIfEmpty(name, folder);
        slot.last = null;
        throw e;
      } finally {
        release(room);
      }
      remember(result);
      slot.last = new Completed(request, result, System.nanoTime());
      LOG.info("{} {}/{} from {}: {} bytes, sha256 {}", result.downloaded() ? "fetched" : "kept (already verified)",
          name, version, shown, result.size(), result.sha256());
      return result;
    }
  }

  /**
   * The most the next download may write: what is left of {@code maxTotalBytes} once the folder's
   * files and the downloads under way are counted; set aside until {@link #release}.
   */
  private ArtifactFetcher.SizeLimit reserveRoom() throws ArtifactFetchException {
    long used;
    try {
      used = bytesIn(dir);
    } catch (IOException e) {
      throw new ArtifactFetchException(ArtifactFetchException.Reason.ARTIFACT_FETCH_FAILED,
          "cannot measure " + dir + ": " + ArtifactFetcher.describe(e));
    }
    synchronized (this) {
      long left = Math.max(0, maxTotalBytes - used - reservedBytes);
      long maxBytes = fetcher.settings().maxBytes();
      ArtifactFetcher.SizeLimit room = left >= maxBytes ? ArtifactFetcher.SizeLimit.of(maxBytes)
          : new ArtifactFetcher.SizeLimit(left, "the " + left + " bytes left of the " + maxTotalBytes
              + " this runtime pool's jars may take together (" + used + " in use); remove apps from the pool, or"
              + " give this one a runtime of its own");
      reservedBytes += room.bytes();
      return room;
    }
  }

  private synchronized void release(ArtifactFetcher.SizeLimit room) {
    if (room != null) {
      reservedBytes -= room.bytes();
    }
  }

  /**
   * Removes every jar no app of the host runs: of an app the host does not have, or of another
   * version than the one it runs. While an app is not Running (starting, upgrading, crashed),
   * every version of it stays, since the host may fall back to the previous one or restart it
   * from its jar; a jar asked for within the grace period stays too (the operator loads it into
   * the host right after fetching it). Deleting a jar the host has open does not disturb the app:
   * its class loader keeps the file open.
   *
   * @param hostApps the host's apps ({@code GET /v1/apps} of the pod's host)
   * @return the name/versions removed
   */
  public List<String> removeUnused(List<AppState> hostApps) throws IOException {
    Map<String, AppState> byName = new HashMap<>();
    hostApps.forEach(app -> byName.put(app.name(), app));
    List<String> removed = new ArrayList<>();
    for (JarInfo jar : list().jars()) {
      AppState app = byName.get(jar.name());
      boolean inUse = app != null && (app.state() != EmbeddedState.Running || jar.version().equals(app.version()));
      if (inUse || recentlyAsked(jar.name(), jar.version())) {
        continue;
      }
      Slot slot = slots.computeIfAbsent(jar.name() + "/" + jar.version(), key -> new Slot());
      synchronized (slot) {
        // Asked for again while this pass looked at the others: it is wanted after all.
        if (!recentlyAsked(jar.name(), jar.version())) {
          delete(jar.name(), jar.version());
          lastAsked.remove(jar.name() + "/" + jar.version());
          removed.add(jar.name() + "/" + jar.version());
        }
      }
    }
    if (!removed.isEmpty()) {
      LOG.info("removed jars no app of the host runs: {}", String.join(", ", removed));
    }
    return removed;
  }

  private boolean recentlyAsked(String name, String version) {
    long asked = lastAsked.getOrDefault(name + "/" + version, startedNanos);
    return System.nanoTime() - asked < unusedGrace.toNanos();
  }

  /** Every {@code <dir>/<name>/<version>/app.jar} present, by name then version. */
  public JarList list() throws IOException {
    List<JarInfo> jars = new ArrayList<>();
    for (Path nameDir : children(dir)) {
      String name = nameDir.getFileName().toString();
      if (!SEGMENT.matcher(name).matches()) {
        continue;
      }
      for (Path versionDir : children(nameDir)) {
        String version = versionDir.getFileName().toString();
        Path jar = versionDir.resolve(JAR_FILE);
        if (!SEGMENT.matcher(version).matches() || !Files.isRegularFile(jar)) {
          continue;
        }
        try {
          Known checksum = checksum(jar);
          jars.add(new JarInfo(name, version, jar.toString(), checksum.size(), checksum.sha256()));
        } catch (NoSuchFileException deletedMeanwhile) {
          // Gone between the listing and the read: not there.
        }
      }
    }
    jars.sort(Comparator.comparing(JarInfo::name).thenComparing(JarInfo::version));
    return new JarList(List.copyOf(jars));
  }

  /** Removes {@code <dir>/<name>/<version>} and everything in it; nothing to do when it is absent. */
  public void delete(String name, String version) throws IOException {
    Path folder = folder(name, version);
    synchronized (fetches) {
      fetches.remove(name + "/" + version);
    }
    Slot slot = slots.computeIfAbsent(name + "/" + version, key -> new Slot());
    synchronized (slot) {
      slot.last = null;
      boolean existed = Files.exists(folder);
      deleteRecursively(folder);
      known.keySet().removeIf(path -> path.startsWith(folder));
      synchronized (nameLock(name)) {
        deleteIfEmpty(folder.getParent());
      }
      if (existed) {
        LOG.info("deleted {}/{}", name, version);
      }
    }
  }

  public Health health() throws IOException {
    int jars = 0;
    for (Path nameDir : children(dir)) {
      for (Path versionDir : children(nameDir)) {
        if (SEGMENT.matcher(nameDir.getFileName().toString()).matches()
            && SEGMENT.matcher(versionDir.getFileName().toString()).matches()
            && Files.isRegularFile(versionDir.resolve(JAR_FILE))) {
          jars++;
        }
      }
    }
    return new Health("ok", jars);
  }

  /** {@code <dir>/<name>/<version>}, for names and versions that are safe path segments only. */
  Path folder(String name, String version) {
    checkSegment("name", name);
    checkSegment("version", version);
    Path folder = dir.resolve(name).resolve(version).normalize();
    if (!folder.getParent().getParent().equals(dir)) {
      // Cannot happen with SEGMENT; a second fence, since this path is deleted recursively.
      throw new IllegalArgumentException("'" + name + "/" + version + "' is not inside " + dir);
    }
    return folder;
  }

  private static void checkSegment(String what, String value) {
    if (value == null || !SEGMENT.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException("the " + what + " '" + printable(value) + "' is not a safe path segment:"
          + " letters, digits, '_', '.', '+' and '-', not starting with '.', no '..', at most 128 characters");
    }
  }

  private FetchRequest fetchRequest(Path dest, JarRequest body) {
    if ((body.url() == null) == (body.maven() == null)) {
      throw new IllegalArgumentException("give exactly one of url and maven");
    }
    if (body.url() != null && body.repository() != null) {
      throw new IllegalArgumentException("a repository only goes with maven coordinates");
    }
    if (body.mainClass() != null && !CLASS_NAME.matcher(body.mainClass()).matches()) {
      throw new IllegalArgumentException("mainClass '" + printable(body.mainClass()) + "' is not a Java class name");
    }
    ArtifactSource source = body.url() != null ? ArtifactSource.ofUrl(body.url())
        : ArtifactSource.ofMaven(body.maven(), body.repository() == null ? defaultRepository : body.repository());
    HttpCredentials credentials = body.credentials() == null ? HttpCredentials.NONE : body.credentials();
    return new FetchRequest(source, dest, body.sha256(), body.mainClass(), credentials);
  }

  /** Where a jar comes from, for the logs: never user info, never a query (signed URLs carry tokens there). */
  static String describe(ArtifactSource source) {
    if (source.url() != null) {
      return SafeUrls.display(URI.create(source.url()));
    }
    return source.coordinates() + " in " + describeRepository(source.repository());
  }

  /** A repository URL for the logs. */
  static String describeRepository(String repository) {
    return SafeUrls.display(URI.create(repository));
  }

  private static String printable(String value) {
    if (value == null) {
      return "";
    }
    String shown = value.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 140 ? shown.substring(0, 137) + "..." : shown;
  }

  private Object nameLock(String name) {
    return nameLocks.computeIfAbsent(name, key -> new Object());
  }

  private static void createDirectories(Path folder) throws ArtifactFetchException {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new ArtifactFetchException(ArtifactFetchException.Reason.ARTIFACT_FETCH_FAILED,
          "cannot create " + folder + ": " + ArtifactFetcher.describe(e));
    }
  }

  /** After a failed first fetch: no empty folder left behind for the host to wonder about. */
  private void removeIfEmpty(String name, Path folder) {
    try {
      deleteIfEmpty(folder);
      synchronized (nameLock(name)) {
        deleteIfEmpty(folder.getParent());
      }
    } catch (IOException e) {
      // An empty folder is harmless: list() skips folders without a jar.
    }
  }

  private static void deleteIfEmpty(Path folder) throws IOException {
    try {
      Files.deleteIfExists(folder);
    } catch (java.nio.file.DirectoryNotEmptyException notEmpty) {
      // Still in use.
    }
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Is the jar a completed fetch left still there, as it was? */
  private boolean unchanged(FetchResult result) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(result.dest(), BasicFileAttributes.class);
      Known remembered = known.get(result.dest());
      return attributes.isRegularFile() && remembered != null && remembered.size() == attributes.size()
          && remembered.modifiedMillis() == attributes.lastModifiedTime().toMillis()
          && remembered.sha256().equals(result.sha256());
    } catch (IOException e) {
      return false;
    }
  }

  private void remember(FetchResult result) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(result.dest(), BasicFileAttributes.class);
      if (attributes.size() == result.size()) {
        known.put(result.dest(), new Known(result.size(), attributes.lastModifiedTime().toMillis(), result.sha256()));
      }
    } catch (IOException e) {
      known.remove(result.dest());
    }
  }

  /** The jar's size and sha256: remembered while the file is unchanged, computed otherwise. */
  private Known checksum(Path jar) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
    long modified = attributes.lastModifiedTime().toMillis();
    Known remembered = known.get(jar);
    if (remembered != null && remembered.size() == attributes.size() && remembered.modifiedMillis() == modified) {
      return remembered;
    }
    ArtifactFetcher.Downloaded measured = ArtifactFetcher.measure(jar);
    Known computed = new Known(measured.size(), modified, measured.sha256());
    if (measured.size() == attributes.size()) {
      known.put(jar, computed);
    }
    return computed;
  }

  private static JarInfo info(String name, String version, FetchResult result) {
    return new JarInfo(name, version, result.dest().toString(), result.size(), result.sha256());
  }

  /** The size of every file under folder, together. */
  private static long bytesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.mapToLong(file -> {
        try {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
          return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (IOException goneMeanwhile) {
          return 0;
        }
      }).sum();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static List<Path> children(Path folder) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, Files::isDirectory)) {
      stream.forEach(children::add);
    } catch (NoSuchFileException gone) {
      return List.of();
    }
    return children;
  }

  /** The ".app.jar.*.part" files of downloads a killed loader did not finish (see ArtifactFetcher). */
  private void removePartialDownloads() throws IOException {
    for (Path nameDir : children(dir)) {
      for (Path versionDir : children(nameDir)) {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(versionDir, "." + JAR_FILE + ".*.part")) {
          for (Path part : parts) {
            Files.deleteIfExists(part);
          }
        }
      }
    }
  }
}
