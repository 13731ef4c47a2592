package io.bcgitops.examples.crasher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An app that starts well and then dies: it serves {@code GET /health} (200) on {@code PORT}
 * (default 8080), and {@code CRASH_AFTER_MS} (default 1500) after start a thread of its own
 * throws an uncaught exception. The runtime host must count that as the app's crash, not its own.
 */
public class CrasherApp {

    private HttpServer server;
    private Thread bomb;

    public static void main(String[] args) throws IOException {
        new CrasherApp().start(System.getenv());
    }

    public synchronized void start(Map<String, String> env) throws IOException {
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        long crashAfter = Long.parseLong(env.getOrDefault("CRASH_AFTER_MS", "1500"));
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        server.start();
        bomb = new Thread(() -> {
            try {
                Thread.sleep(crashAfter);
            } catch (InterruptedException stopped) {
                return; // stop() came first
            }
            throw new RuntimeException("crasher crashed on purpose after " + crashAfter + " ms");
        }, "crasher-bomb");
        bomb.start();
        System.out.println("crasher listening on :" + port + ", crashing in " + crashAfter + " ms");
    }

    public synchronized void stop() {
        if (bomb != null) {
            bomb.interrupt();
            bomb = null;
        }
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
