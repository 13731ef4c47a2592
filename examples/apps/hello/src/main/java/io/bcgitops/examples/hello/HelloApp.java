package io.bcgitops.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The example app of bc-gitops-operator: a tiny HTTP server with a health endpoint.
 *
 * <p>Environment: {@code PORT} (default 8080; 0 picks a free port), {@code GREETING} (default
 * "Hello"), {@code APP_NAME} (default "hello"), {@code HEALTH_FAIL=true} (GET /health answers 503).
 *
 * <p>Run it as a process ({@link #main}) or in-process from a host that gives it its own class
 * loader: {@code new HelloApp().start(env)} ... {@code stop()}. It never reads
 * {@code System.getenv()} itself and never calls {@code System.exit}.
 */
public class HelloApp {

    private HttpServer server;

    public static void main(String[] args) throws IOException {
        HelloApp app = new HelloApp();
        app.start(System.getenv());
        // SIGTERM (e.g. a pod being stopped) runs the hooks: close the server, then the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "hello-shutdown"));
    }

    /** Starts serving; returns once the port is bound. The server's thread keeps running. */
    public synchronized void start(Map<String, String> env) throws IOException {
        if (server != null) {
            throw new IllegalStateException("hello is already started");
        }
        int port = Integer.parseInt(get(env, "PORT", "8080"));
        String greeting = get(env, "GREETING", "Hello");
        String appName = get(env, "APP_NAME", "hello");
        boolean healthFail = "true".equalsIgnoreCase(get(env, "HEALTH_FAIL", "false"));
        String text = greeting + " from " + appName + " " + version();

        HttpServer http = HttpServer.create(new InetSocketAddress(port), 0); // all interfaces
        http.createContext("/health", exchange -> {
            if (healthFail) {
                respond(exchange, 503, "unhealthy");
            } else {
                respond(exchange, 200, "ok");
            }
        });
        http.createContext("/", exchange -> {
            // "/" is a prefix match in HttpServer: only the root itself is the greeting.
            if (exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 200, text);
            } else {
                respond(exchange, 404, "not found");
            }
        });
        http.start();
        server = http;
        System.out.println("hello listening on :" + port());
    }

    /** Stops serving and releases the port. Safe to call more than once. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
            System.out.println("hello stopped");
        }
    }

    /** The port actually bound (useful with PORT=0), or -1 when not started. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** Implementation-Version from the jar manifest (set by the build), or "dev" when run unpackaged. */
    static String version() {
        String version = HelloApp.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                status = 405;
                body = "method not allowed";
                exchange.getResponseHeaders().set("Allow", "GET");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
