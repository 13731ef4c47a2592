package io.bcgitops.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One WebSocket to a browser's DevTools endpoint, speaking the Chrome DevTools Protocol: numbered
 * commands, each answered within {@code timeout} or failed, and events handed to the listener of
 * their session (flat sessions: a page's commands and events carry its {@code sessionId} on this
 * same socket).
 */
final class DevToolsConnection implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration timeout;
  private final Supplier<String> browserState;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
  private final Map<String, BiConsumer<String, JsonNode>> listeners = new ConcurrentHashMap<>();
  private final Object sending = new Object();
  private volatile String closed;
  private WebSocket socket;

  private DevToolsConnection(Duration timeout, Supplier<String> browserState) {
    this.timeout = timeout;
    this.browserState = browserState;
  }

  /**
   * Connects to {@code endpoint} ({@code ws://127.0.0.1:<port>/devtools/browser/<id>}).
   * {@code browserState} says what the browser is up to (its stderr's last lines), for errors.
   */
  static DevToolsConnection open(URI endpoint, Duration timeout, Supplier<String> browserState) {
    DevToolsConnection connection = new DevToolsConnection(timeout, browserState);
    CompletableFuture<WebSocket> connecting = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(timeout).buildAsync(endpoint, connection.new Receiver());
    connection.socket = connection.await(connecting, "connecting to " + endpoint);
    return connection;
  }

  /**
   * Sends {@code method} (to the page of {@code sessionId}, or to the browser when it is null) and
   * returns its result. A protocol error or no answer within the timeout is an IllegalStateException.
   */
  JsonNode call(String sessionId, String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    command.set("params", JSON.valueToTree(params));
    if (sessionId != null) {
      command.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    answers.put(id, answer);
    try {
      failIfClosed(method);
      synchronized (sending) { // WebSocket takes one message at a time
        await(socket.sendText(command.toString(), true), "sending " + method);
      }
      JsonNode reply = await(answer, method);
      if (reply.has("error")) {
        throw new IllegalStateException(method + " failed: " + reply.get("error").path("message").asText()
            + " " + reply.get("error").path("data").asText(""));
      }
      return reply.path("result");
    } finally {
      answers.remove(id);
    }
  }

  /** Hands every event of {@code sessionId} to {@code listener} (method, params), on the socket's thread. */
  void listen(String sessionId, BiConsumer<String, JsonNode> listener) {
    listeners.put(sessionId, listener);
  }

  void forget(String sessionId) {
    listeners.remove(sessionId);
  }

  @Override
  public void close() {
    shut("the DevTools connection was closed");
    if (socket != null) {
      socket.abort();
    }
  }

  private <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("Chromium did not answer " + what + " within " + Chromium.human(timeout)
          + browserState.get());
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause().getMessage() + browserState.get(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
  }

  private void failIfClosed(String method) {
    if (closed != null) {
      throw new IllegalStateException(method + ": " + closed + browserState.get());
    }
  }

  private void shut(String why) {
    if (closed == null) {
      closed = why;
    }
    answers.values().forEach(answer -> answer.completeExceptionally(new IllegalStateException(why)));
  }

  private void dispatch(WebSocket webSocket, String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      shut("Chromium sent a message that is not JSON: " + e.getOriginalMessage());
      webSocket.abort();
      return;
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = answers.get(message.get("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    BiConsumer<String, JsonNode> listener = listeners.get(message.path("sessionId").asText(""));
    if (listener != null) {
      listener.accept(message.path("method").asText(), message.path("params"));
    }
  }

  /** Joins a message's fragments and dispatches it; one message at a time, as WebSocket delivers them. */
  private final class Receiver implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String text = message.toString();
        message.setLength(0);
        dispatch(webSocket, text);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1); // the protocol is text only
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      shut("Chromium closed the DevTools connection (" + statusCode + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      shut("the DevTools connection broke: " + error);
    }
  }
}
