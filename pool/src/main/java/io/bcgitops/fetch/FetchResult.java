package io.bcgitops.fetch;

import java.nio.file.Path;

/** A jar in place at dest; downloaded is false when a verified copy was already there (a pod restart). */
public record FetchResult(Path dest, long size, String sha256, boolean downloaded) {
}
