package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.Ports;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example repository's greeter (examples/apps/greeter), as a process and in-process. */
class GreeterAppTest {

    private static final String APP_CLASS = "io.bcgitops.examples.greeter.GreeterApp";

    @Test
    void runsAsAProcessGreetsByNameWithItsVersionAndStopsOnSigterm() throws Exception {
        int port = Ports.free();
        try (ExampleApps.Running greeter = ExampleApps.run(ExampleApps.jar("greeter"), port,
                Map.of("GREETING", "Howdy"), List.of())) {
            HttpResponse<String> health = greeter.awaitResponse("/health");
            assertEquals(200, health.statusCode());
            assertEquals("ok", health.body());

            HttpResponse<String> named = ExampleApps.get(port, "/?name=Ada%20Lovelace");
            assertEquals(200, named.statusCode());
            assertEquals("Howdy, Ada Lovelace!\ngreeter 1.0.0\n", named.body());
            assertEquals("Howdy, world!\ngreeter 1.0.0\n", ExampleApps.get(port, "/").body());
            assertEquals("Howdy, world!\ngreeter 1.0.0\n", ExampleApps.get(port, "/?name=").body());
            assertEquals(404, ExampleApps.get(port, "/nothing-here").statusCode());

            String output = greeter.terminate();
            assertTrue(output.contains("greeter listening on :" + port), output);
            assertTrue(output.contains("greeter stopped"), output);
        }
    }

    @Test
    void theRepositorysVersionBumpShowsInTheGreeting() throws Exception {
        int port = Ports.free();
        try (ExampleApps.Running greeter = ExampleApps.run(ExampleApps.repositoryJar("greeter", "1.1.0"), port,
                Map.of(), List.of())) {
            greeter.awaitResponse("/health");

            // GREETING unset: "Hello".
            assertEquals("Hello, world!\ngreeter 1.1.0\n", ExampleApps.get(port, "/").body());
        }
    }

    @Test
    void startsAndStopsInProcessThroughItsLifecycle() throws Throwable {
        int port;
        try (ExampleApps.Loaded greeter = ExampleApps.load(ExampleApps.jar("greeter"), APP_CLASS)) {
            // PORT 0: a free port, read back with port(); start() returns once it is bound.
            greeter.start(Map.of("PORT", "0", "GREETING", "Hi"));
            port = greeter.port();
            assertEquals(200, ExampleApps.get(port, "/health").statusCode());
            assertEquals("Hi, Grace!\ngreeter 1.0.0\n", ExampleApps.get(port, "/?name=Grace").body());

            assertThrows(IllegalStateException.class, () -> greeter.start(Map.of("PORT", "0")));

            greeter.stop();
            assertEquals(-1, greeter.port());
            greeter.stop(); // idempotent
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(),
                "nothing should listen on " + port + " after stop()");
    }
}
