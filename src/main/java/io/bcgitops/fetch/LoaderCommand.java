package io.bcgitops.fetch;

import io.bcgitops.cli.CommandLine;
import io.bcgitops.runtime.ApiServer;
import io.bcgitops.runtime.RuntimeApi;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
      usage: loader [--port 9091] [--dir /apps] [--bind 0.0.0.0] [--maven-repository <url>]
                    [--timeout 30s] [--retries 3]
        --port              where the loader API listens (default 9091; 0 picks a free port)
        --dir               the folder shared with the runtime host; jars go to <dir>/<name>/<version>/app.jar
        --bind              the address to listen on (default 0.0.0.0)
        --maven-repository  Maven 2 repository of requests that name none (default https://repo.maven.apache.org/maven2)
        --timeout           bounds connecting, the wait for the response, and any pause in the body (default 30s)
        --retries           attempts after the first on connection errors, timeouts, 5xx and 429 (default 3)
      environment: BCGITOPS_RUNTIME_TOKEN, the pool's token every request must carry (required)
      exit: 0 stopped (SIGTERM), 1 cannot serve, 2 bad arguments or no token
      """;

  private static final Set<String> OPTIONS = Set.of("--port", "--dir", "--bind", "--maven-repository", "--timeout",
      "--retries");

  private LoaderCommand() {
  }

  /** What the arguments ask for. */
  record Arguments(InetSocketAddress address, Path dir, String mavenRepository, ArtifactFetcher.Settings settings) {
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
    String token = env.get(RuntimeApi.TOKEN_ENV);
    if (token == null || token.isBlank()) {
      err.println("loader: the environment variable " + RuntimeApi.TOKEN_ENV + " must hold the pool's API token;"
          + " refusing to serve without one");
      return 2;
    }

    ApiServer server;
    try {
      ArtifactFetcher fetcher = new ArtifactFetcher(arguments.settings(), note -> LOG.info("{}", note));
      LoaderServer loader = new LoaderServer(arguments.dir(), arguments.mavenRepository(), fetcher);
      server = loader.serve(arguments.address(), token);
    } catch (IOException | RuntimeException e) {
      err.println("loader: cannot serve on " + arguments.address().getAddress().getHostAddress() + ":"
          + arguments.address().getPort() + " from " + arguments.dir() + ": "
          + ArtifactFetcher.describe(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      out.println("loader: stopped");
      out.flush();
      stopped.countDown();
    }, "shutdown"));
    out.println("loader: serving " + arguments.dir().toAbsolutePath() + " on "
        + arguments.address().getAddress().getHostAddress() + ":" + server.port() + ", maven repository "
        + LoaderServer.describeRepository(arguments.mavenRepository()));
    out.flush();
    stopped.await();
    return 0;
  }

  static Arguments parse(String[] args) {
    CommandLine options = CommandLine.parse(args, OPTIONS);
    int port = (int) options.number("--port", RuntimeApi.LOADER_PORT, 0, 65535);
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
    return new Arguments(new InetSocketAddress(address, port), Path.of(dir), repository,
        ArtifactFetcher.Settings.defaults().withTimeout(timeout).withRetries((int) retries));
  }
}
