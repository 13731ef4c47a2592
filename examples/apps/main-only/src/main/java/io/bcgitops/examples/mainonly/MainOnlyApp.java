package io.bcgitops.examples.mainonly;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * An app with no lifecycle methods, only {@code main}: the runtime host's fallback runs it in a
 * thread of the app. It serves {@code GET /health} (200) and {@code GET /} on the port given as
 * {@code args[0]}, and keeps its main thread waiting so that an interrupt (the host stopping it)
 * stops the server and frees the port.
 */
public class MainOnlyApp {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "8080");
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        server.createContext("/", exchange -> respond(exchange, 200, "main-only on " + port));
        server.start();
        System.out.println("main-only listening on :" + port);
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException stopRequested) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop(0);
            System.out.println("main-only stopped");
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
