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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over HTTP, as kubectl makes it ({@code ?watch=true}): one JSON watch event per line, each flushed as
 * a chunk, until the client's {@code timeoutSeconds} or half an hour (the API server too ends watches after a
 * while; clients start a new one). Without a resourceVersion (or with "0") it starts with an ADDED event per
 * current object; with one it sends every change after it, or a 410 Expired error if those are no longer kept.
 */
final class WatchStream {
  private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
  private static final Duration LONGEST = Duration.ofMinutes(30);

  private final StoreClient store;
  private final ChangeLog changes;

  WatchStream(StoreClient store, ChangeLog changes) {
    this.store = store;
    this.changes = changes;
  }

  /**
   * @param columns the resource's Table columns, for a watch that asks for Tables
   * @throws IllegalArgumentException when resourceVersion or timeoutSeconds is not a number
   */
  void serve(HttpExchange exchange, Selection selection, Query query, Optional<TableRequest> table,
      List<Column> columns) throws IOException {
    Duration timeout = query.get("timeoutSeconds") == null ? LONGEST
        : Duration.ofSeconds(Long.parseLong(query.get("timeoutSeconds")));
    String resourceVersion = query.get("resourceVersion");
    List<JsonNode> current = List.of();
    long from;
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
      StoreClient.Listing listing = store.list(selection.target());
      current = listing.items().stream().filter(selection::matches).sorted(Selection.ORDER).toList();
      from = listing.resourceVersion();
    } else {
      from = Long.parseLong(resourceVersion);
    }
    // Null when the changes after the version are no longer all kept.
    ChangeLog.Subscription changesAfter = changes.subscribe(from, selection::inScope).orElse(null);
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        Events events = new Events(out, table, columns);
        if (changesAfter == null) {
          events.send("ERROR", KubeJson.status(410, "Expired", "too old resource version: " + from));
          return;
        }
        for (JsonNode object : current) {
          events.send("ADDED", object);
        }
        Instant end = Instant.now().plus(timeout);
        for (Duration left = timeout; left.compareTo(Duration.ZERO) > 0; left = Duration.between(Instant.now(), end)) {
          ChangeLog.Change change = changesAfter.next(left);
          if (change != null) {
            send(events, selection, change);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // The client ended the watch (kubectl exits on Ctrl-C): there is no one left to answer.
      LOG.debug("watch of {} ended by its client: {}", selection.target().collectionPath(), clientGone.toString());
    } finally {
      if (changesAfter != null) {
        changesAfter.close();
      }
    }
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

  /** Writes events as objects or, if asked for, as one-row Tables (the columns only in the first). */
  private static final class Events {
    private final OutputStream out;
    private final Optional<TableRequest> table;
    private final List<Column> columns;
    private boolean first = true;

    Events(OutputStream out, Optional<TableRequest> table, List<Column> columns) {
      this.out = out;
      this.table = table;
      this.columns = columns;
    }

    void send(String type, JsonNode object) throws IOException {
      ObjectNode event = KubeJson.object();
      event.put("type", type);
      event.set("object", table.isEmpty() || type.equals("ERROR") ? object : Tables.of(table.get(), columns,
          List.of(object), object.path("metadata").path("resourceVersion").asText(), first, Instant.now()));
      first = false;
      out.write(KubeJson.MAPPER.writeValueAsBytes(event));
      out.write('\n');
      out.flush();
    }
  }
}
