package io.bcgitops.runtime;

import static io.bcgitops.runtime.HostProcess.http;
import static io.bcgitops.runtime.HostProcess.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.EmbeddedState;
import io.bcgitops.testing.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedded app can do with what it finds in the host, as an attacker would try: a real host process (its
 * token's digest in a file, as in the pool's pod) runs a victim and the token-thief example app, which presents every
 * value of the process environment and the token files it can read as bearer tokens to the host's API (to unload the
 * victim) and to a loader holding the pool's token. None opens either.
 */
class PoolTokenReachTest {
  private static final String POOL_TOKEN = "pool-token-" + Long.toHexString(System.nanoTime());

  @TempDir
  Path dir;

  @Test
  void anEmbeddedAppFindsNoTokenInItsEnvironmentOrTheHostsTokenFile() throws Exception {
    try (HostProcess host = HostProcess.start(dir);
        ApiServer loader = new ApiServer(new InetSocketAddress("127.0.0.1", 0), POOL_TOKEN)
            .route("GET", "/v1/jars", r -> ApiServer.Response.ok(new RuntimeApi.JarList(List.of()))).start()) {
      int victimPort = Ports.free();
      host.put("victim", request("1.0.0", host.install("victim", "1.0.0", "hello"), Map.of("PORT", "" + victimPort),
          List.of(), http(victimPort)));
      host.awaitRunning("victim", "1.0.0");

      int thiefPort = Ports.free();
      String paths = host.tokenSha256File + "," + RuntimeApi.TOKEN_FILE + "," + RuntimeApi.HOST_TOKEN_SHA256_FILE;
      host.put("thief", request("1.0.0", host.install("thief", "1.0.0", "token-thief"), Map.of("PORT", "" + thiefPort,
          "TOKEN_PATHS", paths, "HOST_API", "http://127.0.0.1:" + host.port(), "LOADER_API",
          "http://127.0.0.1:" + loader.port(), "VICTIM", "victim"), List.of(), http(thiefPort)));
      host.awaitRunning("thief", "1.0.0");
      String report = host.get(thiefPort, "/report").body();

      // Nothing in the environment is named for a token, and no value of it opens an API.
      assertFalse(report.contains(RuntimeApi.LEGACY_TOKEN_ENV), report);
      assertTrue(report.contains("try env PATH: host 401, loader 401"), report);
      // The host's own file is readable (the app is the host's process) and holds a digest that opens nothing.
      assertTrue(report.contains("read " + host.tokenSha256File + ": ok"), report);
      assertTrue(report.contains("try file " + host.tokenSha256File + ": host 401, loader 401"), report);
      // The pool's token is in the loader's container only: not at its path in the host's.
      assertTrue(report.contains("read " + RuntimeApi.TOKEN_FILE + ": NoSuchFileException"), report);
      // Every other value too (one a header cannot carry is "unsendable"): no answer but 401.
      report.lines().filter(line -> line.startsWith("try ")).forEach(line -> assertFalse(
          line.matches(".*(host|loader) (?!401)\\w+.*") && !line.matches(".*host unsendable, loader unsendable"),
          "a credential got past an API: " + line + "\n" + report));
      assertEquals(EmbeddedState.Running, host.app("victim").orElseThrow().state(), "the victim was unloaded");
    }
  }
}
