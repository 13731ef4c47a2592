package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bcgitops.testing.Ports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example repository's clock (examples/apps/clock), greeted by a real greeter: as a process,
 * and both in-process in class loaders of their own, as the runtime host runs them.
 */
class ClockAppTest {

    private static final String CLOCK = "io.bcgitops.examples.clock.ClockApp";
    private static final String GREETER = "io.bcgitops.examples.greeter.GreeterApp";
    private static final Pattern ANSWER = Pattern.compile("(.*) It is (\\d\\d:\\d\\d:\\d\\d) UTC\nclock 1\\.0\\.0\n");

    @Test
    void runsAsAProcessAndTellsTheTimeGreetedByGreeter() throws Throwable {
        int port = Ports.free();
        try (ExampleApps.Loaded greeter = ExampleApps.load(ExampleApps.jar("greeter"), GREETER)) {
            greeter.start(Map.of("PORT", "0", "GREETING", "Good day"));
            try (ExampleApps.Running clock = ExampleApps.run(ExampleApps.jar("clock"), port,
                    Map.of("GREETER_URL", "http://127.0.0.1:" + greeter.port()), List.of())) {
                HttpResponse<String> health = clock.awaitResponse("/health");
                assertEquals(200, health.statusCode());
                assertEquals("ok", health.body());

                assertEquals("Good day, clock!", greeting(ExampleApps.get(port, "/")));
                assertEquals(404, ExampleApps.get(port, "/nothing-here").statusCode());

                String output = clock.terminate();
                assertTrue(output.contains("clock listening on :" + port + ", greeted by http://127.0.0.1:"
                        + greeter.port()), output);
                assertTrue(output.contains("clock stopped"), output);
            }
        }
    }

    @Test
    void saysGreeterIsUnavailableWhenNothingAnswersAndStillTellsTheTime() throws Exception {
        int port = Ports.free();
        int nobody = Ports.free();
        try (ExampleApps.Running clock = ExampleApps.run(ExampleApps.jar("clock"), port,
                Map.of("GREETER_URL", "http://127.0.0.1:" + nobody), List.of())) {
            clock.awaitResponse("/health");

            assertEquals("greeter is unavailable at http://127.0.0.1:" + nobody
                    + " (ConnectException: Connection refused).", greeting(ExampleApps.get(port, "/")));
        }
    }

    @Test
    void followsGreeterInProcessAsItStartsAndStops() throws Throwable {
        try (ExampleApps.Loaded greeter = ExampleApps.load(ExampleApps.jar("greeter"), GREETER);
                ExampleApps.Loaded clock = ExampleApps.load(ExampleApps.jar("clock"), CLOCK)) {
            greeter.start(Map.of("PORT", "0", "GREETING", "Hi"));
            int greeterPort = greeter.port();
            // A trailing slash, as a user may well write it.
            clock.start(Map.of("PORT", "0", "GREETER_URL", "http://127.0.0.1:" + greeterPort + "/"));
            int port = clock.port();
            assertEquals(200, ExampleApps.get(port, "/health").statusCode());
            assertEquals("Hi, clock!", greeting(ExampleApps.get(port, "/")));

            greeter.stop();
            assertEquals("greeter is unavailable at http://127.0.0.1:" + greeterPort
                    + " (ConnectException: Connection refused).", greeting(ExampleApps.get(port, "/")));
            // The clock itself is fine: health does not follow its dependency.
            assertEquals(200, ExampleApps.get(port, "/health").statusCode());

            assertThrows(IllegalStateException.class, () -> clock.start(Map.of("PORT", "0")));
        }
    }

    @Test
    void reportsTheStatusOfAGreeterThatAnswersWithAnError() throws Throwable {
        try (ExampleApps.Loaded greeter = ExampleApps.load(ExampleApps.jar("greeter"), GREETER);
                ExampleApps.Loaded clock = ExampleApps.load(ExampleApps.jar("clock"), CLOCK)) {
            greeter.start(Map.of("PORT", "0"));
            // Greeter answers only its root: below another path it says 404.
            String wrongPath = "http://127.0.0.1:" + greeter.port() + "/wrong";
            clock.start(Map.of("PORT", "0", "GREETER_URL", wrongPath));

            assertEquals("greeter is unavailable at " + wrongPath + " (it answered HTTP 404).",
                    greeting(ExampleApps.get(clock.port(), "/")));
        }
    }

    @Test
    void saysSoWhenWhatAnswersIsNoGreeting() throws Throwable {
        // Not greeter: a server that answers 200 with nothing, as a wrong GREETER_URL may reach.
        HttpServer silent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        silent.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        silent.start();
        try (ExampleApps.Loaded clock = ExampleApps.load(ExampleApps.jar("clock"), CLOCK)) {
            String url = "http://127.0.0.1:" + silent.getAddress().getPort();
            clock.start(Map.of("PORT", "0", "GREETER_URL", url));

            assertEquals("greeter is unavailable at " + url + " (it answered nothing).",
                    greeting(ExampleApps.get(clock.port(), "/")));
        } finally {
            silent.stop(0);
        }
    }

    @Test
    void refusesToStartWithAGreeterUrlThatIsNotHttp() throws Throwable {
        try (ExampleApps.Loaded clock = ExampleApps.load(ExampleApps.jar("clock"), CLOCK)) {
            IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class,
                    () -> clock.start(Map.of("PORT", "0", "GREETER_URL", "localhost:8081")));
            assertEquals("GREETER_URL 'localhost:8081' is not an http(s) URL with a host", noScheme.getMessage());

            IllegalArgumentException notAUrl = assertThrows(IllegalArgumentException.class,
                    () -> clock.start(Map.of("PORT", "0", "GREETER_URL", "http://greeter host")));
            assertTrue(notAUrl.getMessage().startsWith("GREETER_URL 'http://greeter host' is not a URL: "),
                    notAUrl.getMessage());

            // Refused before it binds anything.
            assertEquals(-1, clock.port());
        }
    }

    /** The greeting part of clock's answer, after checking the answer's shape and that its time is now. */
    private static String greeting(HttpResponse<String> answer) {
        LocalTime before = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusSeconds(15);
        assertEquals(200, answer.statusCode());
        Matcher matcher = ANSWER.matcher(answer.body());
        assertTrue(matcher.matches(), answer.body());
        LocalTime told = LocalTime.parse(matcher.group(2));
        LocalTime after = LocalTime.now(ZoneOffset.UTC).plusSeconds(1);
        // Around midnight the window wraps: then "between" is "not between after and before".
        boolean now = before.isBefore(after)
                ? !told.isBefore(before) && !told.isAfter(after)
                : !(told.isAfter(after) && told.isBefore(before));
        assertTrue(now, "clock told " + told + ", not the time now (" + after + " UTC)");
        return matcher.group(1);
    }
}
