package io.bcgitops.runtime;

import io.bcgitops.runtime.RuntimeApi.Health;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * One health check of an app, as its {@link Health} says: {@code http} (GET
 * {@code http://127.0.0.1:<port><path>} answers 2xx), {@code tcp} (the port accepts a connection)
 * or {@code custom} (a class of the app's jar implementing {@link BooleanSupplier}, created and
 * called in the app's loader, on a thread of the app). Each check waits at most the timeout.
 */
public interface HealthProbe {
  /** What one check found: passed or not, and a short reason for the status message. */
  record Result(boolean healthy, String detail) {
  }

  /** Runs one check; called on a host thread, never concurrently for one app. */
  Result check() throws InterruptedException;

  /** One check whose unexpected failure is an unhealthy result; empty when the thread was interrupted. */
  static Optional<Result> checkOnce(HealthProbe probe) {
    try {
      return Optional.of(probe.check());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(new Result(false, "the check failed: " + e));
    }
  }

  static HealthProbe of(Health health, AppSandbox sandbox) {
    int timeout = (int) Math.min(Integer.MAX_VALUE, health.timeoutMillis());
    return switch (health.type()) {
      case "http" -> () -> http(health.port(), health.path(), timeout);
      case "tcp" -> () -> tcp(health.port(), timeout);
      case "custom" -> new Custom(health.className(), sandbox, health.timeoutMillis());
      default -> throw new IllegalArgumentException("unknown health type " + health.type());
    };
  }

  /** What the runtime host counts as a healthy answer: 2xx. */
  IntPredicate HOST_HEALTHY = status -> status >= 200 && status < 300;
  /** What the kubelet counts as a healthy answer to an httpGet probe: 2xx and 3xx. */
  IntPredicate KUBELET_HEALTHY = status -> status >= 200 && status < 400;

  /** GET http://127.0.0.1:port/path; healthy on 2xx. */
  static Result http(int port, String path, int timeoutMillis) {
    return http(port, path, timeoutMillis, HOST_HEALTHY);
  }

  /** GET http://127.0.0.1:port/path, healthy when the status passes; local mode's httpGet probe of a vm app too. */
  static Result http(int port, String path, int timeoutMillis, IntPredicate healthy) {
    HttpURLConnection connection = null;
    try {
      // No proxy: the app is on this host's loopback whatever the JVM's proxy settings say.
      connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
          .openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout(timeoutMillis);
      connection.setReadTimeout(timeoutMillis);
      connection.setUseCaches(false);
      // A fresh connection each time: a kept-alive one could outlive the app instance it reached.
      connection.setRequestProperty("Connection", "close");
      int status = connection.getResponseCode();
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (body != null) {
        try (body) {
          body.readNBytes(64 * 1024);
        }
      }
      return new Result(healthy.test(status), "GET " + path + " answered " + status);
    } catch (IOException e) {
      return new Result(false, "GET " + path + " on port " + port + " failed: " + e);
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  /** The port on 127.0.0.1 accepts a connection. Also local mode's tcpSocket probe of a vm app. */
  static Result tcp(int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      return new Result(true, "port " + port + " accepts connections");
    } catch (IOException e) {
      return new Result(false, "port " + port + " refused: " + e);
    }
  }

  /** The app's own check: created once per instance, called on a thread of the app. */
  final class Custom implements HealthProbe {
    private final String className;
    private final AppSandbox sandbox;
    private final long timeoutMillis;
    private volatile BooleanSupplier check;

    Custom(String className, AppSandbox sandbox, long timeoutMillis) {
      this.className = className;
      this.sandbox = sandbox;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Result check() throws InterruptedException {
      try {
        Boolean healthy = sandbox.call("health", () -> {
          if (check == null) {
            Object created = Class.forName(className, true, sandbox.loader()).getConstructor().newInstance();
            if (!(created instanceof BooleanSupplier)) {
              throw new IllegalArgumentException(className + " does not implement java.util.function.BooleanSupplier");
            }
            check = (BooleanSupplier) created;
          }
          return check.getAsBoolean();
        }).get(timeoutMillis, TimeUnit.MILLISECONDS);
        return new Result(healthy, className + " returned " + healthy);
      } catch (ExecutionException e) {
        return new Result(false, className + " failed: " + e.getCause());
      } catch (TimeoutException e) {
        return new Result(false, className + " did not answer within " + timeoutMillis + " ms");
      } catch (IllegalStateException unloaded) {
        return new Result(false, "the app is unloaded");
      }
    }
  }
}
