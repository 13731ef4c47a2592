package io.bcgitops.controller;

import static io.bcgitops.controller.GitOpsSourceReconcilerTest.app;
import static io.bcgitops.controller.OperatorHarness.condition;
import static io.bcgitops.controller.OperatorHarness.versions;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus.InvalidApp;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bcgitops.testing.GitHttpServer;
import org.slf4j.LoggerFactory;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: each case shows the condition and reason a user sees, and that the AppDeployments
 * that were fine stay exactly as they were (same resourceVersion).
 */
class GitOpsSourceFailuresTest extends OperatorTestBase {
  TestRepo repo;

  /** db, web (depends on db) and api, applied and Ready. */
  private Map<String, String> threeAppsApplied(Consumer<io.bcgitops.api.GitOpsSourceSpec> spec) {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0"));
    repo.write("apps/web/app.yaml", app("web", "1.10", "db"));
    repo.write("apps/api/app.yaml", app("api", "1.0"));
    repo.commit("three apps");
    repo.branch("release");
    startOperator(true);
    operator.createSource(ns, "shop", repo.fileUrl(), spec);
    operator.awaitReady(ns, "shop", "Succeeded");
    return resourceVersions();
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> out = new TreeMap<>();
    operator.apps(ns).forEach(a -> out.put(a.getMetadata().getName(), a.getMetadata().getResourceVersion()));
    return out;
  }

  static Stream<Arguments> brokenSpecs() {
    String source = "source:\n  type: maven\n  coordinates: io.example:api\n";
    return Stream.of(
        Arguments.of("malformed YAML", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\nsource: {type: maven\n"), "apps/api/app.yaml", "malformed YAML"),
        Arguments.of("malformed JSON in a renamed file", (Consumer<TestRepo>) r -> r.delete("apps/api/app.yaml")
            .write("apps/api/app.json", "{\"name\": \"api\", "), "apps/api/app.json", "malformed JSON"),
        Arguments.of("unknown field", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\"\nreplicas: 3\n" + source), "apps/api/app.yaml", "unknown field 'replicas'"),
        Arguments.of("version written as a number", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: 1.10\n" + source), "apps/api/app.yaml", "quote it"),
        Arguments.of("invalid name", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: Api_Service\nversion: \"1.1\"\n" + source), "apps/api/app.yaml", "DNS-1123"),
        Arguments.of("duplicate name", (Consumer<TestRepo>) r -> r.write("apps/api2/app.yaml",
            app("api", "2.0")), "apps/api/app.yaml", "also declared by apps/api2/app.yaml"),
        Arguments.of("symlink out of the repository", (Consumer<TestRepo>) r -> {
          try {
            Path outside = Files.writeString(r.dir().getParent().resolve("outside.yaml"), app("api", "6.6"));
            r.delete("apps/api/app.yaml");
            Files.createSymbolicLink(r.dir().resolve("apps/api/app.yaml"), outside);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, "apps/api/app.yaml", "leaves the repository"),
        Arguments.of("oversized file", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            app("api", "1.1") + "description: \"" + "x".repeat(1_200_000) + "\"\n"), "apps/api/app.yaml", "at most 1 MiB"),
        Arguments.of("hex source", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\"\nsource:\n  type: hex\n"), "apps/api/app.yaml", "BEAM"),
        Arguments.of("mesh source", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\"\nsource:\n  type: mesh\n"), "apps/api/app.yaml", "BEAM"),
        // Issue 12: a jar over plain http with nothing to check it against; credentials in a URL (never repeated).
        Arguments.of("plain http without sha256", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\"\nsource: {type: release, url: \"http://artifacts.example.com/api.jar\"}\n"),
            "apps/api/app.yaml", "source.url: 'http://artifacts.example.com/api.jar' is plain http"),
        Arguments.of("credentials in the url", (Consumer<TestRepo>) r -> r.write("apps/api/app.yaml",
            "name: api\nversion: \"1.1\"\nsource: {type: release, url: \"https://ci:pw-12345@artifacts.example.com"
                + "/api.jar\"}\n"), "apps/api/app.yaml", "source.url: 'https://***@artifacts.example.com/api.jar'"
                + " holds credentials"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenSpecs")
  void aBrokenSpecKeepsItsAppAndDoesNotBlockTheOthers(String name, Consumer<TestRepo> breakIt, String file,
      String expected) {
    Map<String, String> before = threeAppsApplied(spec -> { });

    breakIt.accept(repo);
    repo.write("apps/db/app.yaml", app("db", "1.1"));
    repo.commit("break api, upgrade db");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidAppSpecs");
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    InvalidApp invalid = source.getStatus().getInvalidApps().stream().filter(i -> i.getFile().equals(file))
        .findFirst().orElseThrow(() -> new AssertionError("no invalid app for " + file));
    assertTrue(invalid.getError().contains(expected), invalid.getError());
    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("invalid"));
    await().atMost(OperatorHarness.WAIT).until(() -> "1.1".equals(operator.app(ns, "db").getSpec().getVersion()));
    Map<String, String> after = resourceVersions();
    assertEquals(before.get("api"), after.get("api"), "the broken app's AppDeployment is untouched");
    assertEquals(before.get("web"), after.get("web"), "an unrelated app is untouched");
    assertEquals("1.0", operator.app(ns, "api").getSpec().getVersion());
  }

  @Test
  void aDependencyCycleIsReportedAndChangesNothing() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    repo.write("apps/db/app.yaml", app("db", "1.1", "web"));
    repo.commit("db waits for web, web for db");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "DependencyCycle");

    assertEquals(2, source.getStatus().getInvalidApps().size());
    assertTrue(source.getStatus().getInvalidApps().get(0).getError().contains("dependency cycle"));
    assertEquals(before, resourceVersions());
  }

  @Test
  void whenEverySpecIsInvalidTheStatusCountsNoAppAndNothingChanges() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    for (String app : new String[] {"db", "web", "api"}) {
      repo.write("apps/" + app + "/app.yaml", "name: " + app + "\nversion: 2.0\nsource: {type: maven, coordinates: io.example:"
          + app + "}\n");
    }
    repo.commit("every version unquoted");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidAppSpecs");

    assertEquals(3, source.getStatus().getInvalidApps().size());
    assertEquals(0, source.getStatus().getAppCount(), "no valid app in this revision");
    assertEquals(0, source.getStatus().getReadyCount());
    assertEquals(java.util.List.of(), source.getStatus().getApps());
    assertEquals(before, resourceVersions(), "every AppDeployment stays as it was");
  }

  @Test
  void aMissingPathChangesNothing() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    operator.editSource(ns, "shop", s -> s.getSpec().setPath("deploy/apps"));

    GitOpsSource source = operator.awaitReady(ns, "shop", "PathNotFound");

    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("'deploy/apps' does not exist"));
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(0, source.getStatus().getAppCount(), "the revision holds no app at that path");
    assertEquals(before, resourceVersions());
  }

  @Test
  void anUnreachableHostChangesNothing() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    operator.editSource(ns, "shop", s -> s.getSpec().setUrl("http://127.0.0.1:1/shop.git"));

    GitOpsSource source = operator.awaitReady(ns, "shop", "FetchFailed");

    assertEquals("True", condition(source, "FetchFailed").orElseThrow().getStatus());
    assertTrue(condition(source, "Stalled").isEmpty(), "a network failure is retried, not stalled");
    assertEquals(before, resourceVersions());
  }

  @Test
  void aDeletedBranchChangesNothing() {
    Map<String, String> before = threeAppsApplied(spec -> spec.setRef(io.bcgitops.api.GitRef.branch("release")));
    repo.deleteBranch("release");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "FetchFailed");

    assertTrue(condition(source, "FetchFailed").orElseThrow().getMessage().contains("release"));
    assertEquals(before, resourceVersions());
    assertTrue(source.getStatus().getArtifact().getRevision().startsWith("release@sha1:"),
        "the last fetched revision stays in status");
  }

  @Test
  void anInvalidSemverRangeStallsTheSourceAndChangesNothing() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    operator.editSource(ns, "shop", s -> {
      io.bcgitops.api.GitRef ref = new io.bcgitops.api.GitRef();
      ref.setSemver("newest please");
      s.getSpec().setRef(ref);
    });

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidSource");

    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("'newest please' is not a semver range"));
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(before, resourceVersions());
  }

  @Test
  void aForcePushedBranchIsFollowed() {
    threeAppsApplied(spec -> { });
    String first = repo.head();
    repo.write("apps/api/app.yaml", app("api", "2.0"));
    repo.commit("api 2.0");
    operator.requestReconcile(ns, "shop");
    await().atMost(OperatorHarness.WAIT).until(() -> "2.0".equals(operator.app(ns, "api").getSpec().getVersion()));

    repo.resetHard(first);
    repo.write("apps/api/app.yaml", app("api", "3.0"));
    String rewritten = repo.commit("api 3.0 on rewritten history");
    operator.requestReconcile(ns, "shop");

    await().atMost(OperatorHarness.WAIT).until(() -> "3.0".equals(operator.app(ns, "api").getSpec().getVersion()));
    await().atMost(OperatorHarness.WAIT).until(() -> ("main@sha1:" + rewritten)
        .equals(operator.source(ns, "shop").getStatus().getLastAppliedRevision()));
    assertEquals(Map.of("api", "3.0", "db", "1.0", "web", "1.10"), versions(operator.apps(ns)));
  }

  @Test
  void wrongCredentialsAreAnAuthenticationFailureThatChangesNothing() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try {
      wrongCredentials();
    } finally {
      root.detachAppender(logs);
    }
    assertFalse(logs.list.isEmpty(), "the failure was logged");
    assertTrue(logs.list.stream().map(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains("right-password-1") || m.contains("wrong-password-2")), "a secret reached the logs");
  }

  private void wrongCredentials() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0"));
    repo.write("apps/api/app.yaml", app("api", "1.0"));
    repo.commit("two apps");
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, "git", "right-password-1")) {
      client.resource(new SecretBuilder().withNewMetadata().withName("git-creds").withNamespace(ns)
          .addToLabels(Api.CREDENTIALS_LABEL, "true").endMetadata()
          .addToData("username", base64("git")).addToData("password", base64("right-password-1")).build()).create();
      startOperator(false);
      operator.createSource(ns, "shop", http.url(), s -> s.setSecretRef(new LocalObjectReference("git-creds")));
      operator.awaitReady(ns, "shop", "Succeeded");
      Map<String, String> before = resourceVersions();

      client.secrets().inNamespace(ns).withName("git-creds").edit(secret -> {
        secret.setData(Map.of("username", base64("git"), "password", base64("wrong-password-2")));
        return secret;
      });
      operator.requestReconcile(ns, "shop");

      GitOpsSource source = operator.awaitReady(ns, "shop", "AuthenticationFailed");
      String message = condition(source, "Ready").orElseThrow().getMessage();
      assertTrue(message.contains(http.url().replaceFirst("^http://", "")), message);
      assertFalse(message.contains("wrong-password-2"), "a secret value reached the status: " + message);
      assertFalse(Serialization.asJson(source).contains("wrong-password-2"));
      assertEquals("True", condition(source, "FetchFailed").orElseThrow().getStatus());
      assertEquals(before, resourceVersions());
    }
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void anAppRefusedByAnAdmissionWebhookDoesNotStopTheOthers() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    server.expect().put().withPath("/apis/bcgitops.io/v1alpha1/namespaces/" + ns + "/appdeployments/api")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
            .withMessage("admission webhook \"policy.example.com\" denied the request: no 2.x yet").build())
        .always();

    repo.write("apps/api/app.yaml", app("api", "2.0"));
    repo.write("apps/db/app.yaml", app("db", "1.1"));
    repo.commit("upgrade api and db");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidAppSpecs");
    InvalidApp refused = source.getStatus().getInvalidApps().get(0);
    assertEquals("apps/api/app.yaml", refused.getFile());
    assertTrue(refused.getError().contains("denied the request"), refused.getError());
    assertEquals(2, source.getStatus().getAppCount());
    await().atMost(OperatorHarness.WAIT).until(() -> "1.1".equals(operator.app(ns, "db").getSpec().getVersion()));
    assertEquals(before.get("api"), resourceVersions().get("api"));
  }

  @Test
  void anUnexpectedErrorIsShownAndRetriedNotHiddenBehindAnOldReady() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    server.expect().get().withPath("/api/v1/namespaces/" + ns + "/secrets/git-creds")
        .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcdserver: request timed out").build())
        .always();

    operator.editSource(ns, "shop", s -> s.getSpec().setSecretRef(new LocalObjectReference("git-creds")));

    GitOpsSource source = operator.awaitReady(ns, "shop", "ReconcileError");
    assertEquals("True", condition(source, "Reconciling").orElseThrow().getStatus());
    assertEquals(before, resourceVersions());
  }

  @Test
  void anIntervalUnderOneSecondIsRefused() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    operator.editSource(ns, "shop", s -> s.getSpec().setInterval("0s"));

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidSource");

    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("spec.interval: 0s is less than 1s"));
    assertEquals(before, resourceVersions());
  }

  @Test
  void aPrunedAppStillTerminatingIsNotDeletedAgain() throws Exception {
    threeAppsApplied(spec -> { });
    client.resources(io.bcgitops.api.AppDeployment.class).inNamespace(ns).withName("api").edit(a -> {
      a.getMetadata().getFinalizers().add("example.com/keep");
      return a;
    });
    repo.delete("apps/api");
    repo.commit("remove api");
    operator.requestReconcile(ns, "shop");
    await().atMost(OperatorHarness.WAIT).until(() -> operator.app(ns, "api").isMarkedForDeletion());
    operator.drainRequests();

    operator.requestReconcile(ns, "shop");
    operator.awaitReady(ns, "shop", "Succeeded");
    await().pollDelay(java.time.Duration.ofMillis(500)).atMost(OperatorHarness.WAIT).until(() -> true);

    assertTrue(OperatorHarness.writes(operator.drainRequests()).stream().noneMatch(w -> w.startsWith("DELETE")));
  }

  @Test
  void aSecretNotLabelledAsCredentialsIsNeitherReadNorSent() throws Exception {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0")).commit("one app");
    try (GitHttpServer http = GitHttpServer.basicAuth(repo, "git", "db-admin-password")) {
      // Someone who may edit GitOpsSources, not read Secrets, names the database's Secret.
      client.resource(new SecretBuilder().withNewMetadata().withName("db-admin").withNamespace(ns).endMetadata()
          .addToData("username", base64("git")).addToData("password", base64("db-admin-password")).build()).create();
      startOperator(false);

      operator.createSource(ns, "shop", http.url(), s -> s.setSecretRef(new LocalObjectReference("db-admin")));

      GitOpsSource source = operator.awaitReady(ns, "shop", "AuthenticationFailed");
      assertEquals("Secret 'db-admin' named by spec.secretRef is not labelled bcgitops.io/credentials=true, which"
          + " allows its use as credentials: kubectl label secret db-admin -n " + ns + " bcgitops.io/credentials=true",
          condition(source, "Ready").orElseThrow().getMessage());
      assertEquals(0, http.uploadPackRequests() + http.unauthorizedRequests(), "nothing was sent to the server");
      assertTrue(operator.apps(ns).isEmpty());
    }
  }

  /** Credentials never travel in clear text: the source says why, and nothing is read or sent. */
  @Test
  void aSecretRefWithAPlainHttpUrlIsAnInvalidSourceBeforeAnyRequest() throws Exception {
    startOperator(false);
    operator.drainRequests();

    operator.createSource(ns, "shop", "http://git.example.com/shop.git",
        s -> s.setSecretRef(new LocalObjectReference("git-creds")));

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidSource");
    assertEquals("spec.secretRef names credentials, and spec.url 'http://git.example.com/shop.git' is plain http to"
        + " git.example.com, where anyone on the network path could read the credentials; credentials are sent only"
        + " over https, ssh, or http to this machine's loopback address: use an https or ssh URL",
        condition(source, "Ready").orElseThrow().getMessage());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertTrue(operator.drainRequests().stream().noneMatch(r -> r.getPath().contains("/secrets/")),
        "the Secret was not even read");
  }

  /**
   * A token stored with a trailing newline (kubectl create secret --from-file) reached JGit as
   * "invalid header value: Bearer ***". Git's Secret is checked as an artifact Secret is: the source
   * says which key, and the server is never asked.
   */
  @Test
  void aTokenWithATrailingNewlineIsRefusedNamingTheKey() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0")).commit("one app");
    try (GitHttpServer http = GitHttpServer.bearerToken(repo, "t0ken-value")) {
      client.resource(new SecretBuilder().withNewMetadata().withName("git-creds").withNamespace(ns)
          .addToLabels(Api.CREDENTIALS_LABEL, "true").endMetadata()
          .addToData("bearerToken", base64("t0ken-value\n")).build()).create();
      startOperator(false);

      operator.createSource(ns, "shop", http.url(), s -> s.setSecretRef(new LocalObjectReference("git-creds")));

      GitOpsSource source = operator.awaitReady(ns, "shop", "AuthenticationFailed");
      assertEquals("Secret 'git-creds' named by spec.secretRef: the value of key bearerToken holds a line break or"
          + " another control character (written from a file with a trailing newline?); store it without",
          condition(source, "Ready").orElseThrow().getMessage());
      assertEquals(0, http.uploadPackRequests() + http.unauthorizedRequests(), "nothing was sent to the server");
    }
  }

  @Test
  void aMissingSecretIsAnAuthenticationFailure() {
    Map<String, String> before = threeAppsApplied(spec -> { });
    operator.editSource(ns, "shop", s -> s.getSpec().setSecretRef(new LocalObjectReference("git-creds")));

    GitOpsSource source = operator.awaitReady(ns, "shop", "AuthenticationFailed");

    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("Secret 'git-creds'"));
    assertEquals(before, resourceVersions());
    assertFalse(operator.apps(ns).isEmpty());
  }

}
