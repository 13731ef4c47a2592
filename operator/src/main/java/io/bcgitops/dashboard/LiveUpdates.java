package io.bcgitops.dashboard;

import io.bcgitops.http.BoundedHttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link Snapshot}, and the Server-Sent Events streams that push it to viewers when the caches change.
 *
 * <p>Every {@code tick} the caches are looked at (in memory: each object's resourceVersion); when anything changed,
 * one new snapshot is made, and each stream is sent its viewer's part of it. Changes within a tick are coalesced
 * into one push, and a stream still sending the last push gets only the newest once it is done (nothing queues up:
 * a stream holds one message at most). A stream whose write has not completed within {@code slowAfter} is
 * dropped (its client reads too slowly, or not at all: the page reconnects); at most {@code maxStreams} are open,
 * {@code maxStreamsPerUser} of them one user's (so that no one viewer, whatever they may see, takes every stream), and
 * a stream ends when its viewer's session does (at the next tick: a logout or a refused renewal ends it). An idle stream gets a comment every {@link #HEARTBEAT}, so
 * that neither the listener's idle timeout nor a proxy closes it.
 */
final class LiveUpdates implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);

  private final OperatorCaches caches;
  private final int maxStreams;
  private final int maxStreamsPerUser;
  private final long slowAfterNanos;
  private final ScheduledExecutorService ticks;
  /** Renders each stream's part of a snapshot: asking the viewer's permissions may wait on the API server. */
  private final ExecutorService renders;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private long fingerprint;
  private long version;
  private long lastHeartbeatNanos = System.nanoTime();

  LiveUpdates(OperatorCaches caches, Duration tick, Duration slowAfter, int maxStreams, int maxStreamsPerUser) {
    this.caches = caches;
    this.maxStreams = maxStreams;
    this.maxStreamsPerUser = maxStreamsPerUser;
    this.slowAfterNanos = slowAfter.toNanos();
    this.ticks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bcgitops-dashboard-live"));
    this.renders = Executors.newFixedThreadPool(2, r -> daemon(r, "bcgitops-dashboard-render"));
    refresh();
    ticks.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  /** The newest snapshot. */
  Snapshot snapshot() {
    return current.get();
  }

  int streams() {
    return subscribers.size();
  }

  /** Whether {@code user} has all the streams one user may have open. */
  boolean fullFor(String user) {
    return subscribers.stream().filter(s -> s.user.equals(user)).count() >= maxStreamsPerUser;
  }

  private void tick() {
    try {
      if (refresh()) {
        subscribers.forEach(Subscriber::changed);
      }
      long now = System.nanoTime();
      boolean heartbeat = now - lastHeartbeatNanos >= HEARTBEAT.toNanos();
      if (heartbeat) {
        lastHeartbeatNanos = now;
      }
      for (Subscriber subscriber : subscribers) {
        subscriber.check(now, heartbeat);
      }
    } catch (RuntimeException e) {
      LOG.warn("The dashboard could not look at the operator's caches", e);
    }
  }

  /** Makes a new snapshot when the caches changed; whether they did. */
  private synchronized boolean refresh() {
    var sources = caches.sources();
    var apps = caches.apps();
    var pools = caches.pools();
    long print = fingerprint(sources) * 31 + fingerprint(apps) * 17 + fingerprint(pools);
    if (current.get() != null && print == fingerprint) {
      return false;
    }
    fingerprint = print;
    current.set(Snapshot.of(++version, sources, apps, pools));
    return true;
  }

  /** Order-independent: a cache lists its objects in no set order. */
  private static long fingerprint(List<? extends HasMetadata> objects) {
    long sum = objects.size();
    for (HasMetadata object : objects) {
      long h = (object.getMetadata().getUid() + "/" + object.getMetadata().getNamespace() + "/"
          + object.getMetadata().getName() + "/" + object.getMetadata().getResourceVersion()).hashCode();
      sum += h * 0x9E3779B97F4A7C15L ^ (h >>> 7);
    }
    return sum;
  }

  /**
   * A stream for a viewer, or null when {@code maxStreams} are open, or {@code maxStreamsPerUser} of {@code user}'s.
   *
   * @param render the message a snapshot makes for this viewer
   * @param sessionLive whether the viewer's session still is: the stream ends once it is not
   */
  BoundedHttpServer.Stream subscribe(String user, Function<Snapshot, String> render, BooleanSupplier sessionLive,
      Map<String, String> headers) {
    // Checked here and counted when opened: a few opening at the same moment may pass the bound by as many.
    if (subscribers.size() >= maxStreams || fullFor(user)) {
      return null;
    }
    return new Subscriber(user, render, sessionLive, headers);
  }

  @Override
  public void close() {
    ticks.shutdownNow();
    renders.shutdownNow();
    subscribers.forEach(s -> s.end(true));
  }

  /** One viewer's stream: one write in flight at most, and a flag that a newer snapshot waits. */
  private final class Subscriber implements BoundedHttpServer.Stream {
    private final String user;
    private final Function<Snapshot, String> render;
    private final BooleanSupplier sessionLive;
    private final Map<String, String> headers;
    private BoundedHttpServer.Sink sink;
    private boolean writing;
    private boolean stale;
    private boolean ended;
    private long writeStartedNanos;

    Subscriber(String user, Function<Snapshot, String> render, BooleanSupplier sessionLive,
        Map<String, String> headers) {
      this.user = user;
      this.render = render;
      this.sessionLive = sessionLive;
      this.headers = headers;
    }

    @Override
    public String contentType() {
      return "text/event-stream; charset=utf-8";
    }

    @Override
    public Map<String, String> headers() {
      return headers;
    }

    @Override
    public void open(BoundedHttpServer.Sink opened) {
      synchronized (this) {
        sink = opened;
        stale = true;
      }
      subscribers.add(this);
      changed();
    }

    /** The caches changed: send the newest snapshot now, or once the write in flight is done. */
    void changed() {
      synchronized (this) {
        if (ended) {
          return;
        }
        if (writing) {
          stale = true;
          return;
        }
        writing = true;
        stale = false;
        writeStartedNanos = System.nanoTime();
      }
      try {
        renders.execute(() -> {
          String message;
          try {
            message = render.apply(current.get());
          } catch (RuntimeException e) {
            LOG.warn("The dashboard could not render a live update", e);
            end(true);
            return;
          }
          send(message.getBytes(StandardCharsets.UTF_8));
        });
      } catch (RejectedExecutionException closing) {
        end(true);
      }
    }

    private void send(byte[] bytes) {
      sink.write(bytes, failure -> {
        if (failure != null) {
          end(false);
          return;
        }
        boolean again;
        synchronized (this) {
          writing = false;
          again = stale;
        }
        if (again) {
          changed();
        }
      });
    }

    /** Drops a stream too slow to take its message, ends one whose session ended, keeps an idle one open. */
    void check(long nowNanos, boolean heartbeat) {
      boolean slow;
      boolean expired;
      boolean ping;
      synchronized (this) {
        if (ended) {
          return;
        }
        slow = writing && nowNanos - writeStartedNanos > slowAfterNanos;
        expired = !writing && !sessionLive.getAsBoolean();
        ping = !slow && !expired && heartbeat && !writing;
        if (ping) {
          writing = true;
          writeStartedNanos = nowNanos;
        }
      }
      if (slow) {
        LOG.info("The dashboard dropped a live stream whose client took no update for {} ms",
            TimeUnit.NANOSECONDS.toMillis(slowAfterNanos));
        end(true);
      } else if (expired) {
        // The page logs in again with its token and reconnects.
        end(false);
      } else if (ping) {
        send(PING);
      }
    }

    /** Ends the stream: at once ({@code abort}: a write may be in flight), or after what was sent. */
    void end(boolean abort) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      subscribers.remove(this);
      if (sink != null) {
        if (abort) {
          sink.abort();
        } else {
          sink.close();
        }
      }
    }
  }
}
