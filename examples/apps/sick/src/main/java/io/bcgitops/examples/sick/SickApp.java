package io.bcgitops.examples.sick;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An app that starts and serves but does not pass its health check: {@code GET /health} on
 * {@code PORT} (default 8080) answers 503 (after answering 200 for the first {@code HEALTHY_FOR_MS}
 * milliseconds, default 0: always 503); {@code GET /} answers 200 "sick". The runtime host must
 * mark it unhealthy and restart it (or, as an upgrade, fall back).
 */
public class SickApp {

    private HttpServer server;

    public static void main(String[] args) throws IOException {
        new SickApp().start(System.getenv());
    }

    public synchronized void start(Map<String, String> env) throws IOException {
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        long healthyUntil = System.currentTimeMillis() + Long.parseLong(env.getOrDefault("HEALTHY_FOR_MS", "0"));
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> {
            if (System.currentTimeMillis() < healthyUntil) {
                respond(exchange, 200, "ok for now");
            } else {
                respond(exchange, 503, "not well");
            }
        });
        server.createContext("/", exchange -> respond(exchange, 200, "sick"));
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
