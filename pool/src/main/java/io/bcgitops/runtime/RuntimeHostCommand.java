package io.bcgitops.runtime;

import io.bcgitops.api.Durations;
import io.bcgitops.arguments.CommandLine;
import io.bcgitops.http.BearerToken;
import io.bcgitops.http.MonitoringServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code runtime-host} command: the host container of an embedded runtime pool (DESIGN.md
 * section 6). Serves the host API until SIGTERM, then stops every app. Exit 2 for bad arguments or
 * no token digest to check requests with, 1 when the API cannot be served (port taken, folder not writable).
 */
public final class RuntimeHostCommand {
  public static final String USAGE = """
      usage: runtime-host [--port 9090] [--health-port 9092] [--dir /apps] [--bind 0.0.0.0] [--backoff 1s]
                          [--backoff-max 60s] [--startup-window 30s] [--stop-timeout 5s]
                          [--token-sha256-file /var/run/bcgitops/token/host-token-sha256]
        --port            the API's port (0 picks a free one, logged at start)
        --health-port     where GET /healthz and /readyz answer the kubelet, with no token (0 picks a free one)
        --dir             the folder the loader sidecar writes jars into; a jar outside it is refused
        --bind            the address the API listens on
        --backoff         the wait before the first restart of a crashed app; doubled at each crash in a row
        --backoff-max     the longest wait between restarts
        --startup-window  the least time a new app instance gets to start and pass a health check
                          (three health intervals when that is longer); an upgrade that misses it falls back
        --stop-timeout    how long an app's stop() and threads get to end
        --token-sha256-file  the SHA-256 (64 hex digits) of the token every API request must carry, read once at
                          start (required); the host holds no token its apps could read and use
      the environment must not set BCGITOPS_RUNTIME_TOKEN: every app of the host could read it there
      """;
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeHostCommand.class);
  private static final Set<String> OPTIONS = Set.of("--port", "--health-port", "--dir", "--bind", "--backoff",
      "--backoff-max",
      "--startup-window", "--stop-timeout", "--token-sha256-file");

  private RuntimeHostCommand() {
  }

  /** What the arguments ask for. */
  record Options(int port, int healthPort, String bind, HostSettings settings, Path tokenSha256File) {
  }

  /** Runs the host; returns only when the arguments are wrong or the API cannot start, or at shutdown. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("runtime-host: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (env.containsKey(RuntimeApi.LEGACY_TOKEN_ENV)) {
      err.println("runtime-host: " + RuntimeApi.LEGACY_TOKEN_ENV + " is set: every app of the host could read it"
          + " there; give the host the token's SHA-256 in a file (--token-sha256-file) instead");
      return 2;
    }
    BearerToken token;
    try {
      String digest = PoolToken.read(options.tokenSha256File());
      if (!digest.matches("[0-9a-fA-F]{64}")) {
        throw new IOException(options.tokenSha256File() + " holds no SHA-256 (64 hex digits)");
      }
      token = BearerToken.ofSha256(digest);
    } catch (IOException e) {
      err.println("runtime-host: --token-sha256-file: " + e.getMessage() + "; the host serves its API only with a"
          + " token to check");
      return 2;
    }
    RuntimeHost host;
    ApiServer server;
    MonitoringServer probes;
    try {
      host = new RuntimeHost(options.settings());
      server = host.routes(new ApiServer(new InetSocketAddress(options.bind(), options.port()), token)).start();
    } catch (IOException | RuntimeException e) {
      err.println("runtime-host: cannot serve on " + options.bind() + ":" + options.port() + " with apps from "
          + options.settings().dir() + ": " + e);
      return 1;
    }
    try {
      probes = MonitoringServer.probes(new InetSocketAddress(options.bind(), options.healthPort()), server::isRunning,
          server::isRunning);
      probes.start();
    } catch (IOException e) {
      server.close();
      host.close();
      err.println("runtime-host: cannot serve /healthz and /readyz on " + options.bind() + ":" + options.healthPort()
          + ": " + e);
      return 1;
    }
    HostSettings settings = host.settings();
    LOG.info("runtime host listening on {}:{} (probes on {}), apps from {} (back-off {} to {}, startup window {},"
        + " stop timeout {})", options.bind(), server.port(), probes.port(), host.dir(),
        Durations.format(settings.backoff().base()),
        Durations.format(settings.backoff().max()), Durations.format(settings.startupWindow()),
        Durations.format(settings.stopTimeout()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("runtime host stopping: stopping every app");
      server.close(); // no new request while the apps stop
      host.close();
      probes.close();
      LOG.info("runtime host stopped");
      stopped.countDown();
    }, "runtime-host-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static Options parse(String[] args) {
    CommandLine line;
    try {
      // As runtime-host always did: a repeated option's last value counts, and the errors keep their wording.
      line = CommandLine.parse(args, OPTIONS, CommandLine.Allow.REPEATS);
    } catch (CommandLine.UsageException e) {
      throw new IllegalArgumentException(e.problem() == CommandLine.Problem.MISSING_VALUE
          ? e.option() + " needs a value" : "unknown argument " + e.argument());
    }
    int port = port(line, "--port", RuntimeApi.HOST_PORT);
    int healthPort = port(line, "--health-port", RuntimeApi.HOST_HEALTH_PORT);
    Backoff backoff = new Backoff(line.duration("--backoff", Backoff.DEFAULT.base()),
        line.duration("--backoff-max", Backoff.DEFAULT.max()));
    return new Options(port, healthPort, line.text("--bind", "0.0.0.0"), new HostSettings(
        Path.of(line.text("--dir", RuntimeApi.SHARED_DIR)), backoff,
        line.duration("--startup-window", HostSettings.DEFAULT_STARTUP_WINDOW),
        line.duration("--stop-timeout", HostSettings.DEFAULT_STOP_TIMEOUT)),
        Path.of(line.text("--token-sha256-file", RuntimeApi.HOST_TOKEN_SHA256_FILE)));
  }

  private static int port(CommandLine line, String option, int byDefault) {
    String text = line.text(option, String.valueOf(byDefault));
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, got " + text);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + " must be 0-65535, got " + port);
    }
    return port;
  }
}
