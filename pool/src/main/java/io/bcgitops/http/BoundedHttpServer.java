package io.bcgitops.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 listener whose every cost is bounded by its {@link HttpLimits}: the project's own endpoints (the
 * operator's probes, metrics and webhooks, a runtime pool's APIs) each run on one. What a client gets:
 *
 * <ul>
 *   <li>a body over the limit: 413 (from {@link Handler#refusal}), the connection closed, at most the limit read:
 *       a declared Content-Length over it is refused before any of the body is read;
 *   <li>a request line and headers over their limit: 431;
 *   <li>a head, or then a body, that has not arrived whole within the receive deadline, or an answer it does not
 *       take within it: its connection closed;
 *   <li>a connection over the limit: the open connection that has waited longest on its client (its head or body
 *       not sent, its answer not read) is closed for it; when every open one is being answered, new ones wait to be
 *       accepted.
 * </ul>
 *
 * <p>Jetty's core server does the HTTP: its reads are asynchronous, so a slow client holds a connection, never a
 * thread. A handler sees a request once its head has arrived ({@link Handler#admit}, where a token is checked
 * before any body is read), then with its whole body ({@link Handler#handle}, on one of the listener's threads,
 * where it may block).
 *
 * <p>The port is bound by the constructor ({@link #port()} is known before {@link #start()}).
 */
public final class BoundedHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedHttpServer.class);
  /** Jetty's acceptor and selector threads, beside the handlers'. */
  private static final int IO_THREADS = 2;
  /** Connections the kernel holds until they are accepted (Linux caps it at net.core.somaxconn, 4096). */
  private static final int ACCEPT_QUEUE = 1024;

  /** What a handler answers. */
  public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public Reply {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      headers = Map.copyOf(headers);
    }

    public static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply json(int status, byte[] body) {
      return new Reply(status, "application/json", body, Map.of());
    }

    /** This reply with one more response header. */
    public Reply withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Reply(status, contentType, body, more);
    }
  }

  /** A request whose request line and headers have arrived. */
  public static final class Head {
    private final String method;
    private final String path;
    private final String query;
    private final HttpFields headers;
    private final String remoteAddress;

    private Head(Request request) throws URISyntaxException {
      this.method = request.getMethod();
      // Decoded as java.net.URI does, and not normalized: a handler sees "..", an encoded "/", as they were sent.
      URI uri = new URI(request.getHttpURI().getPathQuery());
      this.path = uri.getPath();
      this.query = uri.getQuery();
      this.headers = request.getHeaders();
      this.remoteAddress = Request.getRemoteAddr(request);
    }

    public String method() {
      return method;
    }

    /** The path, percent-decoded. */
    public String path() {
      return path;
    }

    /** The query, percent-decoded; null when there is none. */
    public String query() {
      return query;
    }

    /** The first value of a request header; null when there is none. */
    public String header(String name) {
      return headers.get(name);
    }

    public String remoteAddress() {
      return remoteAddress;
    }

    /** Whether the request announces a body (a Content-Length over 0, or chunks). */
    boolean hasBody() {
      return headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
    }
  }

  /** What a listener serves. */
  public interface Handler {
    /**
     * Looks at a request before its body is read. An answer here is sent without reading the body (a request
     * that has one then loses its connection); null reads the body and calls {@link #handle}.
     */
    default Reply admit(Head head) {
      return null;
    }

    /** Answers a request whose whole body, within the limit, has arrived. May block. */
    Reply handle(Head head, byte[] body) throws Exception;

    /** The listener's own refusals (413, 400, 500) in this handler's format: plain text unless overridden. */
    default Reply refusal(Head head, int status, String message) {
      return Reply.text(status, message);
    }

    /**
     * Looks at a bodiless GET after {@link #admit}: a stream to answer it with (Server-Sent Events), sent bit by bit
     * for as long as the stream likes, or null to answer it with {@link #handle}.
     */
    default Stream stream(Head head) {
      return null;
    }
  }

  /**
   * An answer sent in parts: 200 and {@link #contentType()} first, then whatever {@link #open} is handed to write.
   * It holds its connection, not a thread: neither the receive deadline nor the handlers' threads apply; the idle
   * timeout does (a client that reads nothing has its writes fail when it passes, and its connection closed).
   */
  public interface Stream {
    String contentType();

    /** Response headers besides the content type. */
    Map<String, String> headers();

    /** The answer's head is about to be sent: {@code sink} carries the rest, from any thread. */
    void open(Sink sink);
  }

  /** Where a {@link Stream} writes: one write at a time, each completing (or failing) before the next. */
  public interface Sink {
    /**
     * Sends {@code bytes}; {@code done} runs once they are written, with null, or with why they could not be (the
     * client went, or read nothing within the idle timeout), after which the stream is closed.
     */
    void write(byte[] bytes, Consumer<Throwable> done);

    /** Ends the answer, once no write is pending. */
    void close();

    /** Closes the connection at once: a pending write fails (a client too slow to keep up is dropped so). */
    void abort();
  }

  private final String name;
  private final HttpLimits limits;
  private final Handler handler;
  private final Server server;
  private final ServerConnector connector;
  private final ReceiveDeadlines deadlines;
  private final int port;

  /**
   * Binds {@code address} (port 0: any free port).
   *
   * @param name names the listener's threads and its log lines
   * @throws IOException when the address cannot be bound ({@link BindException} when it is in use)
   */
  public BoundedHttpServer(String name, InetSocketAddress address, HttpLimits limits, Handler handler)
      throws IOException {
    this.name = Objects.requireNonNull(name, "name");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.handler = Objects.requireNonNull(handler, "handler");
    QueuedThreadPool threads = new QueuedThreadPool(limits.threads() + IO_THREADS, IO_THREADS + 1);
    threads.setName(name);
    threads.setDaemon(true);
    // No threads parked in reserve: the pool is the bound.
    threads.setReservedThreads(0);
    server = new Server(threads);
    // Stopped at once: a graceful stop would wait its whole timeout for clients' kept-alive connections.
    server.setStopTimeout(0);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Paths reach the handlers as sent (".." segments, encoded "/"): the pool APIs answer them 400 themselves.
    http.setUriCompliance(UriCompliance.UNSAFE);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    // The kernel's queue of connections not yet accepted: while a flood of them churns through the limit, a new
    // one waits there for a moment instead of having its SYN dropped (and resent a second later).
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    deadlines = new ReceiveDeadlines(name, server::getScheduler, limits.receiveDeadline().toMillis(),
        limits.maxConnections());
    connector.addEventListener(deadlines);
    server.addConnector(connector);
    // One more than the limit is accepted, and closes one that waits on its client (ReceiveDeadlines); when none
    // waits, every open connection being answered, Jetty stops accepting until one closes.
    server.addBean(new NetworkConnectionLimit(limits.maxConnections() + 1, connector));
    server.setHandler(new Dispatch());
    server.setErrorHandler(BoundedHttpServer::malformed);
    try {
      connector.open();
    } catch (IOException e) {
      // Jetty wraps the JDK's BindException, which says that the port is taken.
      throw e.getCause() instanceof BindException bind ? bind : e;
    }
    port = connector.getLocalPort();
  }

  /** Starts serving. */
  public BoundedHttpServer start() throws IOException {
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot start the " + name + " listener: " + e.getMessage(), e);
    }
    return this;
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** Whether it serves: started, and not closed. */
  public boolean isRunning() {
    return server.isRunning();
  }

  /** Stops serving at once: the port is released, open connections are closed (a request in progress gets no answer). */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("stopping the {} listener", name, e);
    }
    // Bound by the constructor: a listener never started has its port released here.
    connector.close();
  }

  /** Reads a request's body within the limits, then hands it to the handler on one of the listener's threads. */
  private final class Dispatch extends org.eclipse.jetty.server.Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Connection connection = request.getConnectionMetaData().getConnection();
      // The head has arrived; admit() may take its time (the webhooks' Secret is read from the API server).
      deadlines.disarm(connection);
      Head head;
      try {
        head = new Head(request);
      } catch (URISyntaxException e) {
        respond(request, response, callback, Reply.text(400, "the request's path is not a URI path"), true);
        return true;
      }
      Reply early = call(head, () -> handler.admit(head));
      if (early != null) {
        respond(request, response, callback, early, head.hasBody());
        return true;
      }
      if (HttpMethod.GET.is(head.method()) && !head.hasBody()) {
        Stream stream;
        try {
          stream = handler.stream(head);
        } catch (RuntimeException e) {
          LOG.warn("{} {} {} failed", name, head.method(), head.path(), e);
          respond(request, response, callback, handler.refusal(head, 500, "internal error"), false);
          return true;
        }
        if (stream != null) {
          stream(request, response, callback, stream);
          return true;
        }
      }
      if (request.getLength() > limits.maxBodyBytes()) {
        respond(request, response, callback, tooLarge(head), true);
        return true;
      }
      Executor threads = server.getThreadPool();
      deadlines.arm(connection);
      Content.Source.asByteArrayAsync(request, limits.maxBodyBytes()).whenComplete((body, failure) -> {
        if (failure == null) {
          deadlines.disarm(connection);
          threads.execute(() -> respond(request, response, callback, call(head, () -> handler.handle(head, body)),
              false));
        } else if (Request.getContentBytesRead(request) > limits.maxBodyBytes()) {
          threads.execute(() -> respond(request, response, callback, tooLarge(head), true));
        } else {
          // The body stalled past the idle timeout (the answer is 408), or the client went, or its connection was
          // closed at the receive deadline (there is no one to answer).
          threads.execute(() -> respond(request, response, callback, handler.refusal(head, 408,
              "the request's body did not arrive in time"), true));
        }
      });
      return true;
    }

    /** Sends {@code stream}'s head, then hands it the rest of the answer. */
    private void stream(Request request, Response response, Callback callback, Stream stream) {
      response.setStatus(200);
      HttpFields.Mutable headers = response.getHeaders();
      stream.headers().forEach(headers::put);
      headers.put(HttpHeader.CONTENT_TYPE, stream.contentType());
      AtomicBoolean ended = new AtomicBoolean();
      stream.open(new Sink() {
        @Override
        public void write(byte[] bytes, Consumer<Throwable> done) {
          response.write(false, ByteBuffer.wrap(bytes), Callback.from(() -> done.accept(null), failure -> {
            if (ended.compareAndSet(false, true)) {
              callback.failed(failure);
            }
            done.accept(failure);
          }));
        }

        @Override
        public void close() {
          if (ended.compareAndSet(false, true)) {
            response.write(true, ByteBuffer.allocate(0), callback);
          }
        }

        @Override
        public void abort() {
          request.getConnectionMetaData().getConnection().getEndPoint().close();
        }
      });
    }

    private Reply tooLarge(Head head) {
      return handler.refusal(head, 413, "the body is larger than " + limits.maxBodyBytes() + " bytes");
    }

    /** The handler's answer; a 500 when it fails (logged without headers: they may carry a token). */
    private Reply call(Head head, HandlerCall call) {
      try {
        return call.reply();
      } catch (Exception e) {
        LOG.warn("{} {} {} failed", name, head.method(), head.path(), e);
        return handler.refusal(head, 500, "internal error");
      }
    }

    /**
     * Sends {@code reply}. {@code close}: the request's body was not read (all of it), so the connection cannot
     * carry another request.
     */
    private void respond(Request request, Response response, Callback callback, Reply reply, boolean close) {
      response.setStatus(reply.status());
      HttpFields.Mutable headers = response.getHeaders();
      reply.headers().forEach(headers::put);
      if (close) {
        headers.put(HttpHeader.CONNECTION, "close");
      }
      if (reply.body().length > 0) {
        headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
      }
      headers.put(new HttpField(HttpHeader.CONTENT_LENGTH, String.valueOf(reply.body().length)));
      ByteBuffer content = HttpMethod.HEAD.is(request.getMethod()) ? ByteBuffer.allocate(0)
          : ByteBuffer.wrap(reply.body());
      Connection connection = request.getConnectionMetaData().getConnection();
      // The client's turn: it takes the answer within the deadline (one that reads nothing would hold the connection).
      deadlines.arm(connection);
      response.write(true, content, Callback.from(() -> {
        deadlines.arm(connection);
        callback.succeeded();
      }, callback::failed));
    }
  }

  /**
   * Jetty's answer to what it cannot parse (a URI with an encoded NUL, say), in plain text and without a stack,
   * and closing the connection as it then does: said in the answer, so that a client does not send its next
   * request on it.
   */
  private static boolean malformed(Request request, Response response, Callback callback) {
    String reason = HttpStatus.getMessage(response.getStatus());
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    Content.Sink.write(response, true, response.getStatus() + " " + reason
        + (message == null || reason.equals(message) ? "" : ": " + message), callback);
    return true;
  }

  @FunctionalInterface
  private interface HandlerCall {
    Reply reply() throws Exception;
  }
}
