package io.bcgitops.examples.libb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bcgitops.examples.lib.Greeting;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Answers {@code GET /} on {@code PORT} (default 8080) with {@link Greeting#text()} of the
 * library version bundled in this jar (examples/libs/greeting-v2), and {@code GET /health} with 200.
 * lib-a and lib-b bundle two versions of the same class: loaded side by side in one runtime
 * host, each must answer with its own.
 */
public class LibBApp {

    private HttpServer server;

    public static void main(String[] args) throws IOException {
        new LibBApp().start(System.getenv());
    }

    public synchronized void start(Map<String, String> env) throws IOException {
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        server.createContext("/", exchange -> respond(exchange, 200, Greeting.text()));
        server.start();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
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
