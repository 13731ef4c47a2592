package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.controller.DesiredAppDeployments;
import io.bcgitops.fetch.ArtifactFetcher;
import io.bcgitops.fetch.ArtifactSource;
import io.bcgitops.fetch.FetchRequest;
import io.bcgitops.fetch.FetchResult;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.ParsedApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * target/examples/repository, the Maven repository the build lays out: every example app in
 * versions 1.0.0 and 1.1.0, and every app of examples/gitops-repo fetchable from it the way the
 * operator fetches a maven source.
 */
class ExampleMavenRepositoryTest {

    private static final List<String> VERSIONS = List.of("1.0.0", "1.1.0");

    @Test
    void holdsEveryExampleAppInTwoVersionsThatDifferOnlyInTheirVersion() throws IOException {
        List<String> apps = builtApps();
        assertTrue(apps.containsAll(List.of("greeter", "clock", "web", "hello")), apps.toString());

        for (String app : apps) {
            Map<String, byte[]> built = classes(ExampleApps.jar(app));
            String mainClass = manifest(ExampleApps.jar(app)).getValue(Attributes.Name.MAIN_CLASS);
            for (String version : VERSIONS) {
                Path jar = ExampleApps.repositoryJar(app, version);
                Attributes manifest = manifest(jar);
                assertEquals(version, manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION), jar.toString());
                assertEquals(mainClass, manifest.getValue(Attributes.Name.MAIN_CLASS), jar.toString());
                Map<String, byte[]> classes = classes(jar);
                assertEquals(built.keySet(), classes.keySet(), jar.toString());
                built.forEach((name, bytes) -> assertArrayEquals(bytes, classes.get(name), jar + "!" + name));
            }
        }
    }

    @Test
    void everyAppOfTheExampleRepositoryFetchesFromIt(@TempDir Path dest) throws Exception {
        DesiredState state = new GitOpsRepository().scan(Path.of("examples/gitops-repo"), "apps");
        assertEquals(List.of(), state.problems());
        try (RepositoryServer repository = new RepositoryServer(ExampleApps.repository())) {
            for (ParsedApp app : state.apps()) {
                // The coordinates exactly as the operator builds them from the spec.
                AppDeploymentSpec spec = DesiredAppDeployments.of(app, "examples").getSpec();
                String coordinates = spec.getSource().coordinatesFor(spec.getVersion());
                Path jar = dest.resolve(spec.getSource().getCoordinates().replace(':', '_') + ".jar");

                FetchResult fetched = fetch(ArtifactSource.ofMaven(coordinates, repository.url()), jar);

                String name = app.name();
                assertArrayEquals(Files.readAllBytes(ExampleApps.repositoryJar(name, spec.getVersion())),
                        Files.readAllBytes(fetched.dest()), coordinates);
                assertEquals(spec.getVersion(), manifest(jar).getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            }
            // The jar is all a maven fetch asks for: no .pom, no checksum file, no metadata.
            assertEquals(List.of(
                    "/io/bcgitops/examples/greeter/1.0.0/greeter-1.0.0.jar",
                    "/io/bcgitops/examples/clock/1.0.0/clock-1.0.0.jar",
                    "/io/bcgitops/examples/web/1.0.0/web-1.0.0.jar"), repository.requests());
        }
    }

    @Test
    void aVersionBumpFetchesTheNewVersion(@TempDir Path dest) throws Exception {
        try (RepositoryServer repository = new RepositoryServer(ExampleApps.repository())) {
            Path jar = dest.resolve("greeter.jar");

            fetch(ArtifactSource.ofMaven("io.bcgitops.examples:greeter:1.1.0", repository.url()), jar);

            assertEquals("1.1.0", manifest(jar).getValue(Attributes.Name.IMPLEMENTATION_VERSION));
        }
    }

    private static FetchResult fetch(ArtifactSource source, Path dest) throws Exception {
        // No retries: the repository is on this disk, a failure would not go away.
        ArtifactFetcher fetcher = new ArtifactFetcher(ArtifactFetcher.Settings.defaults().withRetries(0));
        FetchResult result = fetcher.fetch(new FetchRequest(source, dest, null, null));
        assertTrue(result.downloaded());
        return result;
    }

    /** The apps the build made: target/examples/{@code <app>}-1.0.0.jar. */
    private static List<String> builtApps() throws IOException {
        try (Stream<Path> files = Files.list(ExampleApps.dir())) {
            List<String> apps = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith("-1.0.0.jar"))
                    .map(name -> name.substring(0, name.length() - "-1.0.0.jar".length()))
                    .sorted()
                    .toList();
            assertFalse(apps.isEmpty(), "no example app jar in " + ExampleApps.dir());
            return apps;
        }
    }

    private static Attributes manifest(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes();
        }
    }

    /** Every entry but the manifest, by name. */
    private static Map<String, byte[]> classes(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (!entry.isDirectory() && !entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    entries.put(entry.getName(), file.getInputStream(entry).readAllBytes());
                }
            }
        }
        return entries;
    }

    /** A folder served over HTTP on loopback, as a Maven repository server serves one; it notes each path asked for. */
    private static final class RepositoryServer implements AutoCloseable {
        private final HttpServer server;
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        RepositoryServer(Path root) throws IOException {
            Path base = root.toAbsolutePath().normalize();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getPath();
                    requests.add(path);
                    Path file = base.resolve(path.substring(1)).normalize();
                    if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.sendResponseHeaders(200, Files.size(file));
                    try (OutputStream out = exchange.getResponseBody()) {
                        Files.copy(file, out);
                    }
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
