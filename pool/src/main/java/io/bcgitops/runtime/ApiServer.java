package io.bcgitops.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bcgitops.http.BearerToken;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.BoundedHttpServer.Head;
import io.bcgitops.http.BoundedHttpServer.Reply;
import io.bcgitops.http.HttpLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON-over-HTTP server for the runtime pool's APIs: routes by method and path pattern,
 * and refuses, with 401 and before any body is read or handler runs, every request without the
 * pool's token. Bounded as {@link HttpLimits#RUNTIME_API} says: a body over 1 MiB is 413.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
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

  /** A request's route and the path's groups. */
  private record Match(Route route, List<String> params) {
  }

  private final BearerToken token;
  private final List<Route> routes = new ArrayList<>();
  private final BoundedHttpServer server;

  /**
   * @param address where to listen
   * @param token the token every request must carry as a bearer token
   */
  public ApiServer(InetSocketAddress address, String token) throws IOException {
    this(address, required(token), HttpLimits.RUNTIME_API);
  }

  /** @param token what verifies the bearer token every request must carry (the host has only its digest) */
  public ApiServer(InetSocketAddress address, BearerToken token) throws IOException {
    this(address, token, HttpLimits.RUNTIME_API);
  }

  /** As above, with other limits (tests shorten the deadlines). */
  ApiServer(InetSocketAddress address, String token, HttpLimits limits) throws IOException {
    this(address, required(token), limits);
  }

  private ApiServer(InetSocketAddress address, BearerToken token, HttpLimits limits) throws IOException {
    this.token = token;
    server = new BoundedHttpServer("runtime-api", address, limits, new Dispatch());
  }

  private static BearerToken required(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("a runtime API needs a token");
    }
    return new BearerToken(token);
  }

  /** Adds a route; {@code pathRegex} must match the whole path, its groups become path parameters. */
  public ApiServer route(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler));
    return this;
  }

  public ApiServer start() throws IOException {
    server.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  /** Whether it serves: started, and not closed (what the container's probes answer). */
  public boolean isRunning() {
    return server.isRunning();
  }

  /** The token, then the route (401, 404, 405) before the body is read; then the route's handler. */
  private final class Dispatch implements BoundedHttpServer.Handler {
    @Override
    public Reply admit(Head head) {
      if (!token.authorizes(head.header("Authorization"))) {
        return send(new Response(401, new RuntimeApi.Problem("Unauthorized", "a valid bearer token is required")));
      }
      boolean pathKnown = false;
      for (Route route : routes) {
        if (route.path().matcher(head.path()).matches()) {
          pathKnown = true;
          if (route.method().equals(head.method())) {
            return null;
          }
        }
      }
      return send(pathKnown ? new Response(405, new RuntimeApi.Problem("MethodNotAllowed", head.path()))
          : new Response(404, new RuntimeApi.Problem("NotFound", head.path())));
    }

    @Override
    public Reply handle(Head head, byte[] body) {
      Match match = match(head);
      try {
        return send(match.route().handler().handle(new Request(match.params(), body, head.query())));
      } catch (IllegalArgumentException | IOException e) {
        return send(new Response(400, new RuntimeApi.Problem("BadRequest", e.getMessage())));
      } catch (Exception e) {
        LOG.warn("{} {} failed", head.method(), head.path(), e);
        return send(new Response(500, new RuntimeApi.Problem("InternalError", e.toString())));
      }
    }

    @Override
    public Reply refusal(Head head, int status, String message) {
      String reason = switch (status) {
        case 413 -> "TooLarge";
        case 408 -> "Timeout";
        case 400 -> "BadRequest";
        default -> "InternalError";
      };
      return send(new Response(status, new RuntimeApi.Problem(reason, message)));
    }
  }

  /** The route admit() found for this request. */
  private Match match(Head head) {
    for (Route route : routes) {
      Matcher matcher = route.path().matcher(head.path());
      if (matcher.matches() && route.method().equals(head.method())) {
        List<String> params = new ArrayList<>();
        for (int i = 1; i <= matcher.groupCount(); i++) {
          params.add(matcher.group(i));
        }
        return new Match(route, params);
      }
    }
    throw new IllegalStateException("no route for " + head.method() + " " + head.path() + " after admit()");
  }

  private static Reply send(Response response) {
    try {
      return Reply.json(response.status(), response.body() == null ? new byte[0]
          : JSON.writeValueAsBytes(response.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + response.body().getClass().getSimpleName() + " as JSON", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
