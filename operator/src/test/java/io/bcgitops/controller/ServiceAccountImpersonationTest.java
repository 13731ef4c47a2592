package io.bcgitops.controller;

import static io.bcgitops.controller.GitOpsSourceReconcilerTest.app;
import static io.bcgitops.controller.OperatorHarness.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.GitOpsSource;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * spec.serviceAccountName: a source's AppDeployments are read and written as that service account
 * (the API server's RBAC then bounds what the tenant's repository may do), everything else as the
 * operator; a write the account may not make is a condition naming the verb, resource and account.
 * The mock server enforces no RBAC: it answers 403 where a test says so, as a real one would.
 */
class ServiceAccountImpersonationTest extends OperatorTestBase {
  private static final String IMPERSONATE = "Impersonate-User";
  private TestRepo repo;

  @AfterEach
  void closeRepo() {
    if (repo != null) {
      repo.close();
    }
  }

  private void twoApps() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).write("apps/api/app.yaml", app("api", "1.0"));
    repo.commit("web and api");
  }

  private String appDeployments() {
    return "/apis/bcgitops.io/v1alpha1/namespaces/" + ns + "/appdeployments";
  }

  @Test
  void theSourcesAppDeploymentsAreWrittenAsItsServiceAccountAndItsStatusAsTheOperator() throws Exception {
    twoApps();
    startOperator(true).drainRequests();

    operator.createSource(ns, "shop", repo.fileUrl(), spec -> spec.setServiceAccountName("deployer"));
    operator.awaitReady(ns, "shop", "Succeeded");

    List<RecordedRequest> requests = operator.drainRequests();
    List<RecordedRequest> creates = requests.stream()
        .filter(r -> r.getMethod().equals("POST") && r.getPath().startsWith(appDeployments())).toList();
    assertEquals(2, creates.size(), OperatorHarness.writes(requests).toString());
    for (RecordedRequest create : creates) {
      assertEquals("system:serviceaccount:" + ns + ":deployer", create.getHeader(IMPERSONATE));
    }
    List<RecordedRequest> statusWrites = requests.stream().filter(r -> r.getPath().contains("/gitopssources/")
        && !r.getMethod().equals("GET")).toList();
    assertFalse(statusWrites.isEmpty());
    for (RecordedRequest write : statusWrites) {
      assertNull(write.getHeader(IMPERSONATE), "the source's own status is the operator's: " + write.getPath());
    }
    assertEquals(Map.of("api", "1.0", "web", "1.0"), OperatorHarness.versions(operator.apps(ns)));
  }

  @Test
  void withoutServiceAccountNameTheOperatorsDefaultIsUsedAndWithoutOneTheOperatorItself() throws Exception {
    twoApps();
    startOperatorWithDefaultServiceAccount("tenant-default").drainRequests();

    operator.createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    assertTrue(operator.drainRequests().stream()
        .filter(r -> r.getMethod().equals("POST") && r.getPath().startsWith(appDeployments()))
        .allMatch(r -> ("system:serviceaccount:" + ns + ":tenant-default").equals(r.getHeader(IMPERSONATE))));
    operator.close();

    startOperator(true).drainRequests();
    repo.write("apps/web/app.yaml", app("web", "2.0")).commit("web 2.0");
    operator.requestReconcile(ns, "shop");
    org.awaitility.Awaitility.await().atMost(OperatorHarness.WAIT)
        .until(() -> "2.0".equals(operator.app(ns, "web").getSpec().getVersion()));
    List<RecordedRequest> updates = operator.drainRequests().stream()
        .filter(r -> r.getMethod().equals("PUT") && r.getPath().equals(appDeployments() + "/web")).toList();
    assertEquals(1, updates.size());
    assertNull(updates.get(0).getHeader(IMPERSONATE), "no default, no serviceAccountName: the operator itself");
  }

  @Test
  void aCreateTheAccountMayNotMakeIsForbiddenNamingVerbResourceAndAccountAndAppliedOnceAllowed() {
    repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", app("web", "1.0")).commit("web");
    // What a real API server answers an impersonated create that no RoleBinding allows (once: then "granted").
    server.expect().post().withPath(appDeployments()).andReturn(403, forbidden("system:serviceaccount:" + ns
        + ":deployer", "create", ns)).once();
    startOperator(true);

    operator.createSource(ns, "shop", repo.fileUrl(), spec -> {
      spec.setServiceAccountName("deployer");
      spec.setInterval("1s");
    });

    GitOpsSource source = operator.awaitReady(ns, "shop", "Forbidden");
    Condition ready = condition(source, "Ready").orElseThrow();
    assertEquals("the service account " + ns + "/deployer may not create appdeployments.bcgitops.io in namespace "
        + ns + " (app web; spec.serviceAccountName: a Role and RoleBinding in " + ns + " must allow it): "
        + "appdeployments.bcgitops.io is forbidden: User \"system:serviceaccount:" + ns + ":deployer\" cannot create"
        + " resource \"appdeployments\" in API group \"bcgitops.io\" in the namespace \"" + ns + "\"",
        ready.getMessage());
    assertEquals("True", condition(source, "Stalled").orElseThrow().getStatus());
    assertEquals(0, source.getStatus().getAppCount(), "web is not in the cluster");
    assertTrue(source.getStatus().getInvalidApps().isEmpty(), "web's spec is fine: it is not an invalid app");

    // RBAC now allows it (the expectation was for one request): the next interval applies it.
    operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals(Map.of("web", "1.0"), OperatorHarness.versions(operator.apps(ns)));
  }

  @Test
  void aPruneTheAccountMayNotMakeIsForbiddenWithVerbDelete() {
    twoApps();
    startOperator(true);
    operator.createSource(ns, "shop", repo.fileUrl(), spec -> {
      spec.setServiceAccountName("deployer");
      spec.setInterval("1s");
    });
    operator.awaitReady(ns, "shop", "Succeeded");
    server.expect().delete().withPath(appDeployments() + "/api").andReturn(403, forbidden("system:serviceaccount:"
        + ns + ":deployer", "delete", ns)).once();

    repo.delete("apps/api/app.yaml").commit("api retired");

    GitOpsSource source = operator.awaitReady(ns, "shop", "Forbidden");
    assertTrue(condition(source, "Ready").orElseThrow().getMessage().startsWith("the service account " + ns
        + "/deployer may not delete appdeployments.bcgitops.io in namespace " + ns + " (app api;"),
        condition(source, "Ready").orElseThrow().getMessage());
    operator.awaitReady(ns, "shop", "Succeeded");
    assertEquals(Map.of("web", "1.0"), OperatorHarness.versions(operator.apps(ns)));
  }

  @Test
  void aNameThatIsNoServiceAccountsIsAnInvalidSource() {
    twoApps();
    startOperator(true);

    operator.createSource(ns, "shop", repo.fileUrl(), spec -> spec.setServiceAccountName("../kube-system:admin"));

    GitOpsSource source = operator.awaitReady(ns, "shop", "InvalidSource");
    assertTrue(condition(source, "Ready").orElseThrow().getMessage().startsWith(
        "spec.serviceAccountName: '../kube-system:admin' is not a service account's name"));
    assertEquals(List.of(), operator.apps(ns));
  }

  private static Map<String, Object> forbidden(String user, String verb, String namespace) {
    return Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 403, "reason", "Forbidden",
        "message", "appdeployments.bcgitops.io is forbidden: User \"" + user + "\" cannot " + verb
            + " resource \"appdeployments\" in API group \"bcgitops.io\" in the namespace \"" + namespace + "\"");
  }
}
