package io.bcgitops.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The jars of a folder of this machine served read-only over HTTP on loopback, such as a Maven
 * repository of jars built here: apps fetch their jars over HTTP in local mode exactly as in a
 * cluster, where the fetch refuses file URLs (they would read the loader's own disk).
 */
public final class FolderServer implements AutoCloseable {
  private final Path root;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, Threads.daemons("folder-server"));

  private FolderServer(Path root) throws IOException {
    this.root = root.toRealPath();
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
      Path file = jar(exchange.getRequestURI().getPath());
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
      } else if (file == null) {
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

  /**
   * The jar the path names inside the folder, or null: nothing but jars (all a fetch asks for) is
   * served, and nothing outside the folder, through ".." or a symbolic link.
   */
  private Path jar(String path) {
    try {
      Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
      Path name = file.getFileName();
      if (name == null || !name.toString().endsWith(".jar") || !Files.isRegularFile(file)) {
        return null;
      }
      return file.toRealPath().startsWith(root) ? file : null;
    } catch (InvalidPathException | IOException e) {
      return null;
    }
  }
}
