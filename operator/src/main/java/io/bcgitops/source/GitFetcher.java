package io.bcgitops.source;

import io.bcgitops.api.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
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
import org.eclipse.jgit.errors.TooLargeObjectInPackException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.semver4j.Semver;

/**
 * Fetches the tip of one ref of a remote repository into a local cache: a bare repository holding
 * that commit and nothing else (no history, nothing checked out; {@link GitCommitTree} reads what
 * the operator needs straight from the commit), as Flux's source-controller does. Each fetch first
 * asks the remote where the ref points (protocol v2 lists only that ref); when the cache holds
 * that already, nothing is downloaded. Otherwise the tip alone (a shallow clone, depth 1) is
 * fetched into a new repository beside the cache, which replaces the cache once complete: the
 * cache never holds more than one fetch's pack, never needs a gc, and a failed fetch leaves it as
 * it was.
 *
 * <p>A fetch is bounded whatever the remote does: the timeout is a deadline for the whole fetch
 * (its transport is closed there, however slowly the server trickles, and JGit's work on what it
 * received stops there too), what the server may send is capped by {@link FetchLimits}, and no
 * credential is written to the cache.
 */
public final class GitFetcher {
  /** The cache's own section of its config: where it was fetched from, and what. */
  private static final String CONFIG_SECTION = "bcgitops";
  /** Fires every fetch's deadline; its tasks only flag and interrupt, never block. */
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
    long started = System.nanoTime();
    FetchAbort abort = new FetchAbort(limits);
    ScheduledFuture<?> atDeadline = TIMER.schedule(() -> abort.abort(FetchAbort.Reason.DEADLINE),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    Path next = sibling(directory, ".next");
    FetchedRevision fetched = null;
    Exception failure = null;
    try {
      fetched = fetchWithin(remote, ref, timeout, directory, next, abort);
    } catch (GitFetchException | IOException | RuntimeException e) {
      failure = e;
    } finally {
      atDeadline.cancel(false);
    }
    FetchAbort.Reason ended = abort.finish();
    deleteQuietly(next); // moved into place when the fetch succeeded
    if (failure == null) {
      return fetched;
    }
    // A read timeout (JGit's, as long as spec.timeout) can fire just before the deadline's abort:
    // a fetch that failed once its time was up was stopped by the deadline, whichever came first.
    boolean timeUp = System.nanoTime() - started >= timeout.toNanos();
    if (ended == FetchAbort.Reason.DEADLINE || timeUp && ended != FetchAbort.Reason.TOO_LARGE) {
      throw new GitFetchException(GitFetchException.Kind.FETCH, "fetching " + ref + " from " + remote.safeUrl()
          + " did not finish within " + Durations.format(timeout) + " (spec.timeout) and was stopped; the server is"
          + " slow or not answering");
    }
    FetchBudget.Exceeded exceeded = abort.budget().exceeded();
    if (ended == FetchAbort.Reason.TOO_LARGE && exceeded != null) {
      throw new GitFetchException(GitFetchException.Kind.TOO_LARGE, "fetching " + ref + " from " + remote.safeUrl()
          + " was stopped: " + exceeded.message());
    }
    if (failure instanceof GitFetchException e) {
      throw e;
    }
    throw classify(failure, remote, ref);
  }

  /**
   * The remote as JGit is given it: a URL without user info (JGit puts the URL into its messages),
   * and the credentials, from the Secret or else from the URL's user info.
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

  /**
   * Asks the remote where the ref points and, unless the cache holds that already, fetches its
   * tip into {@code next}, which then replaces the cache. All of it runs before the deadline: at
   * the deadline the transport is closed and JGit stops at its next object.
   */
  private FetchedRevision fetchWithin(Remote remote, GitReference ref, Duration timeout, Path directory, Path next,
      FetchAbort abort) throws GitFetchException, IOException {
    String urlHash = sha256(remote.url());
    CachedTip cached = CachedTip.in(directory, urlHash);
    deleteRecursively(next); // left by a crash
    ObjectId commit;
    Ref wanted;
    try (Repository repository = repositoryAt(next, abort.budget());
        Authentication auth = new Authentication(remote.credentials(),
            CredentialScope.of(remote.url(), remote.credentials().http()), sibling(directory, ".ssh"));
        Transport transport = open(repository, remote, auth, timeout, abort);
        FetchConnection connection = transport.openFetch(List.of(), refPrefix(ref))) {
      wanted = wanted(connection, ref, remote);
      if (cached != null && cached.ref().equals(wanted.getName()) && cached.object().equals(wanted.getObjectId())) {
        return FetchedRevision.of(revisionName(ref, wanted), cached.commit().name(), directory);
      }
      if (!(connection instanceof BasePackFetchConnection)) {
        throw new GitFetchException(GitFetchException.Kind.FETCH, remote.safeUrl() + " offers only git's \"dumb\""
            + " HTTP protocol, which the operator does not fetch from (as Flux): serve the repository with git's"
            + " smart HTTP protocol (git http-backend), or over SSH");
      }
      repository.create(true); // only now: a fetch with nothing new writes nothing
      try {
        connection.fetch(new FetchProgress(abort), List.of(wanted), Set.of(), null);
      } catch (TransportException e) {
        if (ref.kind() == GitReference.Kind.COMMIT && !abort.budget().packStarted()) {
          // Refused before any pack: git says "not our ref", JGit's server only hangs up.
          throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " not found in "
              + remote.safeUrl() + ", or the server does not let clients fetch a commit by its id (that takes"
              + " protocol v2, or uploadpack.allowReachableSHA1InWant): "
              + remote.credentials().redact(rootMessage(e)));
        }
        throw e;
      }
      commit = commitOf(repository, wanted, ref, remote.safeUrl());
      record(repository, urlHash, wanted, commit);
    }
    deleteRecursively(directory);
    Files.move(next, directory, StandardCopyOption.ATOMIC_MOVE);
    return FetchedRevision.of(revisionName(ref, wanted), commit.name(), directory);
  }

  /**
   * What the cache holds: the remote's ref and the object it pointed to when it was fetched, and
   * that object's commit.
   */
  private record CachedTip(String ref, ObjectId object, ObjectId commit) {
    /**
     * The cache's tip, when it was fetched from this URL and its commit is there; null otherwise (no
     * cache yet, one of another URL or of an earlier version, a crash's leftovers): a cache that
     * cannot be read is only a cache, fetched again.
     */
    static CachedTip in(Path directory, String urlHash) {
      if (!Files.isRegularFile(directory.resolve(Constants.CONFIG), LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      try (Repository repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare()
          .setMustExist(true).build(); RevWalk walk = new RevWalk(repository)) {
        StoredConfig config = repository.getConfig();
        String ref = config.getString(CONFIG_SECTION, null, "ref");
        String object = config.getString(CONFIG_SECTION, null, "object");
        String commit = config.getString(CONFIG_SECTION, null, "commit");
        if (!urlHash.equals(config.getString(CONFIG_SECTION, null, "url-sha256")) || ref == null
            || !ObjectId.isId(object) || !ObjectId.isId(commit)) {
          return null;
        }
        walk.parseCommit(ObjectId.fromString(commit));
        return new CachedTip(ref, ObjectId.fromString(object), ObjectId.fromString(commit));
      } catch (IOException | RuntimeException unreadable) {
        return null;
      }
    }
  }

  /**
   * The bare repository {@code directory} will be, whose fetches stay within the budget; not
   * created yet (JGit reads nothing of it to list the remote's refs).
   */
  private Repository repositoryAt(Path directory, FetchBudget budget) throws IOException {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare();
    builder.setup();
    return new LimitedRepository(builder, limits.objectBytes().value(), budget);
  }

  private static Transport open(Repository repository, Remote remote, Authentication auth, Duration timeout,
      FetchAbort abort) throws IOException, GitFetchException {
    URIish uri;
    try {
      uri = new URIish(remote.url());
    } catch (URISyntaxException e) {
      throw new GitFetchException(GitFetchException.Kind.FETCH, "'" + remote.safeUrl() + "' is not a git URL: "
          + remote.credentials().redact(e.getMessage()));
    }
    Transport transport = Transport.open(repository, uri);
    transport.setTimeout((int) Math.max(1, timeout.toSeconds())); // per read; the deadline is the fetch's
    transport.setCredentialsProvider(auth.credentialsProvider());
    // The tip alone: with the history, a fetch would cost time and disk in proportion to the repository's age.
    transport.setDepth(1);
    transport.setFetchThin(false); // a thin pack has deltas on objects the client has: a new repository has none
    transport.setObjectChecker(abort.budget().checker());
    auth.configure(transport, abort);
    return transport;
  }

  /** What the remote lists, in protocol v2: the ref asked for; for a commit, HEAD alone (the list cannot be empty). */
  private static String refPrefix(GitReference ref) {
    return switch (ref.kind()) {
      case BRANCH -> Constants.R_HEADS + ref.value();
      case TAG -> Constants.R_TAGS + ref.value();
      case SEMVER -> Constants.R_TAGS;
      case COMMIT -> Constants.HEAD;
    };
  }

  /** The remote's ref {@code ref} names (for semver, its highest tag in the range; a commit is asked for by id). */
  private static Ref wanted(FetchConnection connection, GitReference ref, Remote remote) throws GitFetchException {
    Ref found = switch (ref.kind()) {
      case BRANCH -> connection.getRef(Constants.R_HEADS + ref.value());
      case TAG -> connection.getRef(Constants.R_TAGS + ref.value());
      case SEMVER -> highestTagIn(connection.getRefs(), ref.value());
      case COMMIT -> new ObjectIdRef.Unpeeled(Ref.Storage.NETWORK, ref.value(), ObjectId.fromString(ref.value()));
    };
    if (found == null || found.getObjectId() == null) {
      throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " not found in " + remote.safeUrl());
    }
    return found;
  }

  private static Ref highestTagIn(Collection<Ref> refs, String range) throws GitFetchException {
    Optional<Map.Entry<Semver, Ref>> best = refs.stream()
        .filter(r -> r.getName().startsWith(Constants.R_TAGS))
        .flatMap(r -> {
          String tag = r.getName().substring(Constants.R_TAGS.length());
          Semver version = Semver.parse(tag.startsWith("v") ? tag.substring(1) : tag);
          return version == null ? Stream.empty() : Stream.of(Map.entry(version, r));
        })
        .filter(entry -> entry.getKey().satisfies(range))
        .max(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    return best.map(Map.Entry::getValue).orElseThrow(() -> new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND,
        "no tag matches the semver range '" + range + "'"));
  }

  /** The revision's name: the branch or tag (for semver, the tag picked); none for a commit. */
  private static String revisionName(GitReference ref, Ref wanted) {
    return switch (ref.kind()) {
      case BRANCH, TAG -> ref.value();
      case SEMVER -> wanted.getName().substring(Constants.R_TAGS.length());
      case COMMIT -> null;
    };
  }

  /** The commit the fetched ref points to (through an annotated tag, if it is one). */
  private static ObjectId commitOf(Repository repository, Ref wanted, GitReference ref, String url)
      throws IOException, GitFetchException {
    try (RevWalk walk = new RevWalk(repository)) {
      RevObject peeled = walk.peel(walk.parseAny(wanted.getObjectId()));
      if (!(peeled instanceof RevCommit)) {
        throw new GitFetchException(GitFetchException.Kind.REF_NOT_FOUND, ref + " in " + url + " is not a commit");
      }
      return peeled.getId();
    }
  }

  /** Writes down what the repository holds, for the next fetch to compare with the remote. */
  private static void record(Repository repository, String urlHash, Ref wanted, ObjectId commit) throws IOException {
    RefUpdate head = repository.updateRef(Constants.HEAD, true);
    head.setNewObjectId(commit);
    RefUpdate.Result result = head.forceUpdate();
    if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED) {
      throw new IOException("updating HEAD of the git cache failed: " + result);
    }
    StoredConfig config = repository.getConfig();
    config.setString(CONFIG_SECTION, null, "url-sha256", urlHash);
    config.setString(CONFIG_SECTION, null, "ref", wanted.getName());
    config.setString(CONFIG_SECTION, null, "object", wanted.getObjectId().name());
    config.setString(CONFIG_SECTION, null, "commit", commit.name());
    config.save();
  }

  /** A folder beside the cache, named after it: the next fetch's repository, SSH keys. */
  private static Path sibling(Path directory, String suffix) {
    return directory.resolveSibling(directory.getFileName() + suffix);
  }

  private static void deleteQuietly(Path directory) {
    try {
      deleteRecursively(directory);
    } catch (IOException e) {
      // The next fetch deletes it first.
    }
  }

  /**
   * A repository whose fetches stay within the budget: a pack with an object over the limit is
   * refused before any of it is held (JGit inflates a folder listing, a commit, or the base of a
   * delta whole into memory while it indexes a pack), and the pack itself is read through the
   * budget, which checks its object count and counts its bytes.
   */
  private static final class LimitedRepository extends FileRepository {
    private final long maxObjectBytes;
    private final FetchBudget budget;

    LimitedRepository(FileRepositoryBuilder options, long maxObjectBytes, FetchBudget budget) throws IOException {
      super(options);
      this.maxObjectBytes = maxObjectBytes;
      this.budget = budget;
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
          PackParser parser = inserter.newPackParser(budget.pack(in));
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

  /** Deletes a cache and what a fetch keeps beside it (the next fetch's repository, SSH keys), as a crash left them. */
  public static void deleteCache(Path directory) throws IOException {
    deleteRecursively(sibling(directory, ".next"));
    deleteRecursively(sibling(directory, ".ssh"));
    deleteRecursively(directory);
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
