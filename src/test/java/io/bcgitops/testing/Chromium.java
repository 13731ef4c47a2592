package io.bcgitops.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.local.Processes;
import io.bcgitops.source.GitFetcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium for browser tests, driven over the Chrome DevTools Protocol on a WebSocket.
 * Each instance is its own browser process with a fresh profile in a temporary folder; closing it
 * stops the browser and every process it started, and deletes the folder.
 *
 * <pre>{@code
 * try (Chromium chromium = Chromium.launch()) {
 *   Chromium.Page page = chromium.open(server.uri(), 1280, 800);
 *   page.waitFor("document.querySelectorAll('tr.app').length === 3", Duration.ofSeconds(5));
 *   assertEquals(List.of(), page.consoleErrors());
 * }
 * }</pre>
 *
 * <p>The browser is Debian's {@code chromium} at /usr/bin/chromium, or the one {@code $BCGITOPS_CHROMIUM}
 * names. Where there is none, {@link #launch()} aborts the test (a JUnit assumption: the test is
 * skipped, saying why); {@code .ci/run} installs it. Call it from a test or {@code @BeforeEach} (to
 * share one browser in a class, keep it in a static field and close it in {@code @AfterAll}, as
 * ChromiumTest does): from {@code @BeforeAll}, Surefire reports the class as no tests, without the
 * reason.
 *
 * <p>Everything is bounded: the launch by {@link #LAUNCH_TIMEOUT}, each protocol command by
 * {@link #CALL_TIMEOUT}, a page's load by {@link #LOAD_TIMEOUT}. Pages have overlay scrollbars, so
 * the layout and a screenshot have the viewport's whole width.
 */
public final class Chromium implements AutoCloseable {
  public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");
  public static final String EXECUTABLE_VARIABLE = "BCGITOPS_CHROMIUM";
  public static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);

  // The background-networking ones keep the browser from calling Google's services, which a closed
  // network refuses (and which slow the start); sandboxing needs privileges a build does not have.
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--remote-debugging-port=0");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int STDERR_TAIL_BYTES = 16 * 1024;
  private static final int STDERR_TAIL_LINES = 15;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path home;
  private final DevToolsConnection devTools;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Chromium(Process process, Path home, DevToolsConnection devTools) {
    this.process = process;
    this.home = home;
    this.devTools = devTools;
    // A test that forgets close() must not leave a browser behind once the JVM is gone.
    this.shutdownHook = new Thread(() -> stop(process, home), "chromium-" + process.pid() + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a headless Chromium and connects to it. Without a browser at /usr/bin/chromium (or at
   * {@code $BCGITOPS_CHROMIUM}) the calling test is skipped, saying so; a browser that does not come
   * up within {@link #LAUNCH_TIMEOUT} is an IllegalStateException with the end of its stderr.
   */
  public static Chromium launch() {
    return launch(executable(), LAUNCH_TIMEOUT, CALL_TIMEOUT);
  }

  /** The browser to launch: {@code $BCGITOPS_CHROMIUM}, or else /usr/bin/chromium. */
  static Path executable() {
    String chosen = System.getenv(EXECUTABLE_VARIABLE);
    return chosen == null || chosen.isBlank() ? DEFAULT_EXECUTABLE : Path.of(chosen);
  }

  static Chromium launch(Path executable, Duration launchTimeout, Duration callTimeout) {
    Assumptions.assumeTrue(Files.isExecutable(executable), () -> "no Chromium at " + executable
        + (executable.equals(DEFAULT_EXECUTABLE) ? "" : " ($" + EXECUTABLE_VARIABLE + ")")
        + ": browser tests need Debian's chromium package, which .ci/run installs; skipped");
    Path home;
    try {
      home = Files.createTempDirectory("bcgitops-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path profile = home.resolve("profile");
    Path stderr = home.resolve("stderr.log");
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.add("about:blank");
    Process process = null;
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderr.toFile());
      // Its crash database and some caches go to ~/.config and ~/.cache, not to --user-data-dir: keep them in
      // this browser's own temporary folder too.
      builder.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
      builder.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
      process = builder.start();
      URI endpoint = awaitDevTools(executable, process, profile.resolve("DevToolsActivePort"), stderr, launchTimeout);
      return new Chromium(process, home, DevToolsConnection.open(endpoint, callTimeout, () -> stderrTail(stderr)));
    } catch (IOException | RuntimeException e) {
      String tail = stderrTail(stderr);
      stop(process, home);
      if (e instanceof IOException io) {
        throw new IllegalStateException("could not start " + executable + ": " + io.getMessage() + tail, io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Waits for the port file the browser writes once DevTools listens: its port, then the browser's path. */
  private static URI awaitDevTools(Path executable, Process process, Path portFile, Path stderr, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = readLines(portFile);
      if (lines.size() >= 2 && lines.get(0).strip().matches("[0-9]{1,5}") && lines.get(1).startsWith("/")) {
        return URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(executable + " exited with " + process.exitValue()
            + " before DevTools listened" + stderrTail(stderr));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(executable + " did not open DevTools within " + human(timeout)
            + stderrTail(stderr));
      }
      sleep(Duration.ofMillis(50));
    }
  }

  /**
   * Opens {@code uri} in a new tab whose viewport is {@code width} x {@code height} CSS pixels and
   * waits for its load event. A URI that cannot be loaded (refused, no such host) is an AssertionError.
   */
  public Page open(URI uri, int width, int height) {
    if (width < 1 || height < 1 || width > 10_000 || height > 10_000) {
      throw new IllegalArgumentException("a viewport is 1 to 10000 pixels wide and high, not " + width + "x" + height);
    }
    String targetId = devTools.call(null, "Target.createTarget", Map.of("url", "about:blank"))
        .path("targetId").asText();
    String sessionId = devTools.call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
        .path("sessionId").asText();
    Page page = new Page(devTools, targetId, sessionId);
    try {
      page.call("Page.enable", Map.of());
      page.call("Page.setLifecycleEventsEnabled", Map.of("enabled", true));
      page.call("Runtime.enable", Map.of());
      page.call("Log.enable", Map.of());
      page.call("Inspector.enable", Map.of());
      page.call("Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
      // Overlay scrollbars, as on a phone or a Mac: the page gets the whole width, and so does a screenshot.
      page.call("Emulation.setScrollbarsHidden", Map.of("hidden", true));
      page.navigate(uri);
      return page;
    } catch (RuntimeException | AssertionError e) {
      page.close();
      throw e;
    }
  }

  /** The browser's process, for tests of this class. */
  ProcessHandle process() {
    return process.toHandle();
  }

  /** The temporary folder of its profile and stderr, for tests of this class. */
  Path home() {
    return home;
  }

  /** Stops the browser and every process it started, and deletes its profile. Closing twice is fine. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    devTools.close();
    stop(process, home);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops it again, which is harmless
    }
  }

  private static void stop(Process process, Path home) {
    if (process != null) {
      List<ProcessHandle> tree = process.descendants().toList();
      Processes.stop(process.toHandle(), STOP_GRACE);
      // Killed renderers may still be on their way out; the profile is deleted once nothing writes to it.
      long deadline = System.nanoTime() + STOP_GRACE.toNanos();
      while (tree.stream().anyMatch(Chromium::running) && System.nanoTime() < deadline) {
        sleep(Duration.ofMillis(20));
      }
    }
    try {
      GitFetcher.deleteRecursively(home);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete Chromium's profile " + home, e);
    }
  }

  /**
   * Whether {@code process} still runs. A zombie does not: it has exited and waits only for its
   * parent to reap it, and the browser's children, orphaned when it stops, wait for PID 1, which in
   * a container may take seconds.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (IOException e) {
      return process.isAlive(); // gone since, or no /proc
    }
  }

  /** The last lines of the browser's stderr, without the D-Bus complaints of a machine that has no D-Bus. */
  static String stderrTail(Path stderr) {
    try (SeekableByteChannel channel = Files.newByteChannel(stderr)) {
      long start = Math.max(0, channel.size() - STDERR_TAIL_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
      channel.position(start);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // reads up to what was there when it started
      }
      List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines()
          .skip(start > 0 ? 1 : 0) // a partial line
          .filter(line -> !line.isBlank() && !line.contains(":dbus/"))
          .toList();
      if (lines.isEmpty()) {
        return "; Chromium wrote nothing else to stderr";
      }
      return "; Chromium's stderr ends with:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - STDERR_TAIL_LINES), lines.size()));
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return "; Chromium's stderr could not be read: " + e;
    }
  }

  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  static String human(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(Math.max(1, duration.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String excerpt(String text, int max) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  /** One tab, its viewport fixed at open; everything it says on its console is kept for {@link #consoleErrors}. */
  public static final class Page implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int MAX_CONSOLE_ERRORS = 200;
    private static final int MAX_SCREENSHOT_PIXELS = 16_384; // Chromium's own limit on a side

    private final DevToolsConnection devTools;
    private final String targetId;
    private final String sessionId;
    private final List<String> consoleErrors = new ArrayList<>();
    private final AtomicInteger consoleErrorsLeftOut = new AtomicInteger();
    private final Map<String, CompletableFuture<Void>> loads = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean crashed;

    private Page(DevToolsConnection devTools, String targetId, String sessionId) {
      this.devTools = devTools;
      this.targetId = targetId;
      this.sessionId = sessionId;
      devTools.listen(sessionId, this::onEvent);
    }

    /** Goes to {@code uri} in this tab and waits for its load event, as {@link Chromium#open} does. */
    public void navigate(URI uri) {
      JsonNode navigation = call("Page.navigate", Map.of("url", uri.toString()));
      if (navigation.hasNonNull("errorText")) {
        throw new AssertionError("could not open " + uri + ": " + navigation.get("errorText").asText());
      }
      if (!navigation.hasNonNull("loaderId")) {
        return; // the same document (only the #fragment changed): nothing loads
      }
      CompletableFuture<Void> loaded = load(navigation.get("loaderId").asText());
      try {
        loaded.get(LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(uri + " did not finish loading (its load event) within " + human(LOAD_TIMEOUT));
      } catch (ExecutionException e) {
        throw new AssertionError("loading " + uri + ": " + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading " + uri, e);
      }
    }

    /**
     * Evaluates {@code jsExpression} in the page (a promise is awaited) and returns its value as JSON
     * text: {@code 3}, {@code "text"}, {@code {"a":[1,true]}}; values JSON has no text for
     * ({@code undefined}, {@code NaN}, {@code Infinity}, {@code -0}, BigInts) as JavaScript writes them.
     * A DOM node has no value worth returning: ask for what you want of it. An exception (or a rejected
     * promise) is an AssertionError with its text.
     */
    public String evaluate(String jsExpression) {
      JsonNode evaluation = call("Runtime.evaluate",
          Map.of("expression", jsExpression, "returnByValue", true, "awaitPromise", true));
      if (evaluation.has("exceptionDetails")) {
        throw new AssertionError("`" + excerpt(jsExpression, 200) + "` threw "
            + thrown(evaluation.get("exceptionDetails")));
      }
      JsonNode result = evaluation.path("result");
      if (result.has("value")) {
        try {
          return JSON.writeValueAsString(result.get("value"));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      if (result.has("unserializableValue")) {
        return result.get("unserializableValue").asText();
      }
      return result.path("type").asText("undefined");
    }

    /**
     * Evaluates {@code jsBooleanExpression} every 50 ms until it is truthy. An exception counts as not
     * yet (the element may not be there yet). On timeout it is an AssertionError with the expression,
     * its last exception if any, and the start of the page's text.
     */
    public void waitFor(String jsBooleanExpression, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      String lastThrown = null;
      while (true) {
        try {
          if ("true".equals(evaluate("!!(" + jsBooleanExpression + "\n)"))) {
            return;
          }
          lastThrown = null;
        } catch (AssertionError e) {
          lastThrown = e.getMessage();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("waited " + human(timeout) + " for `" + jsBooleanExpression + "`"
              + (lastThrown == null ? "" : " (it last threw: " + lastThrown + ")") + "; the page says: " + bodyText());
        }
        sleep(Duration.ofNanos(Math.min(left, POLL.toNanos())));
      }
    }

    /**
     * Clicks the centre of the first element matching {@code cssSelector} with the mouse, after
     * scrolling it into view, as a user would: an element that is missing, has no size, or is under
     * another element there is an AssertionError saying so.
     */
    public void click(String cssSelector) {
      String point = evaluate("""
          (() => {
            const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + [...e.classList].map(c => '.' + c).join('');
            let element;
            try {
              element = document.querySelector(%s);
            } catch (e) {
              return { problem: 'is not a CSS selector: ' + e.message };
            }
            if (!element) return { problem: 'matches no element' };
            element.scrollIntoView({ block: 'center', inline: 'center' });
            const box = element.getBoundingClientRect();
            const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
            const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
            if (right <= left || bottom <= top) {
              return { problem: 'matches ' + describe(element) + ', which is not visible' };
            }
            const x = (left + right) / 2, y = (top + bottom) / 2;
            const hit = document.elementFromPoint(x, y);
            if (!hit || !element.contains(hit)) {
              const over = hit ? describe(hit) : 'nothing';
              return { problem: 'matches ' + describe(element) + ', which is covered by ' + over };
            }
            return { x, y };
          })()""".formatted(quoted(cssSelector)));
      JsonNode where = parse(point);
      if (where.has("problem")) {
        throw new AssertionError("cannot click `" + cssSelector + "`: it " + where.get("problem").asText());
      }
      double x = where.path("x").asDouble();
      double y = where.path("y").asDouble();
      call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
      for (String type : List.of("mousePressed", "mouseReleased")) {
        call("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
      }
    }

    /** Writes the whole page (not only the viewport) as a PNG to {@code png}, creating its folders. */
    public Path screenshot(Path png) {
      JsonNode size = call("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
      int width = (int) Math.min(MAX_SCREENSHOT_PIXELS, Math.max(1, Math.ceil(size.path("width").asDouble())));
      int height = (int) Math.min(MAX_SCREENSHOT_PIXELS, Math.max(1, Math.ceil(size.path("height").asDouble())));
      JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
      try {
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the screenshot " + png, e);
      }
      return png;
    }

    /**
     * What the page reported as errors so far, oldest first: {@code console.error} and failed
     * {@code console.assert} calls, uncaught exceptions and unhandled rejections, and the browser's
     * own errors (a resource that failed to load, a blocked request). Empty for a page without errors.
     */
    public List<String> consoleErrors() {
      call("Runtime.evaluate", Map.of("expression", "0")); // a round trip: what the page reported before is in
      List<String> errors;
      synchronized (consoleErrors) {
        errors = new ArrayList<>(consoleErrors);
      }
      if (consoleErrorsLeftOut.get() > 0) {
        errors.add("… and " + consoleErrorsLeftOut.get() + " more errors");
      }
      return List.copyOf(errors);
    }

    /** Closes the tab. Closing twice is fine; closing the browser closes its tabs too. */
    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      devTools.forget(sessionId);
      try {
        devTools.call(null, "Target.closeTarget", Map.of("targetId", targetId));
      } catch (IllegalStateException e) {
        // the browser is gone already: so is the tab
      }
    }

    private JsonNode call(String method, Map<String, ?> params) {
      if (crashed) {
        throw new AssertionError("the page crashed; " + method + " not sent");
      }
      return devTools.call(sessionId, method, params);
    }

    private void onEvent(String method, JsonNode params) {
      switch (method) {
        case "Page.lifecycleEvent" -> {
          if (params.path("name").asText().equals("load")) {
            load(params.path("loaderId").asText()).complete(null);
          }
        }
        case "Runtime.consoleAPICalled" -> {
          String type = params.path("type").asText();
          if (type.equals("error") || type.equals("assert")) {
            String text = stream(params.path("args")).map(Page::text).collect(Collectors.joining(" "));
            JsonNode frame = params.path("stackTrace").path("callFrames").path(0);
            recordError("console." + type + ": " + text + where(frame.path("url"), frame.path("lineNumber")));
          }
        }
        case "Runtime.exceptionThrown" -> {
          JsonNode details = params.path("exceptionDetails");
          recordError("uncaught " + thrown(details) + where(details.path("url"), details.path("lineNumber")));
        }
        case "Log.entryAdded" -> {
          JsonNode entry = params.path("entry");
          if (entry.path("level").asText().equals("error")) {
            recordError(entry.path("source").asText() + ": " + entry.path("text").asText()
                + where(entry.path("url"), null));
          }
        }
        case "Inspector.targetCrashed" -> {
          crashed = true;
          recordError("the page crashed");
          loads.values().forEach(load -> load.completeExceptionally(new IllegalStateException("the page crashed")));
        }
        default -> {
          // not asked about
        }
      }
    }

    private CompletableFuture<Void> load(String loaderId) {
      return loads.computeIfAbsent(loaderId, id -> new CompletableFuture<>());
    }

    private void recordError(String error) {
      synchronized (consoleErrors) {
        if (consoleErrors.size() < MAX_CONSOLE_ERRORS) {
          consoleErrors.add(error);
        } else {
          consoleErrorsLeftOut.incrementAndGet();
        }
      }
    }

    private String bodyText() {
      try {
        return quoted(excerpt(parse(evaluate("document.body ? document.body.innerText : ''")).asText(), 300));
      } catch (AssertionError | IllegalStateException e) {
        return "(its text could not be read: " + e.getMessage() + ")";
      }
    }

    /** An exception's first line (its message; the stack is left out). */
    private static String thrown(JsonNode details) {
      JsonNode exception = details.path("exception");
      String text = exception.hasNonNull("description") ? exception.get("description").asText()
          : exception.has("value") ? text(exception)
          : details.path("text").asText();
      return excerpt(text.lines().findFirst().orElse(""), 500);
    }

    /** A console argument as the console shows it: strings bare, other values as JSON, objects by description. */
    private static String text(JsonNode remoteObject) {
      JsonNode value = remoteObject.get("value");
      if (value != null) {
        return value.isTextual() ? value.asText() : value.toString();
      }
      if (remoteObject.has("unserializableValue")) {
        return remoteObject.get("unserializableValue").asText();
      }
      return remoteObject.path("description").asText(remoteObject.path("type").asText());
    }

    private static String where(JsonNode url, JsonNode zeroBasedLine) {
      if (url.asText().isEmpty()) {
        return "";
      }
      boolean hasLine = zeroBasedLine != null && !zeroBasedLine.isMissingNode();
      return " (" + url.asText() + (hasLine ? ":" + (zeroBasedLine.asInt() + 1) : "") + ")";
    }

    private static Stream<JsonNode> stream(JsonNode array) {
      List<JsonNode> items = new ArrayList<>();
      array.forEach(items::add);
      return items.stream();
    }

    private static JsonNode parse(String json) {
      try {
        return JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String quoted(String text) {
      try {
        return JSON.writeValueAsString(text);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
