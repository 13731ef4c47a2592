package io.bcgitops.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;
import org.semver4j.Semver;

/**
 * Fetches one ref of a remote repository into a local cache folder and checks it out. The cache is
 * kept between calls, so each fetch after the first transfers only new objects; the first fetch of
 * a branch or tag takes its tip without the history before it (a shallow clone).
 */
public final class GitFetcher {
  /** The cache's own section of .git/config. */
  private static final String CONFIG_SECTION = "bcgitops";

  /**
   * Brings {@code directory} to the revision {@code ref} names at {@code url}.
   *
   * @throws GitFetchException with a message safe to show: credentials are redacted
   */
  public FetchedRevision fetch(String url, GitReference ref, GitCredentials credentials, Duration timeout,
      Path directory) throws GitFetchException {
    if (ref.problem() != null) {
      throw new GitFetchException(GitFetchException.Kind.INVALID_REF, ref.kind().name().toLowerCase(Locale.ROOT)
          + " " + ref.problem());
    }
    try {
      return fetchInto(url, ref, credentials, timeout, directory);
    } catch (BrokenCacheException broken) {
      // A crash can leave the cache broken (a stale lock, a half-written ref); it is only a cache.
      try {
        deleteRecursively(directory);
      } catch (IOException e) {
        throw new GitFetchException(GitFetchException.Kind.FETCH, "cannot reset the git cache: " + e.getMessage());
      }
      try {
        return fetchInto(url, ref, credentials, timeout, directory);
      } catch (BrokenCacheException again) {
        throw new GitFetchException(GitFetchException.Kind.FETCH, "the git cache is unusable even after a fresh"
            + " clone: " + credentials.redact(again.getMessage()));
      }
    }
  }

  /** The local side failed: the cache must be cloned again. */
  private static final class BrokenCacheException extends Exception {
    BrokenCacheException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private FetchedRevision fetchInto(String url, GitReference ref, GitCredentials credentials, Duration timeout,
      Path directory) throws GitFetchException, BrokenCacheException {
    String safeUrl = credentials.redact(url);
    try (Git git = openOrInit(directory, url);
        Authentication auth = new Authentication(credentials, directory.resolveSibling(directory.getFileName() + ".ssh"))) {
      FetchResult fetched;
      try {
        fetched = fetchRefs(git, url, ref, auth, timeout);
      } catch (GitAPIException | RuntimeException e) {
        if (e instanceof JGitInternalException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("lock")) {
          throw new BrokenCacheException(e.getMessage(), e);
        }
        throw classify(e, safeUrl, ref, credentials);
      }
      for (TrackingRefUpdate update : fetched.getTrackingRefUpdates()) {
        if (!UPDATED.contains(update.getResult())) {
          throw new BrokenCacheException("updating " + update.getLocalName() + " failed: " + update.getResult(), null);
        }
      }
      try {
        Repository repository = git.getRepository();
        String refName = ref.kind() == GitReference.Kind.SEMVER ? highestTagIn(repository, ref.value()) : ref.value();
        ObjectId commit = resolveCommit(repository, ref, refName, safeUrl);
        git.checkout().setName(commit.name()).setForced(true).call();
        repackIfTooManyPacks(git);
        return FetchedRevision.of(ref.kind() == GitReference.Kind.COMMIT ? null : refName, commit.name(), directory);
      } catch (GitAPIException | IOException | RuntimeException e) {
        throw new BrokenCacheException("checking out failed: " + e.getMessage(), e);
      }
    } catch (IOException | GitAPIException | UncheckedIOException e) {
      throw new BrokenCacheException("opening the cache failed: " + e.getMessage(), e);
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
   * Opens the cache, or starts an empty one. The URL itself is not stored (it may hold credentials),
   * only its hash: a cache fetched from another URL is started again, so that nothing of the other
   * repository (a commit of a fork, say) can be resolved.
   */
  private static Git openOrInit(Path directory, String url) throws GitAPIException, IOException {
    String urlHash = sha256(url);
    if (Files.isDirectory(directory.resolve(".git"))) {
      Git git = null;
      try {
        git = Git.open(directory.toFile());
        git.getRepository().getRefDatabase().getRefs();
        if (urlHash.equals(git.getRepository().getConfig().getString(CONFIG_SECTION, null, "url-sha256"))) {
          return git;
        }
      } catch (IOException | RuntimeException corrupt) {
        // A cache that cannot be read (a crash mid-write, a full disk) is only a cache: start again.
      }
      if (git != null) {
        git.close();
      }
      deleteRecursively(directory);
    }
    Git git = Git.init().setDirectory(directory.toFile()).call();
    StoredConfig config = git.getRepository().getConfig();
    config.setString(CONFIG_SECTION, null, "url-sha256", urlHash);
    config.save();
    return git;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static FetchResult fetchRefs(Git git, String url, GitReference ref, Authentication auth, Duration timeout)
      throws GitAPIException, IOException {
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
        .setCredentialsProvider(auth.credentialsProvider())
        .setTransportConfigCallback(auth::configure);
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

  private static GitFetchException classify(Exception e, String url, GitReference ref, GitCredentials credentials) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(' ').append(t.getMessage());
    }
    String text = all.toString().toLowerCase(Locale.ROOT);
    String safeUrl = credentials.redact(url);
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
   * Bounds the SSH handshake and authentication by the fetch timeout. JGit hands the timeout to sshd
   * only for the TCP connect and then waits for key exchange and authentication up to sshd's own
   * limit (2 minutes), so a host that accepts the connection but never answers would hold the fetch
   * far longer than {@code spec.timeout}. The waiting thread is interrupted at the deadline.
   */
  private static final class TimeBoundSshSessions extends SshSessionFactory {
    private final SshSessionFactory delegate;

    TimeBoundSshSessions(SshSessionFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public RemoteSession getSession(URIish uri, CredentialsProvider credentialsProvider, FS fs, int tms)
        throws TransportException {
      if (tms <= 0) {
        return delegate.getSession(uri, credentialsProvider, fs, tms);
      }
      Thread caller = Thread.currentThread();
      Object lock = new Object();
      boolean[] state = new boolean[2]; // [0]: finished, [1]: interrupted at the deadline
      CompletableFuture.delayedExecutor(tms, TimeUnit.MILLISECONDS).execute(() -> {
        synchronized (lock) {
          if (!state[0]) {
            state[1] = true;
            caller.interrupt();
          }
        }
      });
      try {
        return delegate.getSession(uri, credentialsProvider, fs, tms);
      } catch (TransportException e) {
        synchronized (lock) {
          if (state[1]) {
            TransportException timeout = new TransportException(uri,
                "the SSH server did not complete the handshake within " + Duration.ofMillis(tms).toSeconds() + "s");
            timeout.addSuppressed(e);
            throw timeout;
          }
        }
        throw e;
      } finally {
        synchronized (lock) {
          state[0] = true;
          if (state[1]) {
            Thread.interrupted(); // the interrupt was ours: do not leak it to the caller
          }
        }
      }
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

  /**
   * How to authenticate one fetch: a credentials provider for HTTP basic auth, a bearer header, or
   * an SSH session factory that knows only the Secret's key and known_hosts (never ~/.ssh).
   */
  private static final class Authentication implements AutoCloseable {
    private final GitCredentials credentials;
    /** Beside the cache, not in /tmp: a key file left by a killed process is removed by the next fetch. */
    private final Path sshDirectory;
    private SshdSessionFactory sshSessions;

    Authentication(GitCredentials credentials, Path sshDirectory) {
      this.credentials = credentials;
      this.sshDirectory = sshDirectory;
    }

    UsernamePasswordCredentialsProvider credentialsProvider() {
      return credentials.username() == null ? null
          : new UsernamePasswordCredentialsProvider(credentials.username(),
              credentials.password() == null ? "" : credentials.password());
    }

    void configure(Transport transport) {
      if (transport instanceof TransportHttp http && credentials.bearerToken() != null) {
        http.setAdditionalHeaders(Map.of("Authorization", "Bearer " + credentials.bearerToken()));
      }
      if (transport instanceof SshTransport ssh) {
        ssh.setSshSessionFactory(new TimeBoundSshSessions(sshSessions()));
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
