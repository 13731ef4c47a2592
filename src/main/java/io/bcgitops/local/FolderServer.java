package io.bcgitops.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A folder of this machine served read-only over HTTP on loopback, such as a Maven repository of
 * jars built here: apps fetch their jars over HTTP in local mode exactly as in a cluster, where the
 * fetch refuses file URLs (they would read the loader's own disk).
 */
public final class FolderServer implements AutoCloseable {
  private final Path root;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
    Thread thread = new Thread(r, "folder-server");
    thread.setDaemon(true);
    return thread;
  });

  private FolderServer(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::serve);
  }

  public static FolderServer start(Path root) throws IOException {
    FolderServer files = new FolderServer(root);
    files.server.start();
    return files;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Path file = root.resolve(exchange.getRequestURI().getPath().replaceFirst("^/+", "")).normalize();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
      } else if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
      } else if (method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", String.valueOf(Files.size(file)));
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, Files.size(file));
        try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
          in.transferTo(out);
        }
      }
    }
  }
}
