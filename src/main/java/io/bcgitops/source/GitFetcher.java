package io.bcgitops.source;

import io.bcgitops.spec.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.TooLargeObjectInPackException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;
import org.semver4j.Semver;

/**
 * Fetches one ref of a remote repository into a local cache (a bare repository: nothing is checked
 * out; {@link GitCommitTree} reads what the operator needs straight from the commit). The cache is
 * kept between calls, so each fetch after the first transfers only new objects; the first fetch of
 * a branch or tag takes its tip without the history before it (a shallow clone).
 *
 * <p>A fetch is bounded whatever the remote does: the timeout is a deadline for the whole fetch
 * (its transport is closed there, however slowly the server trickles), the pack it may download
 * and every object in it are capped by {@link FetchLimits}, and no credential is written to the
 * cache (the remote's URL, which JGit writes into FETCH_HEAD, is stored without user info).
 */
public final class GitFetcher {
  /** The cache's own section of its config. */
  private static final String CONFIG_SECTION = "bcgitops";
  /** How often the pack being downloaded is measured against {@link FetchLimits#fetchBytes()}. */
  private static final Duration SIZE_CHECK = Duration.ofMillis(100);
  /** Fires every fetch's deadline and size checks; its tasks only flag and interrupt, never block. */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  static {
    // git:// through a transport whose socket a fetch's end closes (JGit's own keeps it to itself).
    Transport.register(AbortableGitTransport.PROTOCOL);
  }

  private final FetchLimits limits;

  /** A fetcher within the default limits. */
  public GitFetcher() {
    this(FetchLimits.DEFAULTS);
  }

  public GitFetcher(FetchLimits limits) {
    this.limits = limits;
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "bcgitops-git-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * Brings the cache {@code directory} to the revision {@code ref} names at {@code url}, within
   * {@code timeout} from now.
   *
   * @throws GitFetchException with a message safe to show: credentials are redacted
   */
  public FetchedRevision fetch(String url, GitReference ref, GitCredentials credentials, Duration timeout,
      Path directory) throws GitFetchException {
    if (ref.problem() != null) {
      throw new GitFetchException(GitFetchException.Kind.INVALID_REF, ref.kind().name().toLowerCase(Locale.ROOT)
          + " " + ref.problem());
    }
    Remote remote = Remote.of(url, credentials);
    Instant deadline = Instant.now().plus(timeout);
    try {
      return fetchInto(remote, ref, timeout, deadline, directory);
    } catch (BrokenCacheException broken) {
      // A crash can leave the cache broken (a stale lock, a half-written ref); it is only a cache.
      try {
        deleteRecursively(directory);
      } catch (IOException e) {
        throw new GitFetchException(GitFetchException.Kind.FETCH, "cannot reset the git cache: " + e.getMessage());
      }
      try {
        return fetchInto(remote, ref, timeout, deadline, directory);
      } catch (BrokenCacheException again) {
        throw new GitFetchException(GitFetchException.Kind.FETCH, "the git cache is unusable even after a fresh"
            + " clone: " + remote.credentials().redact(again.getMessage()));
      }
    }
  }

  /**
   * The remote as JGit is given it: a URL without user info (JGit writes it into FETCH_HEAD), and
   * the credentials, from the Secret or else from the URL's user info.
   *
   * @param url what JGit fetches from
   * @param safeUrl the URL for messages: its user info redacted
   */
  private record Remote(String url, String safeUrl, GitCredentials credentials) {
    static Remote of(String url, GitCredentials credentials) throws GitFetchException {
      String safe = credentials.redact(url);
      URIish uri;
      try {
        uri = new URIish(url);
      } catch (URISyntaxException e) {
        return new Remote(url, safe, credentials); // JGit says what is wrong with it
      }
      boolean ssh = uri.getScheme() == null || uri.getScheme().contains("ssh");
      if (uri.getPass() == null && (ssh || uri.getUser() == null)) {
        return new Remote(url, safe, credentials); // at most an SSH login name, which is no secret
      }
      GitCredentials effective = credentials;
      if (!ssh && !credentials.http().present()) {
        try {
          effective = new GitCredentials(uri.getUser(), uri.getPass(), null, null, null);
        } catch (IllegalArgumentException e) {
          throw new GitFetchException(GitFetchException.Kind.AUTHENTICATION, "the user info of " + safe + ": "
              + e.getMessage());
        }
      }
      URIish stripped = ssh ? uri.setPass(null) : uri.setUser(null).setPass(null);
      return new Remote(stripped.toString(), effective.redact(safe), effective);
    }
  }

  /** The local side failed: the cache must be cloned again. */
  private static final class BrokenCacheException extends Exception {
    BrokenCacheException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private FetchedRevision fetchInto(Remote remote, GitReference ref, Duration timeout, Instant deadline,
      Path directory) throws GitFetchException, BrokenCacheException {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw timedOut(remote, ref, timeout);
    }
    try (Repository repository = openOrInit(directory, remote.url());
        Git git = new Git(repository);
        Authentication auth = new Authentication(remote.credentials(), CredentialScope.of(remote.url(),
            remote.credentials().http()), directory.resolveSibling(directory.getFileName() + ".ssh"))) {
      FetchResult fetched = fetchBounded(git, remote, ref, auth, timeout, left);
      for (TrackingRefUpdate update : fetched.getTrackingRefUpdates()) {
        if (!UPDATED.contains(update.getResult())) {
          throw new BrokenCacheException("updating " + update.getLocalName() + " failed: " + update.getResult(), null);
        }
      }
      try {
        String refName = ref.kind() == GitReference.Kind.SEMVER ? highestTagIn(repository, ref.value()) : ref.value();
        ObjectId commit = resolveCommit(repository, ref, refName, remote.safeUrl());
        repackIfTooManyPacks(git);
        return FetchedRevision.of(ref.kind() == GitReference.Kind.COMMIT ? null : refName, commit.name(), directory);
      } catch (IOException | RuntimeException e) {
        throw new BrokenCacheException("reading the fetched refs failed: " + e.getMessage(), e);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new BrokenCacheException("opening the cache failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the fetch on this thread, ended from the timer at the deadline or once the pack it
   * downloads grows past {@link FetchLimits#fetchBytes()}.
   */
  private FetchResult fetchBounded(Git git, Remote remote, GitReference ref, Authentication auth, Duration timeout,
      Duration left) throws GitFetchException, BrokenCacheException {
    FetchAbort abort = new FetchAbort();
    Path objects = git.getRepository().getDirectory().toPath().resolve("objects");
    long packsBefore = bytesOf(objects.resolve("pack"), "*.pack");
    ScheduledFuture<?> atDeadline = TIMER.schedule(() -> abort.abort(FetchAbort.Reason.DEADLINE),
        left.toMillis(), TimeUnit.MILLISECONDS);
    ScheduledFuture<?> sizeCheck = TIMER.scheduleWithFixedDelay(() -> {
      if (bytesOf(objects, "incoming_*") > limits.fetchBytes().value()) {
        abort.abort(FetchAbort.Reason.TOO_LARGE);
      }
    }, SIZE_CHECK.toMillis(), SIZE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    FetchResult result = null;
    Exception failure = null;
    try {
      result = fetchRefs(git, remote.url(), ref, auth, timeout, abort);
    } catch (GitAPIException | IOException | RuntimeException e) {
      failure = e;
    } finally {
      atDeadline.cancel(false);
      sizeCheck.cancel(false);
    }
    FetchAbort.Reason ended = abort.finish();
    if (ended == FetchAbort.Reason.DEADLINE) {
      throw timedOut(remote, ref, timeout);
    }
    if (ended == FetchAbort.Reason.TOO_LARGE || failure == null
        && bytesOf(objects.resolve("pack"), "*.pack") - packsBefore > limits.fetchBytes().value()) {
      // Downloaded faster than measured while it ran: the pack is there, and is dropped with the cache.
      deleteQuietly(git.getRepository().getDirectory().toPath());
      throw new GitFetchException(GitFetchException.Kind.TOO_LARGE, "fetching " + ref + " from " + remote.safeUrl()
          + " was stopped: its pack is larger than " + limits.fetchBytes().amount() + ", the limit "
          + limits.fetchBytes().setting() + " sets");
    }
    if (failure == null) {
      return result;
    }
    if (failure instanceof JGitInternalException
        && String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("lock")) {
      throw new BrokenCacheException(failure.getMessage(), failure);
    }
    throw classify(failure, remote, ref);
  }

  private static GitFetchException timedOut(Remote remote, GitReference ref, Duration timeout) {
    return new GitFetchException(GitFetchException.Kind.FETCH, "fetching " + ref + " from " + remote.safeUrl()
        + " did not finish within " + Durations.format(timeout) + " (spec.timeout) and was stopped; the server is"
        + " slow or not answering");
  }

  /**
   * The bytes of the files in a folder matching a glob: the packs being received (JGit writes
   * them as objects/incoming_*.pack until complete), or those in objects/pack.
   */
  private static long bytesOf(Path folder, String glob) {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
      for (Path file : files) {
        try {
          total += Files.size(file);
        } catch (IOException gone) {
          // Renamed into place, or removed, since listed.
        }
      }
    } catch (IOException | RuntimeException e) {
      return total;
    }
    return total;
  }

  private static void deleteQuietly(Path directory) {
    try {
      deleteRecursively(directory);
    } catch (IOException e) {
      // The next fetch finds the cache unusable and starts it again.
    }
  }

  /**
   * Each fetch that brings something new writes a pack of its own, and every fetch and checkout
   * loads and searches the index of every pack; JGit's own gc merges them only at 50
   * (gc.autoPackLimit). The cache is repacked into one pack once it holds more than this many, so
   * that an operator fetching new commits for months keeps a few packs, not dozens.
   */
  static final int MAX_PACKS = 4;

  /** Repacks the cache into one pack when it holds more than {@link #MAX_PACKS}; housekeeping, so a failure is ignored. */
  private static void repackIfTooManyPacks(Git git) {
    Path packs = git.getRepository().getDirectory().toPath().resolve("objects").resolve("pack");
    try (Stream<Path> files = Files.list(packs)) {
      if (files.filter(f -> f.getFileName().toString().endsWith(".pack")).count() <= MAX_PACKS) {
        return;
      }
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    try {
      // JGit keeps replaced packs for an hour (gc.prunePackExpire) for readers that may still use
      // them; this cache has one reader, the fetch that repacks it.
      git.getRepository().getConfig().setString("gc", null, "prunePackExpire", "now");
      // Bitmaps serve clones of this repository; nothing fetches from the cache.
      git.getRepository().getConfig().setBoolean("pack", null, "buildBitmaps", false);
      git.gc().setPreserveOldPacks(false).call();
    } catch (GitAPIException | RuntimeException e) {
      // The next fetch tries again; the checkout is done and the cache still valid.
    }
  }

  /** Results of a ref update that leave the ref where the remote has it. */
  private static final Set<RefUpdate.Result> UPDATED = EnumSet.of(RefUpdate.Result.NEW, RefUpdate.Result.FORCED,
      RefUpdate.Result.FAST_FORWARD, RefUpdate.Result.NO_CHANGE, RefUpdate.Result.RENAMED);

  /**
   * Opens the cache, or starts an empty one. The URL itself is not stored, only its hash: a cache
   * fetched from another URL is started again, so that nothing of the other repository (a commit
   * of a fork, say) can be resolved. A cache of an earlier version (a checkout, with a .git folder)
   * is started again too.
   */
  private Repository openOrInit(Path directory, String url) throws IOException {
    String urlHash = sha256(url);
    if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isRegularFile(directory.resolve("HEAD")) && Files.isDirectory(directory.resolve("objects"))) {
        Repository repository = null;
        try {
          repository = open(directory);
          repository.getRefDatabase().getRefs();
          if (urlHash.equals(repository.getConfig().getString(CONFIG_SECTION, null, "url-sha256"))) {
            return repository;
          }
        } catch (IOException | RuntimeException corrupt) {
          // A cache that cannot be read (a crash mid-write, a full disk) is only a cache: start again.
        }
        if (repository != null) {
          repository.close();
        }
      }
      deleteRecursively(directory);
    }
    Files.createDirectories(directory);
    Repository repository = open(directory);
    repository.create(true);
    StoredConfig config = repository.getConfig();
    config.setString(CONFIG_SECTION, null, "url-sha256", urlHash);
    config.save();
    return repository;
  }

  private Repository open(Path directory) throws IOException {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare();
    builder.setup();
    return new LimitedRepository(builder, limits.objectBytes().value());
  }

  /**
   * The cache, whose fetches refuse a pack with an object over the limit before holding any of it:
   * JGit inflates a folder listing, a commit, or the base of a delta whole into memory while it
   * indexes a pack, so one object of a few GB (a few MB on the wire) would exhaust the heap.
   */
  private static final class LimitedRepository extends FileRepository {
    private final long maxObjectBytes;

    LimitedRepository(FileRepositoryBuilder options, long maxObjectBytes) throws IOException {
      super(options);
      this.maxObjectBytes = maxObjectBytes;
    }

    @Override
    public ObjectInserter newObjectInserter() {
      ObjectInserter inserter = super.newObjectInserter();
      return new ObjectInserter.Filter() {
        @Override
        protected ObjectInserter delegate() {
          return inserter;
        }

        @Override
        public PackParser newPackParser(InputStream in) throws IOException {
          PackParser parser = inserter.newPackParser(in);
          parser.setMaxObjectSizeLimit(maxObjectBytes);
          return parser;
        }
      };
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static FetchResult fetchRefs(Git git, String url, GitReference ref, Authentication auth, Duration timeout,
      FetchAbort abort) throws GitAPIException, IOException {
    List<RefSpec> specs = switch (ref.kind()) {
      case BRANCH -> List.of(new RefSpec("+refs/heads/" + ref.value() + ":refs/remotes/origin/" + ref.value()));
      case TAG -> List.of(new RefSpec("+refs/tags/" + ref.value() + ":refs/tags/" + ref.value()));
      case SEMVER -> List.of(new RefSpec("+refs/tags/*:refs/tags/*"));
      case COMMIT -> List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*"));
    };
    FetchCommand fetch = git.fetch()
        .setRemote(url)
        .setRefSpecs(specs)
        .setTagOpt(TagOpt.NO_TAGS)
        .setRemoveDeletedRefs(true)
        .setTimeout((int) Math.max(1, timeout.toSeconds()))
        .setProgressMonitor(new CancelledOnAbort(abort))
        .setCredentialsProvider(auth.credentialsProvider())
        .setTransportConfigCallback(transport -> auth.configure(transport, abort));
    Repository repository = git.getRepository();
    if (ref.kind() == GitReference.Kind.COMMIT) {
      // Any commit of the history may be asked for, also one older than where a first clone stopped.
      fetch.setUnshallow(!repository.getObjectDatabase().getShallowCommits().isEmpty());
    } else if (repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS).isEmpty()) {
      // The first clone takes the tip alone. With the history, it would cost time and disk in
      // proportion to the repository's age, and so would every later fetch: JGit walks all local
      // commits while it negotiates over ssh, git:// and file://. Later fetches take no depth (with
      // one, JGit transfers even when nothing changed) and bring only the commits since.
      fetch.setDepth(1);
    }
    return fetch.call();
  }

  private static String highestTagIn(Repository repository, String range) throws IOException, GitFetchException {
    Optional<Map.Entry<Semver, String>> best = repository.getRefDatabase().getRefsByPrefix("refs/tags/").stream()
        .map(r -> r.getName().substring("refs/tags/".length()))
        .flatMap(tag -> {
          Semver version = Semver.parse(tag.startsWith("v") ? tag.substring(1) : tag);
          return version == null ? Stream.empty() : Stream.of(Map.entry(version, tag));
        })
        .filter(entry -> entry.getKey().satisfies(range))
        .max(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    return best.map(Map.Entry::getValue).orElseThrow(() -> new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND,
        "no tag matches the semver range '" + range + "'"));
  }

  private static ObjectId resolveCommit(Repository repository, GitReference ref, String refName, String url)
      throws IOException, GitFetchException {
    ObjectId id;
    if (ref.kind() == GitReference.Kind.COMMIT) {
      if (!ObjectId.isId(refName)) {
        throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND,
            "commit '" + refName + "' is not a full 40-character sha1");
      }
      id = ObjectId.fromString(refName);
    } else {
      String local = (ref.kind() == GitReference.Kind.BRANCH ? "refs/remotes/origin/" : "refs/tags/") + refName;
      Ref found = repository.exactRef(local);
      Ref peeled = found == null ? null : repository.getRefDatabase().peel(found);
      id = peeled == null ? null : peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
    }
    if (id == null || !repository.getObjectDatabase().has(id)) {
      throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " not found in " + url);
    }
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(id);
      return commit.getId();
    } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
      throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " in " + url + " is not a commit");
    }
  }

  private GitFetchException classify(Exception e, Remote remote, GitReference ref) {
    GitCredentials credentials = remote.credentials();
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(' ').append(t.getMessage());
    }
    String text = all.toString().toLowerCase(Locale.ROOT);
    String safeUrl = remote.safeUrl();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TooLargeObjectInPackException) {
        return new GitFetchException(GitFetchException.Kind.TOO_LARGE, ref + " in " + safeUrl + " holds an object"
            + " larger than " + limits.objectBytes().amount() + ", the limit " + limits.objectBytes().setting()
            + " sets (" + t.getMessage() + ")");
      }
    }
    if (text.contains("remote does not have") || text.contains("not found in remote")) {
      return new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " not found in " + safeUrl);
    }
    if (text.contains("not authorized") || text.contains("authentication") || text.contains("auth fail")
        || text.contains("no credentialsprovider") || text.contains("publickey") || text.contains("403 forbidden")
        || text.contains("server key did not validate") || text.contains("known_hosts")) {
      return new GitFetchException(GitFetchException.Kind.AUTHENTICATION,
          "authentication to " + safeUrl + " failed: " + credentials.redact(rootMessage(e)));
    }
    return new GitFetchException(GitFetchException.Kind.FETCH,
        "fetching " + ref + " from " + safeUrl + " failed: " + credentials.redact(rootMessage(e)));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.equals(e.getMessage()) || e.getMessage() == null ? message : e.getMessage() + " (" + message + ")";
  }

  /**
   * SSH sessions of one fetch, each closed when the fetch is ended: at the deadline the handshake
   * (which JGit bounds only by sshd's own two minutes) is interrupted, and a session that trickles
   * is disconnected.
   */
  private static final class AbortableSshSessions extends SshSessionFactory {
    private final SshSessionFactory delegate;
    private final FetchAbort abort;

    AbortableSshSessions(SshSessionFactory delegate, FetchAbort abort) {
      this.delegate = delegate;
      this.abort = abort;
    }

    @Override
    public RemoteSession getSession(URIish uri, CredentialsProvider credentialsProvider, FS fs, int tms)
        throws TransportException {
      RemoteSession session = delegate.getSession(uri, credentialsProvider, fs, tms);
      abort.closeOnAbort(session::disconnect);
      return session;
    }

    @Override
    public String getType() {
      return delegate.getType();
    }

    @Override
    public void releaseSession(RemoteSession session) {
      delegate.releaseSession(session);
    }
  }

  /** Tells JGit's pack parser, which asks between objects, that the fetch was ended. */
  private static final class CancelledOnAbort implements ProgressMonitor {
    private final FetchAbort abort;

    CancelledOnAbort(FetchAbort abort) {
      this.abort = abort;
    }

    @Override
    public boolean isCancelled() {
      return abort.aborted();
    }

    @Override
    public void start(int totalTasks) {
    }

    @Override
    public void beginTask(String title, int totalWork) {
    }

    @Override
    public void update(int completed) {
    }

    @Override
    public void endTask() {
    }

    @Override
    public void showDuration(boolean enabled) {
    }
  }

  /**
   * How to authenticate one fetch: HTTP connections that present the credentials (basic or bearer)
   * to spec.url's own origin only ({@link CredentialScope}), or an SSH session factory that knows
   * only the Secret's key and known_hosts (never ~/.ssh).
   */
  private static final class Authentication implements AutoCloseable {
    /**
     * JGit's provider, which it asks after a 401 (for any URI it was redirected to) and for SSH
     * prompts: it answers nothing. The connections present the credentials themselves, so a 401
     * means they were refused ("not authorized"), and nothing is asked interactively.
     */
    private static final CredentialsProvider NOTHING_TO_ASK = new CredentialsProvider() {
      @Override
      public boolean isInteractive() {
        return false;
      }

      @Override
      public boolean supports(CredentialItem... items) {
        return false;
      }

      @Override
      public boolean get(URIish uri, CredentialItem... items) {
        return false;
      }
    };

    private final GitCredentials credentials;
    private final CredentialScope scope;
    /** Beside the cache, not in /tmp: a key file left by a killed process is removed by the next fetch. */
    private final Path sshDirectory;
    private SshdSessionFactory sshSessions;

    /**
     * @param scope where the HTTP credentials may go; null when there are none
     */
    Authentication(GitCredentials credentials, CredentialScope scope, Path sshDirectory) {
      this.credentials = credentials;
      this.scope = scope;
      this.sshDirectory = sshDirectory;
    }

    CredentialsProvider credentialsProvider() {
      return NOTHING_TO_ASK;
    }

    void configure(Transport transport, FetchAbort abort) {
      if (transport instanceof TransportHttp http) {
        http.setHttpConnectionFactory(new AbortableHttpConnections(abort, scope));
      }
      if (transport instanceof SshTransport ssh) {
        ssh.setSshSessionFactory(new AbortableSshSessions(sshSessions(), abort));
      }
      if (transport instanceof AbortableGitTransport git) {
        git.abortWith(abort);
      }
    }

    private SshdSessionFactory sshSessions() {
      if (sshSessions == null) {
        try {
          deleteRecursively(sshDirectory);
          Files.createDirectories(sshDirectory,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          Path identity = writePrivate("identity", credentials.identity());
          Path knownHosts = writePrivate("known_hosts", credentials.knownHosts());
          sshSessions = new SshdSessionFactoryBuilder()
              .setHomeDirectory(sshDirectory.toFile())
              .setSshDirectory(sshDirectory.toFile())
              .setConfigStoreFactory((home, config, user) -> null)
              .setPreferredAuthentications("publickey")
              .setDefaultIdentities(dir -> identity == null ? List.of() : List.of(identity))
              .setDefaultKnownHostsFiles(dir -> knownHosts == null ? List.of() : List.of(knownHosts))
              .build(null);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return sshSessions;
    }

    private Path writePrivate(String name, String content) throws IOException {
      if (content == null) {
        return null;
      }
      Path file = Files.createFile(sshDirectory.resolve(name),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content.endsWith("\n") ? content : content + "\n", StandardCharsets.UTF_8);
      return file;
    }

    @Override
    public void close() throws IOException {
      if (sshSessions != null) {
        sshSessions.close();
        deleteRecursively(sshDirectory);
      }
    }
  }

  /** Deletes a folder and everything in it; a missing folder is fine. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
