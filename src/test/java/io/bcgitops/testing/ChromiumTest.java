package io.bcgitops.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser harness against a page served from loopback that, like the dashboard, changes when
 * its Server-Sent Events stream says so. One browser for the class; a tab per test.
 */
class ChromiumTest {
  private static final Duration SHORT = Duration.ofSeconds(5);
  private static final String PAGE = """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>harness</title>
      <style>
        body { margin: 0; font: 16px sans-serif; }
        #tall { height: 1500px; background: linear-gradient(#fff, #36c); }
        #shield { position: relative; }
        #shield div { position: absolute; inset: 0; background: #eee; }
      </style></head>
      <body>
      <h1 id="status">waiting</h1>
      <button id="count" onclick="this.textContent = String(Number(this.textContent) + 1)">0</button>
      <button id="fail" onclick="throw new Error('boom from a click')">fail</button>
      <button id="hidden" style="display: none">hidden</button>
      <div id="shield"><button id="covered">covered</button><div></div></div>
      <div id="tall"></div>
      <script>
        const events = new EventSource('/events');
        events.onopen = () => { window.streamOpen = true; };
        events.onmessage = (event) => { document.getElementById('status').textContent = event.data; };
      </script>
      </body></html>
      """;

  private static SsePageServer server;
  private static Chromium chromium;
  private Chromium.Page page;

  @BeforeAll
  static void serve() throws IOException {
    server = new SsePageServer(PAGE);
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    server.close();
  }

  @BeforeEach
  void open() {
    if (chromium == null) { // here rather than in @BeforeAll: without Chromium each test is reported skipped, with why
      chromium = Chromium.launch();
    }
    page = chromium.open(server.uri(), 800, 600);
  }

  @AfterEach
  void closeTab() {
    if (page != null) {
      page.close();
    }
  }

  @Test
  void waitForSeesWhatAnEventFromTheServerChanges() {
    page.waitFor("window.streamOpen === true", SHORT);
    assertEquals("\"waiting\"", page.evaluate("document.getElementById('status').textContent"));

    server.push("3 apps ready");

    page.waitFor("document.getElementById('status').textContent === '3 apps ready'", SHORT);
  }

  @Test
  void waitForThatTimesOutSaysWhatItWaitedForAndWhatThePageSays() {
    long start = System.nanoTime();
    AssertionError timeout = assertThrows(AssertionError.class,
        () -> page.waitFor("document.querySelector('#never').hidden", Duration.ofMillis(300)));

    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3000, "bounded by its timeout");
    String message = timeout.getMessage();
    assertTrue(message.startsWith("waited 300 ms for `document.querySelector('#never').hidden`"), message);
    assertTrue(message.contains("it last threw: ") && message.contains("TypeError"), message);
    assertTrue(message.contains("the page says: \"waiting 0 fail covered"), message);
  }

  @Test
  void evaluateReturnsJson() {
    assertEquals("3", page.evaluate("1 + 2"));
    assertEquals("\"harness\"", page.evaluate("document.title"));
    assertEquals("{\"a\":\"x\",\"b\":[1,true,null]}", page.evaluate("({ a: 'x', b: [1, true, null] })"));
    assertEquals("[800,600]", page.evaluate("[innerWidth, innerHeight]"), "the viewport asked for");
    assertEquals("42", page.evaluate("Promise.resolve(42)"), "a promise is awaited");
    assertEquals("undefined", page.evaluate("undefined"));
    assertEquals("NaN", page.evaluate("0 / 0"));
  }

  @Test
  void aJavaScriptExceptionIsAnAssertionErrorWithItsText() {
    AssertionError thrown = assertThrows(AssertionError.class, () -> page.evaluate("null.status"));
    assertTrue(thrown.getMessage().startsWith("`null.status` threw TypeError: Cannot read properties of null"),
        thrown.getMessage());

    AssertionError rejected = assertThrows(AssertionError.class,
        () -> page.evaluate("Promise.reject(new Error('no apps'))"));
    assertTrue(rejected.getMessage().endsWith("threw Error: no apps"), rejected.getMessage());
  }

  @Test
  void clickClicksWhereAUserWould() {
    page.click("#count");
    page.click("#count");
    assertEquals("\"2\"", page.evaluate("document.getElementById('count').textContent"));

    assertEquals("cannot click `#missing`: it matches no element",
        assertThrows(AssertionError.class, () -> page.click("#missing")).getMessage());
    assertEquals("cannot click `#hidden`: it matches button#hidden, which is not visible",
        assertThrows(AssertionError.class, () -> page.click("#hidden")).getMessage());
    assertEquals("cannot click `#covered`: it matches button#covered, which is covered by div",
        assertThrows(AssertionError.class, () -> page.click("#covered")).getMessage());
    assertTrue(assertThrows(AssertionError.class, () -> page.click("##"))
        .getMessage().startsWith("cannot click `##`: it is not a CSS selector: "));
  }

  @Test
  void consoleErrorsHasWhatThePageReportedAsErrors() {
    assertEquals(List.of(), page.consoleErrors(), "a page without errors");

    page.click("#fail");
    page.evaluate("console.error('no such app', 42)");
    page.evaluate("console.log('fine'); console.warn('only a warning')");
    page.evaluate("fetch('/missing').then(response => response.status)");

    List<String> errors = page.consoleErrors();
    assertEquals(3, errors.size(), errors.toString());
    List<String> lines = PAGE.lines().toList();
    int failLine = 1 + lines.indexOf(lines.stream().filter(line -> line.contains("id=\"fail\"")).findFirst().get());
    assertEquals("uncaught Error: boom from a click (" + server.uri() + ":" + failLine + ")", errors.get(0));
    assertTrue(errors.get(1).startsWith("console.error: no such app 42"), errors.get(1));
    assertEquals("network: Failed to load resource: the server responded with a status of 404 (Not Found) ("
        + server.uri().resolve("/missing") + ")", errors.get(2));
  }

  @Test
  void screenshotIsAPngOfTheWholePage() throws IOException {
    Path png = page.screenshot(Path.of("target", "chromium-test", "harness.png"));

    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
    assertTrue(bytes.length > 5_000, "a real picture: " + bytes.length + " bytes");
    ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8); // IHDR: width, height
    assertEquals(800, header.getInt(), "the viewport's width");
    assertTrue(header.getInt() > 1500, "the whole page, not only the 600 pixels of the viewport");
  }

  @Test
  void navigateLoadsAnotherPageInTheSameTab() {
    page.navigate(server.uri().resolve("/?again"));
    assertEquals("\"?again\"", page.evaluate("location.search"));
    assertEquals("\"complete\"", page.evaluate("document.readyState"));

    page.navigate(server.uri().resolve("/?again#apps")); // the same document: nothing to wait for
    assertEquals("\"#apps\"", page.evaluate("location.hash"));
  }

  @Test
  void aUriThatCannotBeLoadedIsAnAssertionError() throws IOException {
    URI refused = URI.create("http://127.0.0.1:" + Ports.free() + "/");

    AssertionError error = assertThrows(AssertionError.class, () -> chromium.open(refused, 800, 600));

    assertEquals("could not open " + refused + ": net::ERR_CONNECTION_REFUSED", error.getMessage());
  }

  /** Serves {@code page} at / and a Server-Sent Events stream at /events that {@link #push} writes to. */
  private static final class SsePageServer implements AutoCloseable {
    private final HttpServer http;
    private final List<OutputStream> streams = new CopyOnWriteArrayList<>();

    SsePageServer(String page) throws IOException {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext("/", exchange -> {
        switch (exchange.getRequestURI().getPath()) {
          case "/" -> respond(exchange, 200, "text/html; charset=utf-8", page);
          case "/events" -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            streams.add(exchange.getResponseBody()); // kept open: the page listens until it goes
          }
          default -> respond(exchange, 404, "text/plain", "not found");
        }
      });
      http.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    /** Sends one event to every page that listens. */
    void push(String data) {
      byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
      for (OutputStream stream : streams) {
        try {
          stream.write(event);
          stream.flush();
        } catch (IOException e) {
          streams.remove(stream); // that page is gone
        }
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
