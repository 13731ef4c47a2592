package io.bcgitops.http;

import java.time.Duration;

/**
 * What one listener lets a client cost it. Every value bounds something an anonymous client controls: how much
 * of a body is held in memory, how long a request may take to arrive, how many connections are open at once,
 * how many threads run handlers.
 *
 * @param maxBodyBytes the largest request body read; a larger one is answered 413 and its connection closed
 * @param maxHeaderBytes the largest request line and headers; larger ones are answered 431
 * @param receiveDeadline how long a request's head (request line and headers) may take to arrive, from the
 *     connection's opening or the end of the previous response on it, then its body, then the client's reading of
 *     the answer; past it the connection is closed
 * @param idleTimeout how long a connection may send and receive nothing before it is closed
 * @param maxConnections how many connections are open at once; one more closes the open connection that has waited
 *     longest on its client (when every open one is being answered, new ones wait to be accepted)
 * @param threads how many requests are handled at once (slow clients hold none: reading is asynchronous)
 */
public record HttpLimits(int maxBodyBytes, int maxHeaderBytes, Duration receiveDeadline, Duration idleTimeout,
    int maxConnections, int threads) {

  private static final int HEADERS = 8 * 1024;
  private static final int MIB = 1024 * 1024;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /**
   * The operator's /metrics: GETs with no body, from Prometheus. The deadline also ends a kept-alive connection
   * between scrapes; Prometheus opens another.
   */
  public static final HttpLimits METRICS = new HttpLimits(0, HEADERS, DEADLINE, DEADLINE, 64, 4);

  /**
   * /healthz and /readyz on a listener of their own (the operator's, a runtime pool container's): GETs with no body
   * from the kubelet, a few at a time.
   */
  public static final HttpLimits PROBES = new HttpLimits(0, HEADERS, DEADLINE, DEADLINE, 64, 2);

  /**
   * Git webhooks: pushes of at most 1 MiB, from the internet. Fewer connections than the probes' listener, as
   * each may hold a body in memory while it arrives (32 MiB at most).
   */
  public static final HttpLimits WEBHOOKS = new HttpLimits(MIB, HEADERS, DEADLINE, DEADLINE, 32, 4);

  /**
   * A runtime pool's APIs (host and loader): small JSON bodies from the operator. A request may then take
   * minutes to answer (a jar's download): neither the deadline nor the idle timeout runs while a handler does.
   */
  public static final HttpLimits RUNTIME_API = new HttpLimits(MIB, HEADERS, DEADLINE, DEADLINE, 64, 8);

  public HttpLimits {
    if (maxBodyBytes < 0 || maxHeaderBytes < 1024 || maxConnections < 1 || threads < 1) {
      throw new IllegalArgumentException("limits out of range: " + this);
    }
    if (receiveDeadline.isNegative() || receiveDeadline.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("deadlines must be positive: " + this);
    }
  }

  /** The same limits with another body limit. */
  public HttpLimits withMaxBodyBytes(int bytes) {
    return new HttpLimits(bytes, maxHeaderBytes, receiveDeadline, idleTimeout, maxConnections, threads);
  }

  /** The same limits with another receive deadline and idle timeout (tests shorten them). */
  public HttpLimits withDeadlines(Duration receive, Duration idle) {
    return new HttpLimits(maxBodyBytes, maxHeaderBytes, receive, idle, maxConnections, threads);
  }

  /** The same limits with another connection limit. */
  public HttpLimits withMaxConnections(int connections) {
    return new HttpLimits(maxBodyBytes, maxHeaderBytes, receiveDeadline, idleTimeout, connections, threads);
  }
}
