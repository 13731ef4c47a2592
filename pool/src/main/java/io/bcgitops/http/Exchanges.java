package io.bcgitops.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reading a request's body and answering it on a JDK {@link HttpExchange}, as local mode's Kubernetes API does. */
public final class Exchanges {

  /** An answer on an exchange that may fail to be sent. */
  @FunctionalInterface
  public interface Answer {
    void send() throws IOException;
  }

  private Exchanges() {
  }

  /** The body, or null when it is over {@code maxBytes}; at most one byte more is read. */
  public static byte[] readBody(HttpExchange exchange, int maxBytes) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      return body.length > maxBytes ? null : body;
    }
  }

  /** Answers with {@code body} as {@code contentType}, or with no body (and no type) when it is empty. */
  public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Sends the answer to a request that failed, if it can still be sent. */
  public static void trySend(Answer answer) {
    try {
      answer.send();
    } catch (IOException | RuntimeException alreadyAnswered) {
      // The response was already started (such as a watch's) or the client is gone: nothing more can be said.
    }
  }
}
