package io.bcgitops.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's files, from the jar: a fixed list read once at start, looked up by the exact path, so that no
 * request path ever reaches the class path or a file system.
 */
final class StaticFiles {
  record File(String contentType, byte[] body) {
  }

  private final Map<String, File> files;

  StaticFiles() {
    files = Map.of(
        "/", read("index.html", "text/html; charset=utf-8"),
        "/app.js", read("app.js", "text/javascript; charset=utf-8"),
        "/app.css", read("app.css", "text/css; charset=utf-8"));
  }

  /** The file served at {@code path}; null for any other path. */
  File get(String path) {
    return files.get(path);
  }

  private static File read(String name, String contentType) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no io/bcgitops/dashboard/" + name);
      }
      return new File(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
