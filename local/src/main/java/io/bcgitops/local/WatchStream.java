package io.bcgitops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over HTTP, as kubectl makes it ({@code ?watch=true}): one JSON watch event per line, each flushed as
 * a chunk, until the client's {@code timeoutSeconds} or half an hour (the API server too ends watches after a
 * while; clients start a new one). Without a resourceVersion (or with "0") it starts with an ADDED event per
 * current object; with one it sends every change after it, or a single ERROR event when it cannot: 410 Expired
 * when those changes are no longer all kept, 504 Timeout when the version is newer than the store's.
 *
 * <p>A client that went away is noticed only when something is written to it, so a watch with nothing to send
 * writes every few seconds all the same: a BOOKMARK event when the client allows them (the API server sends them
 * too, if less often), else an empty line, which kubectl and client-go read as whitespace between two events.
 */
final class WatchStream {
  private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
  private static final Duration LONGEST = Duration.ofMinutes(30);
  /** The longest a watch writes nothing: a client that went away holds a thread and a subscription until then. */
  static final Duration QUIET = Duration.ofSeconds(5);

  private final StoreClient store;
  private final ChangeLog changes;

  WatchStream(StoreClient store, ChangeLog changes) {
    this.store = store;
    this.changes = changes;
  }

  /**
   * @param columns the resource's Table columns, for a watch that asks for Tables
   * @param kind the resource's kind, for bookmarks
   * @throws IllegalArgumentException when resourceVersion or timeoutSeconds is not a number
   */
  void serve(HttpExchange exchange, Selection selection, Query query, Optional<TableRequest> table,
      List<Column> columns, String kind) throws IOException {
    Duration timeout = query.get("timeoutSeconds") == null ? LONGEST
        : Duration.ofSeconds(Long.parseLong(query.get("timeoutSeconds")));
    String requested = query.get("resourceVersion");
    boolean fromNow = requested == null || requested.isEmpty() || requested.equals("0");
    // Listed even for a watch from a version: the listing's version is the store's newest.
    StoreClient.Listing listing = store.list(selection.target());
    long from = fromNow ? listing.resourceVersion() : Long.parseLong(requested);
    if (from > listing.resourceVersion()) {
      // The API server refuses so a list at a version it has not reached (a plain watch from one it starts, to send
      // what comes after). Here, where each run starts again from version 1, such a version can only be a client's
      // from an earlier run: accepted, it would keep that client from seeing any change until this run's versions
      // caught up; refused, the client lists again.
      refuse(exchange, tooLarge(from, listing.resourceVersion()));
      return;
    }
    Optional<ChangeLog.Subscription> subscription = changes.subscribe(from, selection::inScope);
    if (subscription.isEmpty()) {
      refuse(exchange, KubeJson.status(410, "Expired", "too old resource version: " + from));
      return;
    }
    try (ChangeLog.Subscription changesAfter = subscription.get()) {
      start(exchange);
      try (OutputStream out = exchange.getResponseBody()) {
        Events events = new Events(out, table, columns);
        for (JsonNode object : fromNow ? selection.select(listing.items()) : List.<JsonNode>of()) {
          events.send("ADDED", object);
        }
        Optional<String> bookmarkKind = query.isTrue("allowWatchBookmarks") ? Optional.of(kind) : Optional.empty();
        Instant end = Instant.now().plus(timeout);
        for (Duration left = timeout; left.compareTo(Duration.ZERO) > 0; left = Duration.between(Instant.now(), end)) {
          ChangeLog.Change change = changesAfter.next(left.compareTo(QUIET) < 0 ? left : QUIET);
          if (change != null) {
            send(events, selection, change);
          }
          if (events.quietFor(QUIET)) {
            keepAlive(events, changesAfter, selection.target().groupVersion(), bookmarkKind);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // The client ended the watch (kubectl exits on Ctrl-C): there is no one left to answer.
      LOG.debug("watch of {} ended by its client: {}", selection.target().collectionPath(), clientGone.toString());
    }
  }

  /** The watch is answered as the API server answers one it cannot start: with a single ERROR event. */
  private static void refuse(HttpExchange exchange, ObjectNode status) throws IOException {
    start(exchange);
    try (OutputStream out = exchange.getResponseBody()) {
      new Events(out, Optional.empty(), List.of()).send("ERROR", status);
    }
  }

  private static void start(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
  }

  /** The API server's Status for a version it has not reached (its watch cache's "too large resource version"). */
  private static ObjectNode tooLarge(long requested, long current) {
    ObjectNode status = KubeJson.status(504, "Timeout",
        "Timeout: Too large resource version: " + requested + ", current: " + current);
    ObjectNode details = status.putObject("details");
    details.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge")
        .put("message", "Too large resource version");
    details.put("retryAfterSeconds", 1);
    return status;
  }

  /** A change as the watcher sees it: an object entering or leaving its selection is added or deleted. */
  private static void send(Events events, Selection selection, ChangeLog.Change change) throws IOException {
    boolean was = change.before() != null && selection.matches(change.before());
    boolean is = change.after() != null && selection.matches(change.after());
    if (was && is) {
      events.send("MODIFIED", change.after());
    } else if (is) {
      events.send("ADDED", change.after());
    } else if (was) {
      // The object as it was, at the version of the change that took it out.
      ObjectNode gone = change.before().deepCopy();
      ((ObjectNode) gone.path("metadata")).put("resourceVersion", String.valueOf(change.resourceVersion()));
      events.send("DELETED", gone);
    }
  }

  /**
   * Writes what a quiet watch may: a bookmark at the version every change up to which was sent, as the API server
   * makes it (the kind and version only), or an empty line. No bookmark is written while a change waits to be
   * sent: the next turn sends it.
   */
  private static void keepAlive(Events events, ChangeLog.Subscription changesAfter, String apiVersion,
      Optional<String> bookmarkKind) throws IOException {
    if (bookmarkKind.isEmpty()) {
      events.emptyLine();
      return;
    }
    OptionalLong version = changesAfter.takenUpTo();
    if (version.isPresent()) {
      ObjectNode bookmark = KubeJson.object();
      bookmark.put("kind", bookmarkKind.get()).put("apiVersion", apiVersion);
      bookmark.putObject("metadata").put("resourceVersion", String.valueOf(version.getAsLong()));
      events.send("BOOKMARK", bookmark);
    }
  }

  /** Writes events as objects or, if asked for, as one-row Tables (the columns only in the first). */
  private static final class Events {
    private final OutputStream out;
    private final Optional<TableRequest> table;
    private final List<Column> columns;
    private boolean first = true;
    private Instant written = Instant.now();

    Events(OutputStream out, Optional<TableRequest> table, List<Column> columns) {
      this.out = out;
      this.table = table;
      this.columns = columns;
    }

    void send(String type, JsonNode object) throws IOException {
      ObjectNode event = KubeJson.object();
      event.put("type", type);
      // An error's Status and a bookmark's version are not objects of the resource: no Table row shows them.
      boolean row = table.isPresent() && !type.equals("ERROR") && !type.equals("BOOKMARK");
      event.set("object", row ? Tables.of(table.get(), columns, List.of(object),
          object.path("metadata").path("resourceVersion").asText(), first, Instant.now()) : object);
      if (row) {
        first = false;
      }
      out.write(KubeJson.MAPPER.writeValueAsBytes(event));
      out.write('\n');
      flush();
    }

    void emptyLine() throws IOException {
      out.write('\n');
      flush();
    }

    boolean quietFor(Duration duration) {
      return Duration.between(written, Instant.now()).compareTo(duration) >= 0;
    }

    private void flush() throws IOException {
      out.flush();
      written = Instant.now();
    }
  }
}
