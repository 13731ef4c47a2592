package io.bcgitops.webhook;

import static org.awaitility.Awaitility.await;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitRef;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.HttpLimits;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Test helpers: a receiver served on loopback, signed deliveries, and GitOpsSources on the mock API server. */
final class Hooks implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The receivers being served: a source a test creates or changes is awaited in their caches. */
  private static final List<WebhookReceiver> LIVE = new CopyOnWriteArrayList<>();

  final BoundedHttpServer server;
  final WebhookReceiver receiver;

  private Hooks(BoundedHttpServer server, WebhookReceiver receiver) {
    this.server = server;
    this.receiver = receiver;
  }

  /**
   * Serves {@code receiver} on a free loopback port, as the operator's webhook listener does with its limits, once
   * its cache of sources is loaded.
   */
  static Hooks serve(WebhookReceiver receiver, HttpLimits limits) throws IOException {
    receiver.start();
    await().atMost(Duration.ofSeconds(10)).until(receiver::ready);
    LIVE.add(receiver);
    return new Hooks(new BoundedHttpServer("hooks", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        limits, receiver).start(), receiver);
  }

  /** Returns once every served receiver that watches its namespace has {@code source} as stored (or later). */
  static <T extends GitOpsSource> T awaitCached(T source) {
    String ns = source.getMetadata().getNamespace();
    String name = source.getMetadata().getName();
    long version = Long.parseLong(source.getMetadata().getResourceVersion());
    for (WebhookReceiver receiver : LIVE) {
      if (receiver.watches(ns)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          GitOpsSource cached = receiver.cached(ns, name);
          return cached != null && Long.parseLong(cached.getMetadata().getResourceVersion()) >= version;
        });
      }
    }
    return source;
  }

  int port() {
    return server.port();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json");
    headers.forEach(request::setHeader);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GitHub delivery of {@code event}, signed with {@code secret} (unsigned when null). */
  HttpResponse<String> github(String event, String body, String secret) throws Exception {
    return secret == null ? post("/hook/github", body, Map.of("X-GitHub-Event", event))
        : post("/hook/github", body, Map.of("X-GitHub-Event", event, "X-Hub-Signature-256", sign(secret, body),
        "X-GitHub-Delivery", "d-" + System.nanoTime()));
  }

  HttpResponse<String> gitlab(String event, String body, String token) throws Exception {
    return post("/hook/gitlab", body, Map.of("X-Gitlab-Event", event, "X-Gitlab-Token", token));
  }

  static String sign(String secret, String body) {
    return "sha256=" + HexFormat.of().formatHex(WebhookReceiver.hmacSha256(secret.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A GitHub push event's payload (the fields the receiver reads, and a few more as GitHub sends them). */
  static String githubPush(String ref, String cloneUrl, String sshUrl) {
    return "{\"ref\":\"" + ref + "\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + "1".repeat(40) + "\","
        + "\"deleted\":false,\"repository\":{\"full_name\":\"acme/shop\",\"clone_url\":\"" + cloneUrl + "\""
        + (sshUrl == null ? "" : ",\"ssh_url\":\"" + sshUrl + "\"") + "},\"pusher\":{\"name\":\"dev\"}}";
  }

  static String gitlabPush(String kind, String ref, String httpUrl, String sshUrl) {
    return "{\"object_kind\":\"" + kind + "\",\"event_name\":\"" + kind + "\",\"ref\":\"" + ref + "\","
        + "\"project\":{\"git_http_url\":\"" + httpUrl + "\",\"git_ssh_url\":\"" + sshUrl + "\"},"
        + "\"repository\":{\"url\":\"" + sshUrl + "\"}}";
  }


  static void createSecret(KubernetesClient client, String namespace, String name, String token) {
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .addToStringData(WebhookSecret.KEY, token).build()).create();
  }

  static GitOpsSource createSource(KubernetesClient client, String namespace, String name, String url,
      Consumer<GitOpsSourceSpec> customize) {
    return awaitCached(client.resource(OperatorHarness.source(namespace, name, url, customize)).create());
  }

  static Consumer<GitOpsSourceSpec> branch(String branch) {
    return spec -> spec.setRef(GitRef.branch(branch));
  }

  static Consumer<GitOpsSourceSpec> tag(String tag) {
    return spec -> {
      GitRef ref = new GitRef();
      ref.setTag(tag);
      spec.setRef(ref);
    };
  }

  static Consumer<GitOpsSourceSpec> semver(String range) {
    return spec -> {
      GitRef ref = new GitRef();
      ref.setSemver(range);
      spec.setRef(ref);
    };
  }

  static Consumer<GitOpsSourceSpec> commit(String sha) {
    return spec -> {
      GitRef ref = new GitRef();
      ref.setCommit(sha);
      spec.setRef(ref);
    };
  }

  /** The sources (namespace/name, sorted) in {@code namespaces} whose reconcile-requested-at annotation is set. */
  static List<String> requested(KubernetesClient client, String... namespaces) {
    return Stream.of(namespaces)
        .flatMap(ns -> client.resources(GitOpsSource.class).inNamespace(ns).list().getItems().stream())
        .filter(s -> s.getMetadata().getAnnotations() != null
            && s.getMetadata().getAnnotations().containsKey(io.bcgitops.api.Api.RECONCILE_REQUESTED_AT))
        .map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
        .sorted().toList();
  }

  @Override
  public void close() {
    server.close();
    LIVE.remove(receiver);
    receiver.close();
  }
}
