package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the tests of the example apps share: the jars the Maven build makes (system property
 * {@code bcgitops.examples.dir}), an app run as a process ({@code java -jar}, the way a vm pod or a
 * user runs it) or in a class loader of its own (the way the embedded runtime host runs it), and
 * asking it over HTTP.
 */
final class ExampleApps {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    // Variables the apps read: one set in the environment of whoever runs the tests must not leak in.
    private static final List<String> APP_VARIABLES = List.of("PORT", "GREETING", "GREETER_URL", "APP_NAME");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private ExampleApps() {
    }

    static Path dir() {
        return Path.of(System.getProperty("bcgitops.examples.dir", "target/examples"));
    }

    /** target/examples/{@code <name>}-1.0.0.jar, which the tests of the operator use. */
    static Path jar(String name) {
        return existing(dir().resolve(name + "-1.0.0.jar"));
    }

    /** The Maven repository the build lays out: target/examples/repository. */
    static Path repository() {
        return dir().resolve("repository");
    }

    /** io.bcgitops.examples:{@code <name>}:{@code <version>} in {@link #repository()}. */
    static Path repositoryJar(String name, String version) {
        return existing(repository().resolve("io/bcgitops/examples/" + name + "/" + version + "/" + name + "-"
                + version + ".jar"));
    }

    private static Path existing(Path jar) {
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the Maven build makes it (process-test-classes)");
        return jar;
    }


    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code java <jvmArgs> -jar <jar>} with PORT=port and env, its output going to a file. */
    static Running run(Path jar, int port, Map<String, String> env, List<String> jvmArgs) throws IOException {
        Path log = Files.createTempFile("example-app", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeAll(APP_VARIABLES);
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        return new Running(builder.start(), log, port);
    }

    /** An app running as a process; closing it kills it and removes its log. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final int port;

        private Running(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.port = port;
        }

        /** Polls until the app answers at all (any status), failing early if the process died. */
        HttpResponse<String> awaitResponse(String path) throws Exception {
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("the app exited with " + process.exitValue() + ":\n" + Files.readString(log));
                }
                try {
                    return get(port, path);
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            fail("the app did not answer on :" + port + path + " within " + STARTUP + ":\n" + Files.readString(log));
            return null;
        }

        /** Sends SIGTERM, as a pod being stopped gets, and returns everything the app printed. */
        String terminate() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the app did not exit on SIGTERM");
            return Files.readString(log);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    /** Loads the app class of a jar in a class loader of its own, with the JDK alone as parent. */
    static Loaded load(Path jar, String className) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass(className);
        assertEquals(loader, type.getClassLoader());
        assertNotSame(ExampleApps.class.getClassLoader(), type.getClassLoader());
        return new Loaded(loader, type, type.getConstructor().newInstance());
    }

    /** An app instance driven through its lifecycle, start(env)/port()/stop(); closing it stops it. */
    static final class Loaded implements AutoCloseable {
        private final URLClassLoader loader;
        private final Class<?> type;
        private final Object app;

        private Loaded(URLClassLoader loader, Class<?> type, Object app) {
            this.loader = loader;
            this.type = type;
            this.app = app;
        }

        /** start(env); the app's own exception (not the reflection wrapper) when it throws. */
        void start(Map<String, String> env) throws Throwable {
            call("start", env);
        }

        int port() throws Throwable {
            return (int) call("port");
        }

        void stop() throws Throwable {
            call("stop");
        }

        private Object call(String method, Object... args) throws Throwable {
            Class<?>[] types = args.length == 0 ? new Class<?>[0] : new Class<?>[] {Map.class};
            try {
                return type.getMethod(method, types).invoke(app, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                stop();
            } catch (Throwable e) {
                throw new AssertionError("stop() failed", e);
            } finally {
                loader.close();
            }
        }
    }
}
