package io.bcgitops.fetch;

import io.bcgitops.arguments.CommandLine;
import io.bcgitops.fetch.ArtifactFetchException.Reason;
import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.spec.SafeUrls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code fetch} command: the init container of vm pods (DESIGN.md section 6). Exit 0 when the
 * jar is in place, 1 when it could not be fetched (with "Reason: message" in the termination log,
 * which the controller reads from the pod status), 2 when the arguments are wrong.
 */
public final class FetchCommand {
  public static final String USAGE = """
      usage: fetch --dest <file> (--url <http(s) url> | --maven <group:artifact:version> [--repository <url>])
                   [--sha256 <64 hex>] [--main-class <class>] [--max-bytes N] [--timeout 5m] [--retries 3]
                   [--termination-log /dev/termination-log]
        --dest             where the jar goes; written atomically, kept as is when it already has --sha256
        --url              the jar's http(s) URL (no user:password@ in it: credentials come from the environment)
        --maven            Maven coordinates of the jar; SNAPSHOT versions are not supported
        --repository       Maven 2 repository for --maven (default https://repo.maven.apache.org/maven2)
        --sha256           the sha256 the jar must have; required for a plain http URL other than loopback
        --main-class       the class the app runs; without it the manifest must name a Main-Class
        --max-bytes        the largest jar accepted (default 268435456)
        --timeout          a deadline for the whole download, retries included (default 5m)
        --retries          attempts after the first on connection errors, broken downloads, 5xx and 429 (default 3)
        --termination-log  where the failure line goes (default /dev/termination-log, skipped when not there)
      environment: BCGITOPS_ARTIFACT_USERNAME and BCGITOPS_ARTIFACT_PASSWORD, or BCGITOPS_ARTIFACT_BEARER_TOKEN:
                   credentials sent to the URL's own host only, over https only (or loopback)
      exit: 0 jar in place, 1 fetch failed (Reason: message on stderr and in the termination log), 2 bad arguments
      """;

  static final Path DEFAULT_TERMINATION_LOG = Path.of("/dev/termination-log");
  // Kubernetes keeps at most 4096 bytes of a termination message: 1300 characters fit even in 3-byte UTF-8.
  private static final int MAX_TERMINATION_MESSAGE = 1300;
  private static final Set<String> OPTIONS = Set.of("--dest", "--url", "--maven", "--repository", "--sha256",
      "--main-class", "--max-bytes", "--timeout", "--retries", "--termination-log");

  private FetchCommand() {
  }

  /** What the arguments ask for. */
  record Arguments(FetchRequest request, ArtifactFetcher.Settings settings) {
  }

  /** @param env the process's environment: where the credentials are (never in the arguments) */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, ArtifactFetcher.Settings.DEFAULT_BACKOFF);
  }

  /** As {@link #run(String[], Map, PrintStream, PrintStream)}, with the first retry's backoff, for tests. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Duration initialBackoff) {
    TerminationLog log = TerminationLog.from(args);
    Arguments arguments;
    try {
      arguments = parse(args, env, initialBackoff);
    } catch (IllegalArgumentException e) {
      String message = SafeUrls.redact(e.getMessage());
      err.println("fetch: " + message);
      err.print(USAGE);
      // The controller only sees the termination log: a generator bug should not look like silence.
      log.write(Reason.ARTIFACT_FETCH_FAILED.conditionReason() + ": invalid fetch arguments: " + message);
      return 2;
    }
    ArtifactFetcher fetcher = new ArtifactFetcher(arguments.settings(), err::println);
    try {
      FetchResult result = fetcher.fetch(arguments.request());
      out.println((result.downloaded() ? "fetched " : "kept (already verified) ") + result.dest() + ": "
          + result.size() + " bytes, sha256 " + result.sha256());
      return 0;
    } catch (ArtifactFetchException e) {
      err.println(e.toLine());
      log.write(e.toLine());
      return 1;
    }
  }

  static Arguments parse(String[] args, Map<String, String> env, Duration initialBackoff) {
    CommandLine options = CommandLine.parse(args, OPTIONS);
    String dest = options.text("--dest");
    if (dest == null || dest.isBlank()) {
      throw new IllegalArgumentException("--dest is required");
    }
    String url = options.text("--url");
    String maven = options.text("--maven");
    if (url != null && maven != null) {
      throw new IllegalArgumentException("give --url or --maven, not both");
    }
    if (url == null && maven == null) {
      throw new IllegalArgumentException("one of --url and --maven is required");
    }
    if (options.has("--repository") && maven == null) {
      throw new IllegalArgumentException("--repository only goes with --maven");
    }
    ArtifactSource source = url != null ? ArtifactSource.ofUrl(url) : ArtifactSource.ofMaven(maven,
        options.text("--repository"));

    String sha256 = options.text("--sha256");
    if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("--sha256 must be 64 hexadecimal characters, got '" + sha256 + "'");
    }
    String mainClass = options.text("--main-class");
    if (mainClass != null && !mainClass.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
      throw new IllegalArgumentException("--main-class '" + mainClass + "' is not a Java class name");
    }
    HttpCredentials credentials;
    try {
      credentials = ArtifactCredentials.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the credentials in the environment: " + e.getMessage());
    }
    FetchRequest request = new FetchRequest(source, Path.of(dest), sha256, mainClass, credentials);

    long maxBytes = options.number("--max-bytes", ArtifactFetcher.Settings.DEFAULT_MAX_BYTES, 1);
    long retries = options.number("--retries", ArtifactFetcher.Settings.DEFAULT_RETRIES, 0);
    if (retries > 100) {
      throw new IllegalArgumentException("--retries must be at most 100");
    }
    Duration timeout = options.duration("--timeout", ArtifactFetcher.Settings.DEFAULT_TIMEOUT);
    return new Arguments(request, new ArtifactFetcher.Settings(timeout, (int) retries, initialBackoff, maxBytes));
  }

  /**
   * The termination log: an explicit path is created; the default one is only written when the
   * kubelet mounted it, so a run outside Kubernetes neither fails nor leaves a file in /dev.
   */
  record TerminationLog(Path path, boolean explicit) {

    /** Found even in arguments that do not parse, so a usage error is reported too. */
    static TerminationLog from(String[] args) {
      List<String> list = List.of(args);
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).startsWith("--termination-log=")) {
          return new TerminationLog(Path.of(list.get(i).substring("--termination-log=".length())), true);
        }
        if (list.get(i).equals("--termination-log") && i + 1 < list.size()) {
          return new TerminationLog(Path.of(list.get(i + 1)), true);
        }
      }
      return new TerminationLog(DEFAULT_TERMINATION_LOG, false);
    }

    /** Writes one line (no trailing newline: it would end up in the pod status); skipped when it cannot. */
    void write(String line) {
      if (!explicit && !Files.exists(path)) {
        return;
      }
      String oneLine = line.replaceAll("[\\r\\n]+", " ");
      if (oneLine.length() > MAX_TERMINATION_MESSAGE) {
        oneLine = oneLine.substring(0, MAX_TERMINATION_MESSAGE - 3) + "...";
      }
      try {
        Files.writeString(path, oneLine, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
      } catch (IOException | RuntimeException e) {
        // Outside Kubernetes, or a read-only path: stderr already has the message.
      }
    }
  }
}
