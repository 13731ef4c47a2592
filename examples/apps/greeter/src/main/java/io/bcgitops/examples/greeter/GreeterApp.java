package io.bcgitops.examples.greeter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The example repository's first app (examples/gitops-repo/apps/greeter): greets whoever asks.
 *
 * <p>{@code GET /?name=Ada} answers two lines, {@code Hello, Ada!} and {@code greeter 1.0.0} (the
 * jar's Implementation-Version, so an upgrade shows); without a name it greets "world".
 * {@code GET /health} answers 200 "ok". Environment: {@code PORT} (default 8081; 0 picks a free
 * port, see {@link #port()}), {@code GREETING} (default "Hello").
 *
 * <p>Runs as a process ({@link #main}) or in-process in the embedded runtime host:
 * {@code new GreeterApp().start(env)} ... {@code stop()}. It reads only the env it is given and
 * never calls {@code System.exit}: in the host, the process is not its own.
 */
public class GreeterApp {

    private HttpServer server;

    public static void main(String[] args) throws IOException {
        GreeterApp app = new GreeterApp();
        app.start(System.getenv());
        // SIGTERM (a pod or a local run being stopped) runs the hooks: close the server, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "greeter-shutdown"));
    }

    /** Starts serving; returns once the port is bound. The server's thread keeps running. */
    public synchronized void start(Map<String, String> env) throws IOException {
        if (server != null) {
            throw new IllegalStateException("greeter is already started");
        }
        int port = Integer.parseInt(get(env, "PORT", "8081"));
        String greeting = get(env, "GREETING", "Hello");
        String signature = "greeter " + version();

        HttpServer http = HttpServer.create(new InetSocketAddress(port), 0); // all interfaces
        http.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        http.createContext("/", exchange -> greet(exchange, greeting, signature));
        http.start();
        server = http;
        System.out.println("greeter listening on :" + port());
    }

    private static void greet(HttpExchange exchange, String greeting, String signature) throws IOException {
        // "/" is a prefix match in HttpServer: only the root itself is the greeting.
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "not found");
            return;
        }
        String name = nameIn(exchange.getRequestURI().getRawQuery());
        respond(exchange, 200, greeting + ", " + name + "!\n" + signature + "\n");
    }

    /** Stops serving and releases the port. Safe to call more than once. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
            System.out.println("greeter stopped");
        }
    }

    /** The port actually bound (useful with PORT=0), or -1 when not started. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** Implementation-Version from the jar manifest (set by the build), or "dev" when run unpackaged. */
    private static String version() {
        String version = GreeterApp.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * The query's {@code name} parameter, decoded; "world" when there is none or it is blank. A
     * malformed %-escape never gets here: HttpServer answers such a request 400 itself.
     */
    private static String nameIn(String rawQuery) {
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.startsWith("name=")) {
                    String name = URLDecoder.decode(pair.substring("name=".length()), StandardCharsets.UTF_8).strip();
                    if (!name.isEmpty()) {
                        return name;
                    }
                }
            }
        }
        return "world";
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
