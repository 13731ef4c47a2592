package io.bcgitops.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.EmbeddedState;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolSpec;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorHarness;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dashboard against Fabric8's mock API server, reading the caches of JOSDK controllers as the operator's (their
 * reconcilers do nothing, so the test alone writes status), with the API server's TokenReview and
 * SubjectAccessReview answered as a cluster with two viewers would: alice may get everything in team-a (and list
 * its events) and nothing in team-b; bob's token is refused.
 */
final class DashboardFixture implements AutoCloseable {
  static final String ALICE = "alice-token";
  /** Another user: her token checks out, and she may see nothing; so do "viewer-N-token"s, of users viewer-N. */
  static final String CAROL = "carol-token";
  static final String TEAM_A = "team-a";
  static final String TEAM_B = "team-b";
  private static final ObjectMapper JSON = new ObjectMapper();

  final KubernetesClient client;
  final Operator operator;
  final Dashboard dashboard;
  /** TokenReviews the API server was asked. */
  final AtomicInteger tokenReviews = new AtomicInteger();
  /** Whether alice's token is still accepted (a test revokes it). */
  final AtomicBoolean aliceValid = new AtomicBoolean(true);

  DashboardFixture(KubernetesMockServer server, KubernetesClient client, Duration slowAfter) throws Exception {
    this(server, client, slowAfter, Clock.systemUTC());
  }

  /** With the clock that times sessions, cached reviews and the TokenReviews' budget. */
  DashboardFixture(KubernetesMockServer server, KubernetesClient client, Duration slowAfter, Clock clock)
      throws Exception {
    this.client = client;
    OperatorHarness.registerCrds(client);
    answerReviews(server, tokenReviews, aliceValid);
    operator = BcGitopsOperator.newOperator(client);
    operator.register(new PassiveSources(), c -> c.settingNamespaces(Set.of(TEAM_A, TEAM_B)));
    operator.register(new PassiveApps(), c -> c.settingNamespaces(Set.of(TEAM_A, TEAM_B)));
    operator.register(new PassivePools(), c -> c.settingNamespaces(Set.of(TEAM_A, TEAM_B)));
    dashboard = new Dashboard(new InetSocketAddress("127.0.0.1", 0), OperatorCaches.of(operator), client,
        new KubernetesAccess(client, clock), clock, Duration.ofMillis(100), slowAfter);
    operator.start();
    dashboard.start();
  }

  String url() {
    return "http://127.0.0.1:" + dashboard.port();
  }

  /** Reconcilers that change nothing: the test writes every status itself. */
  private static final class PassiveSources implements Reconciler<GitOpsSource> {
    @Override
    public UpdateControl<GitOpsSource> reconcile(GitOpsSource resource, Context<GitOpsSource> context) {
      return UpdateControl.noUpdate();
    }
  }

  private static final class PassiveApps implements Reconciler<AppDeployment> {
    @Override
    public UpdateControl<AppDeployment> reconcile(AppDeployment resource, Context<AppDeployment> context) {
      return UpdateControl.noUpdate();
    }
  }

  private static final class PassivePools implements Reconciler<RuntimePool> {
    @Override
    public UpdateControl<RuntimePool> reconcile(RuntimePool resource, Context<RuntimePool> context) {
      return UpdateControl.noUpdate();
    }
  }

  private static void answerReviews(KubernetesMockServer server, AtomicInteger reviews, AtomicBoolean aliceValid) {
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
      reviews.incrementAndGet();
      String token = read(request.getBody().readUtf8()).path("spec").path("token").asText();
      Map<String, Object> status = ALICE.equals(token) && aliceValid.get()
          ? Map.of("authenticated", true, "user", Map.of("username", "alice", "uid", "a-1",
              "groups", List.of("developers", "system:authenticated")))
          : CAROL.equals(token) ? Map.of("authenticated", true, "user", Map.of("username", "carol", "uid", "c-1",
              "groups", List.of("system:authenticated")))
          : token.matches("viewer-[0-9]+-token") ? Map.of("authenticated", true, "user", Map.of("username",
              token.replace("-token", ""), "uid", token, "groups", List.of("system:authenticated")))
          : Map.of("authenticated", false);
      return Map.of("apiVersion", "authentication.k8s.io/v1", "kind", "TokenReview", "status", status);
    }).always();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(201, request -> {
      JsonNode attributes = read(request.getBody().readUtf8()).path("spec");
      JsonNode resource = attributes.path("resourceAttributes");
      boolean allowed = attributes.path("user").asText().equals("alice")
          && attributes.path("groups").toString().contains("developers")
          && TEAM_A.equals(resource.path("namespace").asText())
          && (resource.path("verb").asText().equals("get") && resource.path("group").asText().equals(Api.GROUP)
              || resource.path("verb").asText().equals("list") && resource.path("resource").asText().equals("events"));
      return Map.of("apiVersion", "authorization.k8s.io/v1", "kind", "SubjectAccessReview",
          "status", Map.of("allowed", allowed));
    }).always();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  GitOpsSource source(String namespace, String name, String url, String sha) {
    return source(namespace, name, url, sha, 1, 2, "Progressing", null);
  }

  /**
   * A source as the operator leaves it once it applied {@code sha}: its counts, and its Ready condition, True when
   * every app is ready, else of {@code reason} and the first failing app's {@code failure} (null: none failed).
   */
  GitOpsSource source(String namespace, String name, String url, String sha, int ready, int apps, String reason,
      String failure) {
    GitOpsSource source = new GitOpsSource();
    source.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    GitOpsSourceSpec spec = new GitOpsSourceSpec();
    spec.setUrl(url);
    source.setSpec(spec);
    source = client.resource(source).create();
    GitOpsSourceStatus status = new GitOpsSourceStatus();
    status.setArtifact(new GitOpsSourceStatus.Artifact("main@sha1:" + sha, "main@" + sha.substring(0, 7),
        Instant.now().toString()));
    String progress = "applied revision main@sha1:" + sha + "; " + ready + " of " + apps + " apps ready";
    status.setAppCount(apps);
    status.setReadyCount(ready);
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready == apps ? "True" : "False")
        .withReason(ready == apps ? "Succeeded" : reason).withMessage(progress + (failure == null ? "" : "; " + failure))
        .withLastTransitionTime(Instant.now().toString()).build()));
    source.setStatus(status);
    return client.resource(source).updateStatus();
  }

  AppDeployment app(String namespace, String name, String source, Isolation isolation, AppDeploymentStatus.Phase phase,
      List<String> dependsOn, String description) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withLabels(source == null ? Map.of() : Map.of(Api.SOURCE_LABEL, source)).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion("1.1.0");
    spec.setIsolation(isolation);
    spec.setDependsOn(dependsOn);
    spec.setDescription(description);
    spec.setEnv(Map.of("GREETING", "hello <b>world</b>"));
    AppSource appSource = new AppSource();
    appSource.setType(AppSource.Type.release);
    appSource.setUrl("https://artifacts.example.com/" + name + ".jar");
    spec.setSource(appSource);
    app.setSpec(spec);
    app = client.resource(app).create();
    return setPhase(app, phase, "1.0.0");
  }

  AppDeployment setPhase(AppDeployment app, AppDeploymentStatus.Phase phase, String deployed) {
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setPhase(phase);
    status.setDeployedVersion(deployed);
    status.setPreviousVersion("0.9.0");
    status.setIsolation(app.getSpec().getIsolation());
    status.setRestarts(phase == AppDeploymentStatus.Phase.Failed ? 3 : 0);
    status.setHealth(phase == AppDeploymentStatus.Phase.Running ? AppDeploymentStatus.Health.healthy
        : AppDeploymentStatus.Health.unhealthy);
    boolean ready = phase == AppDeploymentStatus.Phase.Running;
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? "Succeeded" : "HealthCheckFailed")
        .withMessage(ready ? "version " + deployed + " is running and healthy"
            : "version " + deployed + " fails its health check: GET /health answered 503")
        .withLastTransitionTime(Instant.now().toString()).build()));
    AppDeployment fresh = client.resources(AppDeployment.class).inNamespace(app.getMetadata().getNamespace())
        .withName(app.getMetadata().getName()).get();
    fresh.setStatus(status);
    return client.resource(fresh).updateStatus();
  }

  /** An app as written from its spec file: what the operator then does is {@link #status}'s. */
  AppDeployment declare(String namespace, String name, String source, Isolation isolation, String version,
      List<String> dependsOn, String description) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withLabels(Map.of(Api.SOURCE_LABEL, source)).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    spec.setIsolation(isolation);
    spec.setDependsOn(dependsOn);
    spec.setDescription(description);
    AppSource appSource = new AppSource();
    appSource.setType(AppSource.Type.release);
    appSource.setUrl("https://artifacts.acme.io/" + name + "/" + name + "-" + version + ".jar");
    spec.setSource(appSource);
    app.setSpec(spec);
    return client.resource(app).create();
  }

  /** The status the operator writes: its phase, versions, where it runs and its Ready condition. */
  AppDeployment status(AppDeployment app, AppDeploymentStatus.Phase phase, AppDeploymentStatus.Health health,
      String deployed, String previous, int restarts, String node, String readyReason, String readyMessage) {
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setPhase(phase);
    status.setHealth(health);
    status.setDeployedVersion(deployed);
    status.setPreviousVersion(previous);
    status.setIsolation(app.getSpec().getIsolation());
    status.setRestarts(restarts);
    status.setNode(node);
    boolean ready = phase == AppDeploymentStatus.Phase.Running;
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(readyReason).withMessage(readyMessage).withLastTransitionTime(Instant.now().minusSeconds(
            ready ? 3 * 3600 : 240).toString()).build()));
    AppDeployment fresh = client.resources(AppDeployment.class).inNamespace(app.getMetadata().getNamespace())
        .withName(app.getMetadata().getName()).get();
    fresh.setStatus(status);
    return client.resource(fresh).updateStatus();
  }

  RuntimePool pool(String namespace, String name, List<String> apps) {
    return poolOf(namespace, name, apps.stream().map(a -> poolApp(a, "1.0.0", EmbeddedState.Running, "healthy", null))
        .toList());
  }

  /** A runtime pool whose pod runs {@code apps}, and is Ready. */
  RuntimePool poolOf(String namespace, String name, List<RuntimePoolStatus.App> apps) {
    RuntimePool pool = new RuntimePool();
    pool.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    RuntimePoolSpec spec = new RuntimePoolSpec();
    spec.setMemoryLimit(new IntOrString("768Mi"));
    pool.setSpec(spec);
    pool = client.resource(pool).create();
    RuntimePoolStatus status = new RuntimePoolStatus();
    status.setPod("bcgitops-runtime-" + name + "-5f789bcb7c-wnn44");
    status.setApps(apps);
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Succeeded")
        .withMessage("the runtime host answers").withLastTransitionTime(Instant.now().toString()).build()));
    pool.setStatus(status);
    return client.resource(pool).updateStatus();
  }

  static RuntimePoolStatus.App poolApp(String name, String version, EmbeddedState state, String health,
      String message) {
    RuntimePoolStatus.App app = new RuntimePoolStatus.App();
    app.setName(name);
    app.setVersion(version);
    app.setState(state);
    app.setHealth(health);
    app.setMessage(message);
    return app;
  }


  @Override
  public void close() {
    dashboard.close();
    operator.stop();
  }
}
