package io.bcgitops.controller;

import static io.bcgitops.controller.OperatorHarness.condition;
import static io.bcgitops.controller.OperatorHarness.versions;
import static io.bcgitops.controller.OperatorHarness.writes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GitOpsSource controller end to end against the mock API server, with real git repositories. */
class GitOpsSourceReconcilerTest extends OperatorTestBase {

  private OperatorHarness start() {
    return startOperator(true);
  }

  static String app(String name, String version, String... dependsOn) {
    return "name: " + name + "\nversion: \"" + version + "\"\nsource:\n  type: maven\n  coordinates: io.example:"
        + name + "\n" + (dependsOn.length == 0 ? "" : "depends_on: [" + String.join(", ", dependsOn) + "]\n");
  }

  private TestRepo repoWithTwoApps() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0"));
    repo.write("apps/web/app.yaml", app("web", "1.10", "db"));
    repo.commit("two apps");
    return repo;
  }

  @Test
  void createsOneAppDeploymentPerAppWithOwnerLabelAndStatus() throws Exception {
    TestRepo repo = repoWithTwoApps();
    String sha = repo.head();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "shop", "Succeeded");

    assertEquals(Map.of("db", "1.0", "web", "1.10"), versions(operator.apps(ns)));
    AppDeployment web = operator.app(ns, "web");
    assertEquals("shop", web.getMetadata().getLabels().get(Api.SOURCE_LABEL));
    assertEquals("apps/web/app.yaml", web.getMetadata().getAnnotations().get(Api.SPEC_FILE_ANNOTATION));
    OwnerReference owner = web.getMetadata().getOwnerReferences().get(0);
    assertEquals(List.of("GitOpsSource", "shop", source.getMetadata().getUid(), true),
        List.of(owner.getKind(), owner.getName(), owner.getUid(), owner.getController()));
    assertEquals(List.of("db"), web.getSpec().getDependsOn());
    assertEquals("embedded", web.getSpec().getIsolation().name());

    GitOpsSourceStatus status = source.getStatus();
    assertEquals("main@sha1:" + sha, status.getArtifact().getRevision());
    assertEquals("main@" + sha.substring(0, 7), status.getArtifact().getShortRevision());
    assertEquals("main@sha1:" + sha, status.getLastAppliedRevision());
    assertEquals("main@sha1:" + sha, status.getLastAttemptedRevision());
    assertEquals(2, status.getAppCount());
    assertEquals(List.of("db", "web"), status.getApps().stream().map(GitOpsSourceStatus.AppSummary::getName).toList());
    assertEquals("apps/web/app.yaml", status.getApps().get(1).getFile());
    assertTrue(status.getInvalidApps().isEmpty());
    assertEquals(source.getMetadata().getGeneration(), status.getObservedGeneration());
    assertTrue(condition(source, "Stalled").isEmpty());
    assertTrue(condition(source, "FetchFailed").isEmpty());
    assertTrue(source.getMetadata().getFinalizers().stream().anyMatch(f -> f.contains("bcgitops")
        || f.contains("gitopssource")), "a finalizer cleans the git cache on deletion");
  }

  @Test
  void upgradesAndPrunesWhenGitChangesAndRecordsTheRequest() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    repo.write("apps/web/app.yaml", app("web", "1.11"));
    repo.delete("apps/db/app.yaml");
    String sha = repo.commit("upgrade web, remove db");
    String requested = operator.requestReconcile(ns, "shop");

    await().atMost(OperatorHarness.WAIT).until(() -> Map.of("web", "1.11").equals(versions(operator.apps(ns))));
    await().atMost(OperatorHarness.WAIT).until(() ->
        requested.equals(operator.source(ns, "shop").getStatus().getLastHandledReconcileAt()));
    GitOpsSource source = operator.source(ns, "shop");
    assertEquals("main@sha1:" + sha, source.getStatus().getLastAppliedRevision());
    assertEquals(1, source.getStatus().getAppCount());
  }

  /** A pruned app goes before the apps it depends on, so that none outlives what it needs. */
  @Test
  void prunesDependentsBeforeTheirDependencies() throws Exception {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", app("db", "1.0"));
    repo.write("apps/api/app.yaml", app("api", "1.0", "db"));
    repo.write("apps/web/app.yaml", app("web", "1.0", "api"));
    repo.write("apps/keep/app.yaml", app("keep", "1.0"));
    repo.commit("four apps");
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");
    operator.drainRequests();

    repo.delete("apps/db/app.yaml");
    repo.delete("apps/api/app.yaml");
    repo.delete("apps/web/app.yaml");
    repo.commit("remove the chain");
    operator.requestReconcile(ns, "shop");
    await().atMost(OperatorHarness.WAIT).until(() -> Map.of("keep", "1.0").equals(versions(operator.apps(ns))));

    String prefix = "DELETE /apis/bcgitops.io/v1alpha1/namespaces/" + ns + "/appdeployments/";
    List<String> deleted = writes(operator.drainRequests()).stream().filter(w -> w.startsWith(prefix))
        .map(w -> w.substring(prefix.length())).toList();
    assertEquals(List.of("web", "api", "db"), deleted);
  }

  @Test
  void anUnchangedRevisionMakesNoWrite() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> spec.setInterval("1s"));
    operator.awaitReady(ns, "shop", "Succeeded");
    await().pollDelay(Duration.ofMillis(1500)).atMost(OperatorHarness.WAIT).until(() -> true);
    operator.drainRequests();

    Thread.sleep(3500);
    List<String> writes = writes(operator.drainRequests());

    assertEquals(List.of(), writes, "reconciles of an unchanged revision must not write");
    repo.write("apps/web/app.yaml", app("web", "2.0", "db"));
    repo.commit("bump");
    await().atMost(OperatorHarness.WAIT).until(() -> "2.0".equals(operator.app(ns, "web").getSpec().getVersion()));
  }

  @Test
  void revertsAManualEditOfAnOwnedAppDeployment() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    client.resources(AppDeployment.class).inNamespace(ns).withName("web").edit(a -> {
      a.getSpec().setVersion("9.9");
      return a;
    });

    await().atMost(OperatorHarness.WAIT).until(() -> "1.10".equals(operator.app(ns, "web").getSpec().getVersion()));
  }

  @Test
  void suspendStopsChangesUntilResumed() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    operator.editSource(ns, "shop", s -> s.getSpec().setSuspend(true));
    operator.awaitReady(ns, "shop", "Suspended");
    repo.write("apps/web/app.yaml", app("web", "3.0", "db"));
    repo.commit("bump while suspended");
    operator.requestReconcile(ns, "shop");
    Thread.sleep(1000);
    assertEquals("1.10", operator.app(ns, "web").getSpec().getVersion());

    operator.editSource(ns, "shop", s -> s.getSpec().setSuspend(false));
    operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals("3.0", operator.app(ns, "web").getSpec().getVersion());
  }

  @Test
  void anAppDeploymentOfAnotherOwnerIsNeitherTakenNorChanged() throws Exception {
    TestRepo repo = repoWithTwoApps();
    AppDeployment foreign = new AppDeployment();
    foreign.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace(ns).build());
    foreign.setSpec(new io.bcgitops.api.AppDeploymentSpec());
    foreign.getSpec().setVersion("0.1");
    foreign.getSpec().setSource(new io.bcgitops.api.AppSource());
    foreign.getSpec().getSource().setType(io.bcgitops.api.AppSource.Type.image);
    foreign.getSpec().getSource().setImage("nginx");
    client.resource(foreign).create();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidAppSpecs");

    assertEquals("0.1", operator.app(ns, "web").getSpec().getVersion());
    assertNotNull(operator.app(ns, "db"));
    assertEquals("apps/web/app.yaml", source.getStatus().getInvalidApps().get(0).getFile());
    assertTrue(source.getStatus().getInvalidApps().get(0).getError().contains("not managed by this GitOpsSource"));
  }

  @Test
  void anEmptyPathPrunesNothingUnlessAllowed() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");
    repo.delete("apps/db/app.yaml");
    repo.delete("apps/web/app.yaml");
    repo.write("apps/README.md", "no apps yet");
    repo.commit("remove every app");
    operator.requestReconcile(ns, "shop");

    GitOpsSource source = operator.awaitReady(ns, "shop", "EmptyAppSet");
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(2, operator.apps(ns).size());

    operator.editSource(ns, "shop", s -> s.getSpec().setAllowEmpty(true));
    operator.awaitReady(ns, "shop", "Succeeded");
    await().atMost(OperatorHarness.WAIT).until(() -> operator.apps(ns).isEmpty());
  }

  @Test
  void deletingTheSourceRemovesItsGitCache() throws Exception {
    TestRepo repo = repoWithTwoApps();
    start().createSource(ns, "shop", repo.fileUrl(), spec -> { });
    GitOpsSource source = operator.awaitReady(ns, "shop", "Succeeded");
    Path cache = tmp.resolve("cache").resolve(source.getMetadata().getUid());
    assertTrue(Files.isDirectory(cache));

    client.resource(source).delete();

    await().atMost(OperatorHarness.WAIT).until(() -> operator.source(ns, "shop") == null);
    assertFalse(Files.exists(cache));
  }

  @Test
  void fileUrlsAreRefusedUnlessAllowed() throws Exception {
    TestRepo repo = repoWithTwoApps();
    startOperator(false);
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidSource");

    assertTrue(condition(source, "Ready").orElseThrow().getMessage().contains("BCGITOPS_ALLOW_FILE_URLS"));
    assertTrue(operator.apps(ns).isEmpty());
    assertNull(source.getStatus().getArtifact());
  }
}
