package io.bcgitops.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitRef;
import io.bcgitops.api.Isolation;
import io.bcgitops.controller.BcGitopsOperator;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.controller.ScriptedRuntimePool;
import io.bcgitops.dashboard.Dashboard;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.http.BoundedHttpServer;
import io.bcgitops.http.HttpLimits;
import io.bcgitops.kube.PodImages;
import io.bcgitops.testing.FakeKubelet;
import io.bcgitops.testing.Ports;
import io.bcgitops.testing.TestRepo;
import io.bcgitops.webhook.WebhookReceiver;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Least privilege, checked by observation: the real operator runs against Fabric8's mock API
 * server (CRUD mode, both CRDs registered) through a scenario that takes every path of the code
 * that talks to the API server (see {@link #scenario}); each request the operator's client made is
 * mapped to RBAC's (API group, resource, verb); and the rules deploy/ binds to the operator's
 * ServiceAccount must allow every one of them and allow nothing else.
 */
@EnableKubernetesMockClient(crud = true)
class RbacTest {
  /** One API server per install checked: the scenario starts from an empty cluster. */
  KubernetesMockServer server;
  /** The test's own client: its requests (the "kubelet", the "user") are not the operator's. */
  KubernetesClient client;

  /** The operator's client says so in every request: what tells its requests from the test's. */
  private static final String OPERATOR_AGENT = "bc-gitops-operator-under-rbac-test";
  private static final String NS = "shop";
  private static final String TOKEN = "rbac-test-pool-token";
  private static final String WEBHOOK_SECRET = "bc-gitops-webhook";
  private static final String WEBHOOK_TOKEN = "rbac-test-webhook-token";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Allowed by Kubernetes' default ClusterRoles to every authenticated user, so deploy/ does not
   * grant them: system:basic-user (self reviews: JOSDK asks, before leader election, whether it
   * may use Leases) and system:discovery (non-resource URLs such as /version, /api, /apis).
   */
  private static final Set<String> GRANTED_TO_EVERY_USER = Set.of(
      ApiRequests.Use.key("authorization.k8s.io", "selfsubjectrulesreviews", "create"),
      ApiRequests.Use.key("authorization.k8s.io", "selfsubjectaccessreviews", "create"));

  /**
   * Rules deploy/ grants for code still being written, which the scenario cannot observe yet, each
   * with the reason (key: {@link ApiRequests.Use#key()}, plus " in <namespace>" for a Role's rule).
   * They are not reported as extra rules while unobserved; once observed, the test says the entry
   * can go. Empty now: leader election (leases get, create, update via JOSDK's check, patch),
   * events (create; get and patch for a repeated one) and the webhook Secret are all observed.
   */
  private static final Map<String, String> EXPECTED_SOON = Map.of();

  /** A write the operator's client sent, with its body (the mock server's record of a request loses it). */
  private record Written(String method, String path, String body) {
  }

  private final List<Written> written = java.util.Collections.synchronizedList(new ArrayList<>());

  @TempDir
  Path tmp;

  @Test
  void theRequestsMapToRbacAttributes() {
    assertEquals(new ApiRequests.Use("bcgitops.io", "gitopssources", "watch", null, null),
        ApiRequests.use("GET", "/apis/bcgitops.io/v1alpha1/gitopssources?allowWatchBookmarks=true&watch=true").get());
    assertEquals(new ApiRequests.Use("bcgitops.io", "gitopssources", "list", null, null),
        ApiRequests.use("GET", "/apis/bcgitops.io/v1alpha1/gitopssources?resourceVersion=0").get());
    assertEquals(new ApiRequests.Use("bcgitops.io", "appdeployments/status", "update", "shop", "web"),
        ApiRequests.use("PUT", "/apis/bcgitops.io/v1alpha1/namespaces/shop/appdeployments/web/status").get());
    assertEquals(new ApiRequests.Use("", "secrets", "get", "shop", "git"),
        ApiRequests.use("GET", "/api/v1/namespaces/shop/secrets/git").get());
    assertEquals(new ApiRequests.Use("", "pods", "list", "shop", null),
        ApiRequests.use("GET", "/api/v1/namespaces/shop/pods?labelSelector=bcgitops.io%2Fruntime%3Ddefault").get());
    assertEquals(new ApiRequests.Use("apps", "deployments", "create", "shop", null),
        ApiRequests.use("POST", "/apis/apps/v1/namespaces/shop/deployments").get());
    assertEquals(new ApiRequests.Use("", "events", "patch", "shop", "web.1"),
        ApiRequests.use("PATCH", "/api/v1/namespaces/shop/events/web.1").get());
    assertEquals(new ApiRequests.Use("", "namespaces", "get", null, "shop"),
        ApiRequests.use("GET", "/api/v1/namespaces/shop").get());
    assertEquals(new ApiRequests.Use("coordination.k8s.io", "leases", "delete", "bc-gitops-system", "l"),
        ApiRequests.use("DELETE", "/apis/coordination.k8s.io/v1/namespaces/bc-gitops-system/leases/l").get());
    assertTrue(ApiRequests.use("GET", "/version").isEmpty());
    assertTrue(ApiRequests.use("GET", "/apis/apps/v1").isEmpty());
  }

  /**
   * deploy/ (every namespace, a ClusterRole) and deploy/namespaced/ (the namespaces its Deployment
   * lists, a Role in each): the same scenario, the same verdict.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"deploy", "deploy/namespaced"})
  void theInstallGrantsTheOperatorExactlyWhatItUses(String install) throws Exception {
    DeployManifests manifests;
    if (install.equals("deploy")) {
      manifests = DeployManifests.load();
    } else {
      assumeTrue(DeployManifests.kubectl().isPresent(), "kubectl is not on the PATH: " + install
          + " is a kustomize overlay, which only kustomize renders");
      manifests = DeployManifests.rendered(Path.of(install));
    }
    List<Rbac.Rule> rules = Rbac.rulesOf(manifests, DeployManifests.NAMESPACE, DeployManifests.SERVICE_ACCOUNT);
    assertTrue(rules.stream().noneMatch(Rbac.Rule::usesWildcard),
        "least privilege: no wildcard in a rule, found " + rules.stream().filter(Rbac.Rule::usesWildcard).toList());

    List<RecordedRequest> requests = scenario(rules, watchedNamespaces(manifests));

    List<ApiRequests.Use> uses = new ArrayList<>();
    Set<String> nonResource = new TreeSet<>();
    for (RecordedRequest request : requests) {
      String impersonated = request.getHeader("Impersonate-User");
      if (impersonated != null) {
        // Allowed or not by the impersonated account's RBAC (the tenant's), not by the operator's:
        // the operator's is asked only whether it may impersonate that account.
        String[] account = impersonated.split(":"); // system:serviceaccount:namespace:name
        uses.add(new ApiRequests.Use("", "serviceaccounts", "impersonate", account[2], account[3]));
        continue;
      }
      ApiRequests.use(request.getMethod(), request.getPath()).ifPresentOrElse(uses::add,
          () -> nonResource.add(request.getMethod() + " " + request.getPath().replaceFirst("\\?.*", "")));
    }
    uses.addAll(ownerFinalizerUses());
    uses.addAll(leaseCheckUses());
    Set<String> observed = uses.stream().map(ApiRequests.Use::key).collect(Collectors.toCollection(TreeSet::new));
    System.out.println("RbacTest: the operator made " + requests.size() + " requests; (group, resource, verb) used:\n  "
        + String.join("\n  ", observed) + (nonResource.isEmpty() ? "" : "\n  non-resource: " + nonResource));

    // Every request is allowed.
    Set<String> denied = new TreeSet<>();
    for (ApiRequests.Use use : uses) {
      if (!GRANTED_TO_EVERY_USER.contains(use.key()) && rules.stream().noneMatch(r -> r.grants(use))) {
        denied.add(use.key() + (use.namespace() == null ? "" : " in namespace " + use.namespace())
            + (use.name() == null ? "" : " (" + use.name() + ")"));
      }
    }
    // Nothing else is granted.
    Set<String> unused = new TreeSet<>();
    Set<String> expectedSoon = new TreeSet<>();
    Set<String> nowObserved = new TreeSet<>();
    for (Rbac.Rule rule : rules) {
      for (String key : rule.keys()) {
        Predicate<ApiRequests.Use> matches = use -> use.key().equals(key) && rule.grants(use);
        String allowKey = rule.namespace() == null ? key : key + " in " + rule.namespace();
        boolean used = uses.stream().anyMatch(matches);
        String why = EXPECTED_SOON.containsKey(allowKey) ? EXPECTED_SOON.get(allowKey) : EXPECTED_SOON.get(key);
        if (used && why != null) {
          nowObserved.add(allowKey + " (" + why + ")");
        } else if (!used && why != null) {
          expectedSoon.add(allowKey + " (" + why + ")");
        } else if (!used) {
          unused.add(key + "    from " + rule);
        }
      }
    }
    if (!expectedSoon.isEmpty()) {
      System.out.println("RbacTest: granted but not observed yet, allowed as expected from code in progress:\n  "
          + String.join("\n  ", expectedSoon));
    }
    if (!nowObserved.isEmpty()) {
      System.out.println("RbacTest: now observed, so their EXPECTED_SOON entries can go:\n  "
          + String.join("\n  ", nowObserved));
    }
    if (!denied.isEmpty() || !unused.isEmpty()) {
      fail("deploy/ RBAC does not match what the operator uses (" + manifests.origin + ").\n"
          + (denied.isEmpty() ? "" : "Used but not granted:\n  " + String.join("\n  ", denied) + "\n")
          + (unused.isEmpty() ? "" : "Granted but never used:\n  " + String.join("\n  ", unused) + "\n")
          + "Observed: " + observed);
    }
  }

  /** BCGITOPS_NAMESPACES as the install's Deployment sets it: empty, every namespace. */
  private static Set<String> watchedNamespaces(DeployManifests manifests) {
    JsonNode env = manifests.get("Deployment", DeployManifests.SERVICE_ACCOUNT).at("/spec/template/spec/containers/0/env");
    for (JsonNode variable : env) {
      if (variable.path("name").asText().equals("BCGITOPS_NAMESPACES")) {
        return Arrays.stream(variable.path("value").asText().split(",")).map(String::strip).filter(n -> !n.isEmpty())
            .collect(Collectors.toSet());
      }
    }
    return Set.of();
  }

  /**
   * Setting an ownerReference with blockOwnerDeletion needs "update" on the owner's finalizers
   * subresource where the OwnerReferencesPermissionEnforcement admission plugin is on (OpenShift,
   * hardened clusters): no request asks for it, the create or update carrying the reference does.
   */
  private List<ApiRequests.Use> ownerFinalizerUses() throws Exception {
    Map<String, String[]> kinds = new TreeMap<>();
    for (Path file : crdFiles()) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        kinds.put(crd.getSpec().getNames().getKind(),
            new String[] {crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural()});
      }
    }
    List<ApiRequests.Use> uses = new ArrayList<>();
    for (Written write : List.copyOf(written)) {
      if (!write.body().contains("blockOwnerDeletion")) {
        continue;
      }
      String namespace = ApiRequests.use(write.method(), write.path()).map(ApiRequests.Use::namespace).orElse(null);
      for (JsonNode owners : JSON.readTree(write.body()).findValues("ownerReferences")) {
        for (JsonNode owner : owners) {
          if (owner.path("blockOwnerDeletion").asBoolean(false)) {
            String kind = owner.path("kind").asText();
            String apiVersion = owner.path("apiVersion").asText();
            String[] groupPlural = kinds.getOrDefault(kind, new String[] {
                apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "",
                kind.toLowerCase(java.util.Locale.ROOT) + "s"});
            uses.add(new ApiRequests.Use(groupPlural[0], groupPlural[1] + "/finalizers", "update", namespace,
                owner.path("name").asText()));
          }
        }
      }
    }
    return uses;
  }

  /**
   * Before it runs for leadership JOSDK asks (a SelfSubjectRulesReview of the Lease's namespace)
   * and refuses to start unless it may get, create and update Leases there
   * (io.javaoperatorsdk.operator.LeaderElectionManager#checkLeaseAccess), although Fabric8's
   * LeaseLock then renews with a patch: "update" is used through that check.
   */
  private List<ApiRequests.Use> leaseCheckUses() throws Exception {
    List<ApiRequests.Use> uses = new ArrayList<>();
    for (Written write : List.copyOf(written)) {
      if (write.path().endsWith("/selfsubjectrulesreviews")) {
        String namespace = JSON.readTree(write.body()).path("spec").path("namespace").asText();
        for (String verb : List.of("get", "create", "update")) {
          uses.add(new ApiRequests.Use("coordination.k8s.io", "leases", verb, namespace, null));
        }
      }
    }
    return uses;
  }

  /**
   * Runs the operator as deployed (every namespace, leader election on, its own namespace
   * bc-gitops-system) through everything it does to the API server, and returns the requests it
   * made, oldest first:
   * <ul>
   *   <li>a GitOpsSource with a secretRef (file URL) makes a vm app, an embedded app, and an app
   *       whose name an AppDeployment nobody manages already has (create refused, read, reported);
   *   <li>the first read of the source's Secret is refused (the source's error status);
   *   <li>the vm app's Deployment rolls out, its pod becomes unready and ready again (the same
   *       event twice); the embedded app's runtime pool (Secret, Service, NetworkPolicy and
   *       Deployment; the Secret, from an earlier version, is read by name and completed, the Service
   *       exists already, the NetworkPolicy was widened by hand and is put back) starts and the app
   *       runs in it; an AppDeployment for a second runtime whose Deployment exists already,
   *       unlabelled (create refused, read);
   *   <li>a hand edit of a managed AppDeployment is reverted; a commit upgrades the vm app and
   *       removes the embedded one (prune, pool removed), and a push webhook announces it (the
   *       webhook Secret read, the sources listed and annotated);
   *   <li>the source, then the apps are deleted (finalizers);
   *   <li>all along, the operator elects itself leader (a Lease in bc-gitops-system) and renews it.
   * </ul>
   */
  private List<RecordedRequest> scenario(List<Rbac.Rule> rules, Set<String> watched) throws Exception {
    OperatorHarness.registerCrds(client);
    answerSelfSubjectRulesReviews(rules);
    answerDashboardReviews();
    // What exists before the operator starts.
    client.resource(new SecretBuilder().withNewMetadata().withName("shop-git").withNamespace(NS)
        .addToLabels(Api.CREDENTIALS_LABEL, "true").endMetadata()
        .addToData("username", base64("git")).addToData("password", base64("secret")).build()).create();
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName("default"))
        .withNamespace(NS).withLabels(RuntimePools.labels("default")).endMetadata()
        .addToData(RuntimePools.TOKEN_KEY, base64(TOKEN)).build()).create();
    client.resource(new ServiceBuilder(RuntimePools.service(RuntimePools.withDefaults(NS, "default"))).editMetadata()
        .withOwnerReferences().endMetadata().build()).create();
    // The pool's NetworkPolicy, widened by hand to admit everyone: put back (update).
    client.resource(new NetworkPolicyBuilder(RuntimePools.networkPolicy(RuntimePools.withDefaults(NS, "default"),
        DeployManifests.NAMESPACE)).editMetadata().withOwnerReferences().endMetadata().editSpec().addNewIngress()
        .endIngress().endSpec().build()).create();
    // A pool's Deployment as an earlier version wrote it: labelled, owned by no RuntimePool. The pool adopts it.
    client.resource(new DeploymentBuilder().withNewMetadata().withName(RuntimePools.name("legacy")).withNamespace(NS)
        .withLabels(RuntimePools.labels("legacy")).endMetadata().withNewSpec().withReplicas(1).endSpec().build())
        .create();
    client.resource(appDeployment("taken", "9.9", Isolation.vm, "default", true)).create();
    client.resource(new SecretBuilder().withNewMetadata().withName(WEBHOOK_SECRET)
        .withNamespace(DeployManifests.NAMESPACE).endMetadata().addToData("token", base64(WEBHOOK_TOKEN)).build())
        .create();
    // The operator's first read of the source's Secret is refused: the reconcile fails, and the
    // source gets its error status. (A 5xx would not do: the client retries those.)
    server.expect().get().withPath("/api/v1/namespaces/" + NS + "/secrets/shop-git")
        .andReturn(403, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 403,
            "reason", "Forbidden", "message", "secrets \"shop-git\" is forbidden (once, by the test)"))
        .once();

    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/web/app.yaml", vmApp("1.0"));
    repo.write("apps/greeter/app.yaml", embeddedApp("1.0"));
    repo.write("apps/taken/app.yaml", vmApp("1.0").replace("name: web", "name: taken"));
    repo.commit("web, greeter, taken");

    List<RecordedRequest> requests = new ArrayList<>();
    try (ScriptedRuntimePool pool = new ScriptedRuntimePool(TOKEN);
        KubernetesClient operatorClient = server.createClient(b -> b
            .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build())
            .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("rbac-test", new Interceptor() {
              @Override
              public void before(BasicBuilder builder, io.fabric8.kubernetes.client.http.HttpRequest request,
                  RequestTags tags) {
                String body = bodyOf(request);
                if (body != null) {
                  written.add(new Written(request.method(), request.uri().getRawPath(), body));
                }
              }
            })))) {
      OperatorConfig config = new OperatorConfig(watched, tmp.resolve("cache"), true, PodImages.DEFAULTS, pool,
          new OperatorConfig.Service(Ports.free(), Ports.free(), Ports.free(), DeployManifests.NAMESPACE, true, WEBHOOK_SECRET, false));
      Operator operator = BcGitopsOperator.create(operatorClient, config);
      // The operator command serves webhooks next to the operator, with the same client.
      WebhookReceiver receiver = new WebhookReceiver(operatorClient, config.namespaces(),
          config.service().ownNamespace(), config.service().webhookSecret()).start();
      BoundedHttpServer hooks = new BoundedHttpServer("hooks", new InetSocketAddress("127.0.0.1", 0),
          HttpLimits.WEBHOOKS, receiver).start();
      operator.start();
      try (receiver) {
        GitOpsSource source = new GitOpsSource();
        source.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace(NS).build());
        GitOpsSourceSpec spec = new GitOpsSourceSpec();
        spec.setUrl(repo.fileUrl());
        spec.setRef(GitRef.branch("main"));
        spec.setSecretRef(new LocalObjectReference("shop-git"));
        source.setSpec(spec);
        client.resource(source).create();

        FakeKubelet kubelet = new FakeKubelet(client, NS);
        kubelet.rollOut("web");
        awaitApp("web", a -> a.getStatus().getPhase() == Phase.Running);
        // The pod stops passing its health check, then passes again: the same event twice (a patch of the first).
        kubelet.crashAndRestart("web");
        awaitApp("web", a -> a.getStatus().getPhase() != Phase.Running);
        kubelet.rollOut("web");
        awaitApp("web", a -> a.getStatus().getPhase() == Phase.Running);
        awaitApp("greeter", a -> a.getStatus().getPhase() == Phase.Deploying);
        kubelet.startPool(RuntimePools.name("default"));
        awaitApp("greeter", a -> a.getStatus().getPhase() == Phase.Running);
        await().atMost(WAIT).until(() -> source().getStatus() != null && source().getStatus().getInvalidApps() != null
            && source().getStatus().getInvalidApps().stream().anyMatch(i -> i.getError().contains("taken")));

        // A tenant's source whose AppDeployments are written as its service account.
        TestRepo tenantRepo = TestRepo.create(tmp.resolve("tenant-repo"));
        tenantRepo.write("apps/batch/app.yaml", vmApp("1.0").replace("name: web", "name: batch")).commit("batch");
        GitOpsSource tenant = new GitOpsSource();
        tenant.setMetadata(new ObjectMetaBuilder().withName("tenant").withNamespace(NS).build());
        GitOpsSourceSpec tenantSpec = new GitOpsSourceSpec();
        tenantSpec.setUrl(tenantRepo.fileUrl());
        tenantSpec.setServiceAccountName("deployer");
        tenant.setSpec(tenantSpec);
        client.resource(tenant).create();
        await().atMost(WAIT).until(() -> app("batch") != null);

        client.resource(appDeployment("legacy", "1.0", Isolation.embedded, "legacy", false)).create();
        awaitApp("legacy", a -> a.getStatus().getPhase() == Phase.Deploying);

        // The dashboard: a viewer's token (TokenReview), what they may see (SubjectAccessReviews), an app's events.
        try (Dashboard dashboard = Dashboard.inCluster(new InetSocketAddress("127.0.0.1", 0), operator,
            operatorClient).start()) {
          HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + dashboard.port() + "/api/apps/" + NS + "/web"))
              .header("Authorization", "Bearer viewer-token").build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, page.statusCode(), page.body());
          assertTrue(page.body().contains("\"events\":["), page.body());
        }

        // A hand edit of a managed app is put back.
        client.resources(AppDeployment.class).inNamespace(NS).withName("web").edit(a -> {
          a.getSpec().setVersion("0.9");
          return a;
        });
        await().atMost(WAIT).until(() -> "1.0".equals(app("web").getSpec().getVersion()));

        // An upgrade and a prune, announced by a push webhook (GitLab's: a shared token).
        repo.write("apps/web/app.yaml", vmApp("1.1"));
        repo.delete("apps/greeter");
        repo.commit("upgrade web, remove greeter");
        HttpResponse<String> delivery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hooks.port() + WebhookReceiver.PATH + "gitlab"))
            .header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", WEBHOOK_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\","
                + "\"project\":{\"git_http_url\":\"" + repo.fileUrl() + "\"}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, delivery.statusCode(), delivery.body());
        await().atMost(WAIT).until(() -> app("greeter") == null);
        await().atMost(WAIT).until(() -> deployment(RuntimePools.name("default")) == null);
        await().atMost(WAIT).until(() -> "1.1".equals(versionOf(deployment("web"))));
        kubelet.rollOut("web");
        awaitApp("web", a -> a.getStatus().getPhase() == Phase.Running && "1.1".equals(a.getStatus().getDeployedVersion()));

        // Deletions: the source (its finalizer), then the apps a cluster's garbage collector would delete.
        client.resources(AppDeployment.class).inNamespace(NS).withName("legacy").delete();
        await().atMost(WAIT).until(() -> app("legacy") == null && deployment(RuntimePools.name("legacy")) == null);
        client.resources(GitOpsSource.class).inNamespace(NS).withName("shop").delete();
        client.resources(GitOpsSource.class).inNamespace(NS).withName("tenant").delete();
        await().atMost(WAIT).until(() -> source() == null);
        client.resources(AppDeployment.class).inNamespace(NS).withName("batch").delete();
        client.resources(AppDeployment.class).inNamespace(NS).withName("web").delete();
        client.resources(AppDeployment.class).inNamespace(NS).withName("taken").delete();
        await().atMost(WAIT).until(() -> app("web") == null && app("taken") == null && deployment("web") == null
            && app("batch") == null && deployment("batch") == null);
        // The leader has renewed its Lease at least once (a patch), however quickly the rest went.
        await().atMost(WAIT).until(() -> {
          var lease = client.leases().inNamespace(DeployManifests.NAMESPACE).withName(BcGitopsOperator.LEASE_NAME)
              .get();
          return lease != null && lease.getSpec().getRenewTime() != null
              && !lease.getSpec().getRenewTime().equals(lease.getSpec().getAcquireTime());
        });
      } finally {
        hooks.close();
        operator.stop();
      }
    }
    RecordedRequest request;
    while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      if (OPERATOR_AGENT.equals(request.getHeader("User-Agent"))) {
        requests.add(request);
      }
    }
    return requests;
  }

  /**
   * JOSDK asks before it runs for a Lease whether it may (a SelfSubjectRulesReview); CRUD mode
   * would echo the review with no status. The answer is what deploy/ grants in that namespace.
   */
  private void answerSelfSubjectRulesReviews(List<Rbac.Rule> rules) {
    SelfSubjectRulesReviewBuilder review = new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
        .endStatus();
    for (Rbac.Rule rule : rules) {
      if (rule.namespace() == null || rule.namespace().equals(DeployManifests.NAMESPACE)) {
        review.editStatus().addToResourceRules(new ResourceRuleBuilder().withApiGroups(List.copyOf(rule.apiGroups()))
            .withResources(List.copyOf(rule.resources())).withVerbs(List.copyOf(rule.verbs()))
            .withResourceNames(List.copyOf(rule.resourceNames())).build()).endStatus();
      }
    }
    SelfSubjectRulesReview answer = review.build();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, answer).always();
  }

  /** The API server's answers to the dashboard's reviews (CRUD mode would echo them with no status): one viewer. */
  private void answerDashboardReviews() {
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201, Map.of(
        "apiVersion", "authentication.k8s.io/v1", "kind", "TokenReview", "status", Map.of("authenticated", true,
            "user", Map.of("username", "viewer", "groups", List.of("system:authenticated"))))).always();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReturn(201, Map.of(
        "apiVersion", "authorization.k8s.io/v1", "kind", "SubjectAccessReview", "status", Map.of("allowed", true)))
        .always();
  }

  private List<Path> crdFiles() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".bcgitops.io.yaml")).sorted().toList();
    }
  }

  private String vmApp(String version) {
    return "name: web\nversion: \"" + version + "\"\nsource:\n  type: release\n  url: https://artifacts.example.com/web.jar\n"
        + "isolation: vm\nhealth:\n  type: http\n  port: 8080\n  path: /health\n";
  }

  private String embeddedApp(String version) {
    return "name: greeter\nversion: \"" + version + "\"\nsource:\n  type: release\n"
        + "  url: https://artifacts.example.com/greeter.jar\nenv:\n  GREETING: hi\n";
  }

  private AppDeployment appDeployment(String name, String version, Isolation isolation, String runtime,
      boolean suspend) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    spec.setIsolation(isolation);
    spec.setRuntime(runtime);
    spec.setSuspend(suspend);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl("https://artifacts.example.com/" + name + ".jar");
    spec.setSource(source);
    app.setSpec(spec);
    return app;
  }

  private GitOpsSource source() {
    return client.resources(GitOpsSource.class).inNamespace(NS).withName("shop").get();
  }

  private AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(NS).withName(name).get();
  }

  private void awaitApp(String name, Predicate<AppDeployment> condition) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      AppDeployment app = app(name);
      return app != null && app.getStatus() != null && condition.test(app);
    });
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private String versionOf(Deployment deployment) {
    return deployment == null ? null
        : deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(Api.VERSION_ANNOTATION);
  }

  private String bodyOf(io.fabric8.kubernetes.client.http.HttpRequest request) {
    if (request instanceof StandardHttpRequest standard) {
      StandardHttpRequest.BodyContent body = standard.body();
      if (body instanceof StandardHttpRequest.StringBodyContent text) {
        return text.getContent();
      }
      if (body instanceof StandardHttpRequest.ByteArrayBodyContent bytes) {
        return new String(bytes.getContent(), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

}
