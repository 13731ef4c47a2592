package io.bcgitops.examples.clock;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The example repository's second app (examples/gitops-repo/apps/clock): tells the time, greeted
 * by greeter, the app it depends on.
 *
 * <p>{@code GET /} asks greeter for a greeting and answers two lines, such as
 * {@code Hello, clock! It is 12:00:03 UTC} and {@code clock 1.0.0} (the jar's
 * Implementation-Version). When greeter does not answer it still tells the time, and says why
 * greeter did not greet (still 200: the clock works, its dependency does not).
 * {@code GET /health} answers 200 "ok". Environment: {@code PORT} (default 8082; 0 picks a free
 * port, see {@link #port()}), {@code GREETER_URL} (default http://localhost:8081).
 *
 * <p>Runs as a process ({@link #main}) or in-process in the embedded runtime host:
 * {@code new ClockApp().start(env)} ... {@code stop()}. It reads only the env it is given and
 * never calls {@code System.exit}: in the host, the process is not its own.
 */
public class ClockApp {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private HttpServer server;

    public static void main(String[] args) throws IOException {
        ClockApp app = new ClockApp();
        app.start(System.getenv());
        // SIGTERM (a pod or a local run being stopped) runs the hooks: close the server, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "clock-shutdown"));
    }

    /** Starts serving; returns once the port is bound. The server's thread keeps running. */
    public synchronized void start(Map<String, String> env) throws IOException {
        if (server != null) {
            throw new IllegalStateException("clock is already started");
        }
        int port = Integer.parseInt(get(env, "PORT", "8082"));
        Greeter greeter = new Greeter(get(env, "GREETER_URL", "http://localhost:8081"));
        String signature = "clock " + version();

        HttpServer http = HttpServer.create(new InetSocketAddress(port), 0); // all interfaces
        http.createContext("/health", exchange -> respond(exchange, 200, "ok"));
        http.createContext("/", exchange -> {
            // "/" is a prefix match in HttpServer: only the root itself is the time.
            if (exchange.getRequestURI().getPath().equals("/")) {
                String now = TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
                respond(exchange, 200, greeter.greeting() + " It is " + now + " UTC\n" + signature + "\n");
            } else {
                respond(exchange, 404, "not found");
            }
        });
        http.start();
        server = http;
        System.out.println("clock listening on :" + port() + ", greeted by " + greeter.url());
    }

    /** Stops serving and releases the port. Safe to call more than once. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
            System.out.println("clock stopped");
        }
    }

    /** The port actually bound (useful with PORT=0), or -1 when not started. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** Implementation-Version from the jar manifest (set by the build), or "dev" when run unpackaged. */
    private static String version() {
        String version = ClockApp.class.getPackage().getImplementationVersion();
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
