package io.bcgitops.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bcgitops.http.BearerToken;
import io.bcgitops.http.Exchanges;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON-over-HTTP server for the runtime pool's APIs: routes by method and path pattern,
 * and refuses, with 401 and before any handler runs, every request without the pool's token.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** Request bodies are small JSON documents; anything larger is refused. */
  private static final int MAX_BODY_BYTES = 1 << 20;
  static final ObjectMapper JSON = JsonMapper.builder().build();

  /** A handler's answer: status and body (null for none). */
  public record Response(int status, Object body) {
    public static Response ok(Object body) {
      return new Response(200, body);
    }
  }

  /** A matched request: the path's groups and the body. */
  public record Request(List<String> pathParams, byte[] body, String query) {
    public <T> T bodyAs(Class<T> type) throws IOException {
      return JSON.readValue(body, type);
    }
  }

  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  private record Route(String method, Pattern path, Handler handler) {
  }

  private final BearerToken token;
  private final List<Route> routes = new ArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread thread = new Thread(r, "api");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param address where to listen
   * @param token the pool's token; every request must carry it as a bearer token
   */
  public ApiServer(InetSocketAddress address, String token) throws IOException {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("a runtime API needs a token (" + RuntimeApi.TOKEN_ENV + ")");
    }
    this.token = new BearerToken(token);
    server = HttpServer.create(address, 0);
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
  }

  /** Adds a route; {@code pathRegex} must match the whole path, its groups become path parameters. */
  public ApiServer route(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler));
    return this;
  }

  public ApiServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    // The catch blocks answer on the exchange, so they sit inside the try that closes it.
    try (exchange) {
      dispatchOpen(exchange);
    }
  }

  private void dispatchOpen(HttpExchange exchange) {
    try {
      if (!token.authorizes(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, new Response(401, new RuntimeApi.Problem("Unauthorized", "a valid bearer token is required")));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      boolean pathKnown = false;
      for (Route route : routes) {
        Matcher matcher = route.path().matcher(path);
        if (matcher.matches()) {
          pathKnown = true;
          if (route.method().equals(exchange.getRequestMethod())) {
            byte[] body = Exchanges.readBody(exchange, MAX_BODY_BYTES);
            if (body == null) {
              send(exchange, new Response(413, new RuntimeApi.Problem("TooLarge", "the body is over 1 MiB")));
              return;
            }
            List<String> params = new ArrayList<>();
            for (int i = 1; i <= matcher.groupCount(); i++) {
              params.add(matcher.group(i));
            }
            send(exchange, route.handler().handle(new Request(params, body, exchange.getRequestURI().getQuery())));
            return;
          }
        }
      }
      send(exchange, pathKnown ? new Response(405, new RuntimeApi.Problem("MethodNotAllowed", path))
          : new Response(404, new RuntimeApi.Problem("NotFound", path)));
    } catch (IllegalArgumentException | IOException e) {
      Response badRequest = new Response(400, new RuntimeApi.Problem("BadRequest", e.getMessage()));
      Exchanges.trySend(() -> send(exchange, badRequest));
    } catch (Exception e) {
      LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      Response failed = new Response(500, new RuntimeApi.Problem("InternalError", e.toString()));
      Exchanges.trySend(() -> send(exchange, failed));
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body() == null ? new byte[0] : JSON.writeValueAsBytes(response.body());
    Exchanges.send(exchange, response.status(), "application/json", body);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
