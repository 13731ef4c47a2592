package io.bcgitops.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maven repository local mode serves: its jars, and nothing else of this machine. */
class FolderServerTest {
  @TempDir
  Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheFoldersJarsAndNothingElse() throws Exception {
    Path repository = Files.createDirectories(tmp.resolve("repository/io/example/app/1.0"));
    Files.writeString(repository.resolve("app-1.0.jar"), "jar bytes");
    Files.writeString(repository.resolve("app-1.0.pom"), "<project/>");
    Files.writeString(tmp.resolve("secret.jar"), "outside");
    Files.createSymbolicLink(repository.resolve("link.jar"), tmp.resolve("secret.jar"));
    try (FolderServer server = FolderServer.start(tmp.resolve("repository"))) {
      assertEquals(200, status(server, "io/example/app/1.0/app-1.0.jar"));
      assertEquals("jar bytes", get(server, "io/example/app/1.0/app-1.0.jar").body());
      assertEquals(404, status(server, "io/example/app/1.0/app-1.0.pom"), "only jars");
      assertEquals(404, status(server, "io/example/app/1.0/missing.jar"));
      assertEquals(404, status(server, "io/example/app/1.0/link.jar"), "a link out of the folder");
      assertEquals(404, status(server, "../secret.jar"));
      assertEquals(404, status(server, "io/example/app/1.0/..%2F..%2F..%2F..%2F..%2Fsecret.jar"));
      assertEquals(404, status(server, "app%00.jar"));
      assertEquals(405, http.send(HttpRequest.newBuilder(server.url().resolve("io/example/app/1.0/app-1.0.jar"))
          .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }

  private int status(FolderServer server, String path) throws Exception {
    return get(server, path).statusCode();
  }

  private HttpResponse<String> get(FolderServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
