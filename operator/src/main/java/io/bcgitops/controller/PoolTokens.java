package io.bcgitops.controller;

import io.bcgitops.api.Api;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.embedded.RuntimePools;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each pool's token, read from its Secret by name (get) and kept here, not watched: an informer would need list and
 * watch on every Secret of every namespace the operator watches. A missing Secret is created; one an earlier version
 * wrote (without the host token's digest, or without an owner) is completed and adopted; a Secret of that name
 * someone else owns is refused, never used: its author would know the token.
 */
final class PoolTokens {
  private final Map<ResourceID, String> tokens = new ConcurrentHashMap<>();

  /** Why a pool has no token: its Secret's name is taken by another owner's. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * The pool's token: from memory, or its Secret (read, and created or completed when needed).
   *
   * @throws Refused when the Secret's name is someone else's
   * @throws KubernetesClientException when the API server refuses a read or write (tried again at the next reconcile)
   */
  String token(RuntimePool pool, KubernetesClient client) throws Refused {
    ResourceID id = ResourceID.fromResource(pool);
    String token = tokens.get(id);
    if (token == null) {
      token = fromSecret(pool, client);
      tokens.put(id, token);
    }
    return token;
  }

  /** Forgets the pool's token: it is read again when next needed (the pool refused it, or its pod is not up). */
  void forget(RuntimePool pool) {
    tokens.remove(ResourceID.fromResource(pool));
  }

  /** Deletes the pool's Secret, if it is the pool's (where no garbage collector runs it would stay: local mode). */
  void delete(RuntimePool pool, KubernetesClient client) {
    forget(pool);
    String name = RuntimePools.tokenSecretName(pool.getMetadata().getName());
    Secret secret = client.secrets().inNamespace(pool.getMetadata().getNamespace()).withName(name).get();
    if (secret != null && isControlledBy(secret, pool)) {
      client.resource(secret).delete();
    }
  }

  private static String fromSecret(RuntimePool pool, KubernetesClient client) throws Refused {
    String namespace = pool.getMetadata().getNamespace();
    String name = RuntimePools.tokenSecretName(pool.getMetadata().getName());
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      try {
        secret = client.resource(RuntimePools.tokenSecret(pool)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Created meanwhile (another replica of the operator, a user): judged as any existing one.
        secret = client.secrets().inNamespace(namespace).withName(name).require();
      }
    }
    boolean adopt = controller(secret).isEmpty() && pool.getMetadata().getName()
        .equals(secret.getMetadata().getLabels() == null ? null : secret.getMetadata().getLabels().get(Api.RUNTIME_LABEL));
    if (!isControlledBy(secret, pool) && !adopt) {
      throw new Refused("Secret " + name + " exists and is not this pool's (neither owned by it nor labelled "
          + Api.RUNTIME_LABEL + "=" + pool.getMetadata().getName() + " without an owner): delete or rename it, and"
          + " the pool creates its own");
    }
    if (adopt || !RuntimePools.isComplete(secret)) {
      Optional<String> kept = existingToken(secret);
      secret = client.resource(RuntimePools.completedTokenSecret(secret, pool, kept.orElseGet(RuntimePools::newToken)))
          .update();
    }
    return RuntimePools.token(secret, RuntimePools.TOKEN_KEY).orElseThrow();
  }

  /** The token a Secret already holds, kept so that a running pod (which read it at start) keeps answering. */
  private static Optional<String> existingToken(Secret secret) {
    try {
      return RuntimePools.token(secret, RuntimePools.TOKEN_KEY).filter(t -> !t.isBlank());
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  private static boolean isControlledBy(Secret secret, RuntimePool pool) {
    return controller(secret).map(o -> Objects.equals(o.getUid(), pool.getMetadata().getUid())).orElse(false);
  }

  private static Optional<OwnerReference> controller(Secret secret) {
    return Objects.requireNonNullElse(secret.getMetadata().getOwnerReferences(), List.<OwnerReference>of()).stream()
        .filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }
}
