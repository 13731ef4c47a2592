package io.bcgitops.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.source.GitReference;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A verified push: the URLs the provider gives for the repository, and the full ref that moved
 * ({@code refs/heads/<branch>} or {@code refs/tags/<tag>}).
 */
record Push(List<String> repositoryUrls, String ref) {
  private static final String HEADS = "refs/heads/";
  private static final String TAGS = "refs/tags/";

  /** The push described by {@code payload}: the ref, and the repository URLs at {@code object.<field>} for each listed object. */
  static Push from(JsonNode payload, List<String> objects, List<String> urlFields) throws BadPayload {
    if (payload == null || !payload.isObject()) {
      throw new BadPayload("the payload is not a JSON object");
    }
    JsonNode ref = payload.get("ref");
    if (ref == null || !ref.isTextual() || ref.asText().isBlank()) {
      throw new BadPayload("the payload has no \"ref\"");
    }
    Set<String> urls = new LinkedHashSet<>();
    for (String object : objects) {
      JsonNode node = payload.get(object);
      if (node == null || !node.isObject()) {
        continue;
      }
      for (String field : urlFields) {
        JsonNode url = node.get(field);
        if (url != null && url.isTextual() && !url.asText().isBlank()) {
          urls.add(url.asText());
        }
      }
    }
    if (urls.isEmpty()) {
      throw new BadPayload("the payload names no repository URL (" + String.join(", ", objects) + ")");
    }
    return new Push(List.copyOf(urls), ref.asText());
  }

  /** The URL shown in logs and responses: the first one the provider gave (its HTTP clone URL). */
  String repository() {
    return repositoryUrls.get(0);
  }

  Set<String> repositoryKeys() {
    Set<String> keys = new LinkedHashSet<>();
    repositoryUrls.forEach(url -> RepositoryUrls.key(url).ifPresent(keys::add));
    return keys;
  }

  Optional<String> branch() {
    return ref.startsWith(HEADS) ? Optional.of(ref.substring(HEADS.length())) : Optional.empty();
  }

  Optional<String> tag() {
    return ref.startsWith(TAGS) ? Optional.of(ref.substring(TAGS.length())) : Optional.empty();
  }

  /**
   * Whether this push can change the revision a source with this spec deploys (its repository aside),
   * the ref read as the GitOpsSource controller reads it: a branch (default main) moves with a push to
   * it; a tag with a push of that tag; a semver range with any tag push; a commit never.
   */
  boolean movesRefOf(GitOpsSourceSpec spec) {
    GitReference wanted = GitReference.of(spec.getRef());
    return switch (wanted.kind()) {
      case BRANCH -> branch().filter(wanted.value()::equals).isPresent();
      case TAG -> tag().filter(wanted.value()::equals).isPresent();
      case SEMVER -> tag().isPresent();
      case COMMIT -> false;
    };
  }

  /** Whether this push is about the repository {@code url} names. */
  boolean isFor(String url) {
    return RepositoryUrls.key(url).filter(repositoryKeys()::contains).isPresent();
  }

  /** A payload that is JSON but not a push event this receiver understands: 400. */
  static final class BadPayload extends Exception {
    BadPayload(String message) {
      super(message);
    }
  }
}
