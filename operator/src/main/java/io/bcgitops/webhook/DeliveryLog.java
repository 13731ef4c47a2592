package io.bcgitops.webhook;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The verified deliveries each receiver has had lately, so that one sent again is refused: by its delivery id
 * ({@code X-GitHub-Delivery}, {@code X-Gitlab-Event-UUID}) and by the digest of its body, as GitHub's signature
 * covers the body only: whoever captured a delivery can send it again under a new id, never with another body.
 *
 * <p>Bounded: at most {@code perReceiver} entries for each receiver, each kept for {@code keep}, and at most
 * {@code receivers} receivers (the least recently used forgotten first). Only verified deliveries are recorded, so
 * only a token's holder can push out its own receiver's entries.
 */
final class DeliveryLog {
  private final int perReceiver;
  private final long keepNanos;
  private final LongSupplier nanos;
  private final Map<String, Map<String, Long>> seen;

  DeliveryLog(int receivers, int perReceiver, Duration keep, LongSupplier nanos) {
    this.perReceiver = perReceiver;
    this.keepNanos = keep.toNanos();
    this.nanos = nanos;
    this.seen = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
        return size() > receivers;
      }
    };
  }

  /**
   * Records a delivery to {@code receiver}; false when its id (may be null) or its body digest was recorded there
   * within the keep time: a replay.
   */
  synchronized boolean firstTime(String receiver, String deliveryId, String bodyDigest) {
    long now = nanos.getAsLong();
    Map<String, Long> entries = seen.computeIfAbsent(receiver, r -> new LinkedHashMap<>());
    for (Iterator<Long> at = entries.values().iterator(); at.hasNext(); ) {
      if (now - at.next() > keepNanos) {
        at.remove();
      }
    }
    String id = deliveryId == null || deliveryId.isBlank() ? null : "id:" + deliveryId;
    String body = "body:" + bodyDigest;
    if ((id != null && entries.containsKey(id)) || entries.containsKey(body)) {
      return false;
    }
    if (id != null) {
      entries.put(id, now);
    }
    entries.put(body, now);
    while (entries.size() > perReceiver) {
      entries.remove(entries.keySet().iterator().next());
    }
    return true;
  }
}
