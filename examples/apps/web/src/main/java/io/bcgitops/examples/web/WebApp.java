package io.bcgitops.examples.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The example repository's vm app (examples/gitops-repo/apps/web): a JVM of its own, so it has
 * only {@link #main}.
 *
 * <p>{@code GET /} answers a small HTML page with its version (the jar's Implementation-Version)
 * and what its JVM was given: the max heap ({@code Runtime.maxMemory()}) and the available
 * processors, so the spec's {@code vmConfig} (memoryLimit, schedulerLimit, extraArgs) shows.
 * {@code GET /health} answers 200 "ok". Environment: {@code PORT} (default 8080).
 */
public final class WebApp {

    private WebApp() {
    }

    public static void main(String[] args) throws IOException {
        String value = System.getenv("PORT");
        int port = Integer.parseInt(value == null || value.isBlank() ? "8080" : value.trim());

        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0); // all interfaces
        server.createContext("/health", exchange -> respond(exchange, 200, "text/plain", "ok"));
        server.createContext("/", exchange -> {
            // "/" is a prefix match in HttpServer: only the root itself is the page.
            if (exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 200, "text/html", page());
            } else {
                respond(exchange, 404, "text/plain", "not found");
            }
        });
        server.start();
        System.out.println("web listening on :" + server.getAddress().getPort());
        // SIGTERM (a pod or a local run being stopped) runs the hooks: close the server, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            System.out.println("web stopped");
        }, "web-shutdown"));
    }

    /** Computed per request: the page tells what this JVM has now, not what it had at start. */
    private static String page() {
        Runtime runtime = Runtime.getRuntime();
        long maxHeapMiB = runtime.maxMemory() / (1024 * 1024);
        return "<!DOCTYPE html>\n"
                + "<html><head><meta charset=\"utf-8\"><title>web " + version() + "</title></head>\n"
                + "<body>\n"
                + "<h1>web " + version() + "</h1>\n"
                + "<p>Max heap: <b>" + maxHeapMiB + " MiB</b></p>\n"
                + "<p>Available processors: <b>" + runtime.availableProcessors() + "</b></p>\n"
                + "</body></html>\n";
    }

    /** Implementation-Version from the jar manifest (set by the build), or "dev" when run unpackaged. */
    private static String version() {
        String version = WebApp.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                status = 405;
                body = "method not allowed";
                type = "text/plain";
                exchange.getResponseHeaders().set("Allow", "GET");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
