package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bcgitops.testing.Ports;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example app (examples/apps/hello), as built by Maven into
 * {@code ${project.build.directory}/examples/hello-1.0.0.jar}: run as a real child process and
 * loaded in a class loader of its own, the way the embedded runtime host will.
 */
class HelloAppTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final String MAIN_CLASS = "io.bcgitops.examples.hello.HelloApp";

    private static Path jar;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    static void findJar() {
        Path dir = Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"));
        jar = dir.resolve("hello-1.0.0.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the Maven build makes it (process-test-classes)");
    }

    @Test
    void jarManifestNamesMainClassAndVersion() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var attributes = file.getManifest().getMainAttributes();
            assertEquals(MAIN_CLASS, attributes.getValue("Main-Class"));
            assertEquals("1.0.0", attributes.getValue("Implementation-Version"));
        }
    }

    @Test
    void runsAsAProcessServesGreetingAndHealthAndStopsOnSigterm() throws Exception {
        int port = Ports.free();
        Path log = Files.createTempFile("hello-app", ".log");
        Process process = start(port, log, Map.of("GREETING", "Howdy", "APP_NAME", "hello-test"));
        try {
            HttpResponse<String> health = awaitResponse(process, log, port, "/health");
            assertEquals(200, health.statusCode());
            assertEquals("ok", health.body());

            HttpResponse<String> root = get(port, "/");
            assertEquals(200, root.statusCode());
            assertEquals("Howdy from hello-test 1.0.0", root.body());
            assertEquals(404, get(port, "/nothing-here").statusCode());

            process.destroy(); // SIGTERM: the shutdown hook stops the server
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "hello did not exit on SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("hello listening on :" + port), output);
            assertTrue(output.contains("hello stopped"), output);
        } finally {
            kill(process);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void healthFailMakesHealthAnswer503() throws Exception {
        int port = Ports.free();
        Path log = Files.createTempFile("hello-app", ".log");
        Process process = start(port, log, Map.of("HEALTH_FAIL", "true"));
        try {
            HttpResponse<String> health = awaitResponse(process, log, port, "/health");
            assertEquals(503, health.statusCode());
            // Defaults when GREETING and APP_NAME are unset.
            assertEquals("Hello from hello 1.0.0", get(port, "/").body());
        } finally {
            kill(process);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void startsAndStopsInProcessInItsOwnClassLoader() throws Exception {
        int port = Ports.free();
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass(MAIN_CLASS);
            assertEquals(loader, type.getClassLoader());
            assertNotSame(getClass().getClassLoader(), type.getClassLoader());
            Object app = type.getConstructor().newInstance();
            try {
                type.getMethod("start", Map.class)
                        .invoke(app, Map.of("PORT", String.valueOf(port), "GREETING", "Hi"));
                // start() returns once the port is bound: no waiting needed.
                assertEquals(200, get(port, "/health").statusCode());
                assertEquals("Hi from hello 1.0.0", get(port, "/").body());
                assertEquals(port, type.getMethod("port").invoke(app));

                InvocationTargetException twice = assertThrows(InvocationTargetException.class,
                        () -> type.getMethod("start", Map.class).invoke(app, Map.of("PORT", "0")));
                assertTrue(twice.getCause() instanceof IllegalStateException, twice.getCause().toString());
            } finally {
                type.getMethod("stop").invoke(app);
            }
            type.getMethod("stop").invoke(app); // idempotent

            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(),
                    "nothing should listen on " + port + " after stop()");
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(port)); // the port is free again
            }
        }
    }

    private static Process start(int port, Path log, Map<String, String> env) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeAll(List.of("GREETING", "APP_NAME", "HEALTH_FAIL"));
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        return builder.start();
    }

    /** Polls until the app answers at all (any status), failing early if the process died. */
    private HttpResponse<String> awaitResponse(Process process, Path log, int port, String path)
            throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("hello exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                return get(port, path);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("hello did not answer on :" + port + path + " within " + STARTUP + ":\n" + Files.readString(log));
        return null;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

}
