package io.bcgitops.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Counts what the mock API server answers, per client (its User-Agent), with when each answer was
 * ready: the number of requests a piece of work took, its writes, and when its last write was done.
 */
final class ApiMeter extends Dispatcher {
  /** One answered request; {@code atNanos} is System.nanoTime() once its response was ready. */
  /** Writes counted by method and path, app names folded ("PUT .../app-N: 3"), for a figure that should be none. */
  static String summary(List<Answer> writes) {
    return writes.stream().map(w -> w.method() + " " + w.path().replaceAll("app-\\d+", "app-N"))
        .collect(java.util.stream.Collectors.groupingBy(w -> w, java.util.TreeMap::new,
            java.util.stream.Collectors.counting())).toString();
  }

  record Answer(String client, String method, String path, long atNanos) {
    boolean isWrite() {
      return !"GET".equals(method);
    }
  }

  private final Dispatcher delegate;
  private final List<Answer> answers = new ArrayList<>();

  ApiMeter(Dispatcher delegate) {
    this.delegate = delegate;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = delegate.dispatch(request);
    Answer answer = new Answer(request.getHeader("User-Agent"), request.getMethod(), request.getPath(),
        System.nanoTime());
    synchronized (answers) {
      answers.add(answer);
    }
    return response;
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  /** A mark to count from: the number of answers so far. */
  int mark() {
    synchronized (answers) {
      return answers.size();
    }
  }

  /** The answers to {@code client} since {@code mark}, oldest first. */
  List<Answer> since(int mark, String client) {
    synchronized (answers) {
      return answers.subList(mark, answers.size()).stream().filter(a -> client.equals(a.client())).toList();
    }
  }

  /** The {@code n}th answer (from 1) to {@code client} since {@code mark} that {@code matches}, once there is one. */
  Optional<Answer> nth(int n, int mark, String client, Predicate<Answer> matches) {
    int seen = 0;
    synchronized (answers) {
      for (Answer answer : answers.subList(mark, answers.size())) {
        if (client.equals(answer.client()) && matches.test(answer) && ++seen == n) {
          return Optional.of(answer);
        }
      }
    }
    return Optional.empty();
  }

  /** Waits until {@code client} has made no request for {@code quiet}. */
  void awaitQuiet(String client, Duration quiet, Duration atMost) {
    awaitUnchanged(() -> since(0, client).size(), quiet, atMost);
  }

  /** Waits until {@code client} has made no write for {@code quiet} (reads may go on). */
  void awaitNoWrites(String client, Duration quiet, Duration atMost) {
    awaitUnchanged(() -> since(0, client).stream().filter(Answer::isWrite).count(), quiet, atMost);
  }

  private static void awaitUnchanged(java.util.function.Supplier<Number> count, Duration quiet, Duration atMost) {
    long[] seen = {-1};
    await().atMost(atMost).pollDelay(quiet).pollInterval(quiet).until(() -> {
      long now = count.get().longValue();
      boolean unchanged = now == seen[0];
      seen[0] = now;
      return unchanged;
    });
  }
}
