package io.bcgitops.fetch;

import io.bcgitops.api.Durations;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.http.MonitoringServer;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.PoolToken;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.spec.SafeUrls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code loader} command: the loader sidecar of a runtime pool (DESIGN.md section 6, embedded).
 * Serves the loader API of {@link RuntimeApi} until SIGTERM. Exit 0 when stopped, 1 when it cannot
 * serve (port taken, folder not writable), 2 when the arguments or the token are missing or wrong.
 */
public final class LoaderCommand {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderCommand.class);

  public static final String USAGE = """
      usage: loader [--port 9091] [--health-port 9093] [--dir /apps] [--bind 0.0.0.0] [--maven-repository <url>]
                    [--timeout 5m] [--retries 3] [--max-bytes N] [--max-total-bytes N]
                    [--host-url http://127.0.0.1:9090] [--cleanup-interval 1m] [--unused-grace 10m]
                    [--token-file /var/run/bcgitops/token/token]
        --port              where the loader API listens (default 9091; 0 picks a free port)
        --health-port       where GET /healthz and /readyz answer the kubelet, with no token (default 9093)
        --dir               the folder shared with the runtime host; jars go to <dir>/<name>/<version>/app.jar
        --bind              the address to listen on (default 0.0.0.0)
        --maven-repository  Maven 2 repository of requests that name none (default https://repo.maven.apache.org/maven2)
        --timeout           a deadline for the whole download, retries included (default 5m)
        --retries           attempts after the first on connection errors, broken downloads, 5xx and 429 (default 3)
        --max-bytes         the largest jar accepted (default 268435456)
        --max-total-bytes   the most the jars in --dir may take together (default 2080374784: the pod's 2Gi less 64Mi)
        --host-url          the runtime host of this pod, asked which apps it runs (default http://127.0.0.1:9090)
        --cleanup-interval  how often jars no app of the host runs are removed (default 1m)
        --unused-grace      how long a jar asked for is kept even if no app of the host runs it (default 10m)
        --token-file        the pool's token every request must carry, read once at start (required); the host's
                            token, for --host-url, is derived from it
      the environment must not set BCGITOPS_RUNTIME_TOKEN (the token goes in the file only)
      exit: 0 stopped (SIGTERM), 1 cannot serve, 2 bad arguments or no token
      """;

  private static final Set<String> OPTIONS = Set.of("--port", "--health-port", "--dir", "--bind", "--maven-repository",
      "--timeout", "--retries", "--max-bytes", "--max-total-bytes", "--host-url", "--cleanup-interval", "--unused-grace",
      "--token-file");
  static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(1);

  private LoaderCommand() {
  }

  /** What the arguments ask for. */
  record Arguments(InetSocketAddress address, InetSocketAddress healthAddress, Path dir, String mavenRepository, ArtifactFetcher.Settings settings,
      long maxTotalBytes, URI hostUrl, Duration cleanupInterval, Duration unusedGrace, Path tokenFile) {
  }

  /** Runs until the JVM is told to stop; returns only on a usage error or when it cannot serve. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    Arguments arguments;
    try {
      arguments = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("loader: " + SafeUrls.redact(e.getMessage()));
      err.print(USAGE);
      return 2;
    }
    if (env.containsKey(RuntimeApi.LEGACY_TOKEN_ENV)) {
      err.println("loader: " + RuntimeApi.LEGACY_TOKEN_ENV + " is set; the pool's token goes in a file"
          + " (--token-file) only");
      return 2;
    }
    String token;
    try {
      token = PoolToken.read(arguments.tokenFile());
    } catch (IOException e) {
      err.println("loader: --token-file: " + e.getMessage() + "; refusing to serve without the pool's API token");
      return 2;
    }

    ApiServer server;
    LoaderServer loader;
    try {
      ArtifactFetcher fetcher = new ArtifactFetcher(arguments.settings(), note -> LOG.info("{}", note));
      loader = new LoaderServer(arguments.dir(), arguments.mavenRepository(), fetcher, arguments.maxTotalBytes(),
          arguments.unusedGrace());
      server = loader.serve(arguments.address(), token);
    } catch (IOException | RuntimeException e) {
      err.println("loader: cannot serve on " + arguments.address().getAddress().getHostAddress() + ":"
          + arguments.address().getPort() + " from " + arguments.dir() + ": "
          + ArtifactFetcher.describe(e));
      return 1;
    }
    MonitoringServer probes;
    try {
      probes = MonitoringServer.probes(arguments.healthAddress(), server::isRunning, server::isRunning);
      probes.start();
    } catch (IOException e) {
      server.close();
      err.println("loader: cannot serve /healthz and /readyz on "
          + arguments.healthAddress().getAddress().getHostAddress() + ":" + arguments.healthAddress().getPort() + ": "
          + ArtifactFetcher.describe(e));
      return 1;
    }
    ScheduledExecutorService cleanup = removeUnusedJars(loader, new HostApps(arguments.hostUrl(), PoolToken.hostToken(token)),
        arguments.cleanupInterval());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cleanup.shutdownNow();
      server.close();
      loader.close();
      probes.close();
      out.println("loader: stopped");
      out.flush();
      stopped.countDown();
    }, "shutdown"));
    out.println("loader: serving " + arguments.dir().toAbsolutePath() + " on "
        + arguments.address().getAddress().getHostAddress() + ":" + server.port() + " (probes on " + probes.port()
        + "), maven repository "
        + LoaderServer.describeRepository(arguments.mavenRepository()));
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Every interval, removes the jars no app of the host runs. When the host does not answer (it
   * is starting, say), nothing is removed: a jar is only removed on the host's word.
   */
  private static ScheduledExecutorService removeUnusedJars(LoaderServer loader, HostApps host, Duration interval) {
    ScheduledExecutorService cleanup = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "remove-unused-jars");
      thread.setDaemon(true);
      return thread;
    });
    cleanup.scheduleWithFixedDelay(() -> {
      try {
        loader.removeUnused(host.get());
      } catch (IOException e) {
        LOG.info("no unused jar removed this time: cannot ask the runtime host which apps it runs ({})",
            ArtifactFetcher.describe(e));
      } catch (RuntimeException e) {
        LOG.warn("removing unused jars failed", e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return cleanup;
  }

  static Arguments parse(String[] args) {
    CommandLine options = CommandLine.parse(args, OPTIONS);
    int port = (int) options.number("--port", RuntimeApi.LOADER_PORT, 0, 65535);
    int healthPort = (int) options.number("--health-port", RuntimeApi.LOADER_HEALTH_PORT, 0, 65535);
    String bind = options.text("--bind", "0.0.0.0");
    InetAddress address;
    try {
      // Literal addresses only: no name lookup decides where the API listens.
      if (!bind.matches("[0-9.]+|[0-9a-fA-F:.%\\[\\]]*:[0-9a-fA-F:.%\\[\\]]*")) {
        throw new UnknownHostException(bind);
      }
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind must be an IP address, got '" + bind + "'");
    }
    String dir = options.text("--dir", RuntimeApi.SHARED_DIR);
    if (dir.isBlank()) {
      throw new IllegalArgumentException("--dir must not be empty");
    }
    String repository = options.text("--maven-repository", ArtifactSource.MAVEN_CENTRAL);
    try {
      ArtifactSource.ofMaven("a:b:1", repository);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--maven-repository: " + e.getMessage());
    }
    long retries = options.number("--retries", ArtifactFetcher.Settings.DEFAULT_RETRIES, 0, 100);
    Duration timeout = options.duration("--timeout", ArtifactFetcher.Settings.DEFAULT_TIMEOUT);
    long maxBytes = options.number("--max-bytes", ArtifactFetcher.Settings.DEFAULT_MAX_BYTES, 1);
    long maxTotalBytes = options.number("--max-total-bytes", RuntimeApi.APPS_MAX_TOTAL_BYTES, 1);
    String hostUrl = options.text("--host-url", "http://127.0.0.1:" + RuntimeApi.HOST_PORT);
    URI host = hostUrl.matches("http://[^/@?#\\s]+/?") ? URI.create(hostUrl) : null;
    if (host == null || host.getHost() == null) {
      throw new IllegalArgumentException("--host-url must be http://<address>:<port>, got '"
          + SafeUrls.redact(hostUrl) + "'");
    }
    Duration cleanupInterval = options.duration("--cleanup-interval", DEFAULT_CLEANUP_INTERVAL);
    if (cleanupInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--cleanup-interval must be at least 1s, got "
          + Durations.format(cleanupInterval));
    }
    Duration unusedGrace = options.duration("--unused-grace", LoaderServer.DEFAULT_UNUSED_GRACE);
    return new Arguments(new InetSocketAddress(address, port), new InetSocketAddress(address, healthPort), Path.of(dir), repository,
        ArtifactFetcher.Settings.defaults().withTimeout(timeout).withRetries((int) retries).withMaxBytes(maxBytes),
        maxTotalBytes, host, cleanupInterval, unusedGrace,
        Path.of(options.text("--token-file", RuntimeApi.TOKEN_FILE)));
  }
}
