package io.bcgitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.testing.Ports;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example repository's vm app (examples/apps/web): a JVM of its own, whose page shows what the
 * spec's vmConfig gave that JVM.
 */
class WebAppTest {

    private static final Pattern MAX_HEAP = Pattern.compile("Max heap: <b>(\\d+) MiB</b>");

    @Test
    void showsItsVersionAndTheHeapAndProcessorsItsJvmWasGiven() throws Exception {
        int port = Ports.free();
        // What the operator's vm pods pass for memoryLimit and schedulerLimit, more or less.
        List<String> jvm = List.of("-Xmx96m", "-XX:ActiveProcessorCount=3", "-XX:+UseSerialGC");
        try (ExampleApps.Running web = ExampleApps.run(ExampleApps.jar("web"), port, Map.of(), jvm)) {
            HttpResponse<String> health = web.awaitResponse("/health");
            assertEquals(200, health.statusCode());
            assertEquals("ok", health.body());

            HttpResponse<String> page = ExampleApps.get(port, "/");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
            assertTrue(page.body().contains("<h1>web 1.0.0</h1>"), page.body());
            assertTrue(page.body().contains("Available processors: <b>3</b>"), page.body());
            Matcher heap = MAX_HEAP.matcher(page.body());
            assertTrue(heap.find(), page.body());
            // Runtime.maxMemory() is -Xmx less what the collector keeps aside: close to 96, never above.
            long mib = Long.parseLong(heap.group(1));
            assertTrue(mib > 80 && mib <= 96, "max heap " + mib + " MiB for -Xmx96m");
            assertEquals(404, ExampleApps.get(port, "/nothing-here").statusCode());

            String output = web.terminate();
            assertTrue(output.contains("web listening on :" + port), output);
            assertTrue(output.contains("web stopped"), output);
        }
    }

    @Test
    void theRepositorysVersionBumpShowsOnThePage() throws Exception {
        int port = Ports.free();
        try (ExampleApps.Running web = ExampleApps.run(ExampleApps.repositoryJar("web", "1.1.0"), port, Map.of(),
                List.of())) {
            web.awaitResponse("/health");

            assertTrue(ExampleApps.get(port, "/").body().contains("<h1>web 1.1.0</h1>"));
        }
    }
}
