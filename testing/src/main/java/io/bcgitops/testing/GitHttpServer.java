package io.bcgitops.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A git smart-HTTP server (fetch only: {@code git-upload-pack}, protocol v0 and v2) on 127.0.0.1 and
 * a random port, serving one {@link TestRepo} at {@link #url()}. Built on the JDK's HttpServer and
 * JGit's {@link UploadPack}; gzip request bodies are accepted.
 *
 * <p>Authentication is optional: {@link #basicAuth} accepts only the given username and password,
 * {@link #bearerToken} only {@code Authorization: Bearer <token>}. A request without the right
 * credentials gets {@code 401} with {@code WWW-Authenticate: Basic realm="git"}, as GitHub and
 * GitLab answer.
 *
 * <pre>{@code
 * try (GitHttpServer http = GitHttpServer.basicAuth(repo, "alice", "s3cret")) {
 *   fetcher.fetch(http.url(), GitReference.branch("main"), credentials, timeout, cache);
 * }
 * }</pre>
 */
public final class GitHttpServer implements AutoCloseable {
  private static final String REPO_PATH = "/repo.git";

  private final Repository repository;
  private final String expectedAuthorization;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger uploadPackRequests = new AtomicInteger();
  private final AtomicInteger unauthorizedRequests = new AtomicInteger();

  private GitHttpServer(Repository repository, String expectedAuthorization) {
    this.repository = repository;
    this.expectedAuthorization = expectedAuthorization;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "git-http-server");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code repo} to anyone. */
  public static GitHttpServer anonymous(TestRepo repo) {
    return new GitHttpServer(repo.repository(), null);
  }

  /** Serves {@code repo} only to requests with HTTP basic auth {@code username:password}. */
  public static GitHttpServer basicAuth(TestRepo repo, String username, String password) {
    String token = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new GitHttpServer(repo.repository(), "Basic " + token);
  }

  /** Serves {@code repo} only to requests with header {@code Authorization: Bearer <token>}. */
  public static GitHttpServer bearerToken(TestRepo repo, String token) {
    return new GitHttpServer(repo.repository(), "Bearer " + token);
  }

  /** The repository's URL: {@code http://127.0.0.1:<port>/repo.git}. */
  public String url() {
    return "http://127.0.0.1:" + port() + REPO_PATH;
  }

  /** The repository's URL with credentials in it: {@code http://user:password@127.0.0.1:<port>/repo.git}. */
  public String urlWithUserInfo(String username, String password) {
    return "http://" + username + ":" + password + "@127.0.0.1:" + port() + REPO_PATH;
  }

  /** A URL on this server where no repository is: every request to it gets 404 (after authentication). */
  public String missingRepoUrl() {
    return "http://127.0.0.1:" + port() + "/missing.git";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How many upload-pack requests (ref advertisements and pack negotiations) were served with 200. */
  public int uploadPackRequests() {
    return uploadPackRequests.get();
  }

  /** How many requests got 401. */
  public int unauthorizedRequests() {
    return unauthorizedRequests.get();
  }

  /**
   * A URL to a port on 127.0.0.1 where nothing listens (a port just bound and released): connecting
   * to it is refused at once.
   */
  public static String unreachableUrl() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort() + REPO_PATH;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      // Drain nothing yet: the body is read by upload-pack or discarded on close.
      if (expectedAuthorization != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        unauthorizedRequests.incrementAndGet();
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getQuery();
      if ("GET".equals(exchange.getRequestMethod()) && (REPO_PATH + "/info/refs").equals(path)) {
        if (!"service=git-upload-pack".equals(query)) {
          // Dumb HTTP and receive-pack are not served.
          exchange.sendResponseHeaders(403, -1);
          return;
        }
        advertise(exchange);
      } else if ("POST".equals(exchange.getRequestMethod()) && (REPO_PATH + "/git-upload-pack").equals(path)) {
        uploadPack(exchange);
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(header.trim().getBytes(StandardCharsets.UTF_8),
        expectedAuthorization.getBytes(StandardCharsets.UTF_8));
  }

  private UploadPack newUploadPack(HttpExchange exchange) {
    UploadPack up = new UploadPack(repository);
    up.setBiDirectionalPipe(false);
    up.setTimeout(30);
    String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
    if (protocol != null) {
      List<String> params = new ArrayList<>(Arrays.asList(protocol.split(":")));
      up.setExtraParameters(params);
    }
    return up;
  }

  private void advertise(HttpExchange exchange) throws IOException {
    uploadPackRequests.incrementAndGet();
    exchange.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-advertisement");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (UploadPack up = newUploadPack(exchange);
        OutputStream out = new BufferedOutputStream(exchange.getResponseBody())) {
      up.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(out)), "git-upload-pack");
    }
  }

  private void uploadPack(HttpExchange exchange) throws IOException {
    uploadPackRequests.incrementAndGet();
    InputStream in = new BufferedInputStream(exchange.getRequestBody());
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip"))) {
      in = new GZIPInputStream(in);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-result");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (UploadPack up = newUploadPack(exchange);
        InputStream body = in;
        OutputStream out = new BufferedOutputStream(exchange.getResponseBody())) {
      up.uploadWithExceptionPropagation(body, out, null);
    }
  }
}
