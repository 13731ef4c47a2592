package io.bcgitops.controller;

import static io.bcgitops.controller.AppDeploymentReconcilerTest.condition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.bcgitops.api.Isolation;
import io.bcgitops.embedded.RuntimePools;
import io.bcgitops.runtime.RuntimeApi;
import io.bcgitops.spec.HttpCredentials;
import io.bcgitops.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An app's download credentials (source.secretRef, DESIGN.md section 8): the Secret must be
 * labelled bcgitops.io/credentials: "true" before anything of it is used; a vm app's init container
 * gets its keys from the Secret itself, an embedded app's loader gets them in the jar request; the
 * values never show in the AppDeployment, the Deployment's args, events or logs.
 */
class ArtifactCredentialsTest extends OperatorTestBase {
  private static final String TOKEN = "pool-token-for-tests";
  private static final String PASSWORD = "s3cr3t-Artifact-pw";
  ScriptedRuntimePool pool;
  FakeKubelet kubelet;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void start() throws Exception {
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    pool = new ScriptedRuntimePool(TOKEN);
    client.resource(new SecretBuilder().withNewMetadata().withName(RuntimePools.tokenSecretName("default"))
        .withNamespace(ns).withLabels(RuntimePools.labels("default")).endMetadata().addToData(RuntimePools.TOKEN_KEY, base64(TOKEN)).build()).create();
    startOperator(false, OperatorHarness.Controllers.ALL, pool);
    kubelet = new FakeKubelet(client, ns);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    pool.close();
  }

  private void createSecret(boolean labelled) {
    client.resource(new SecretBuilder().withNewMetadata().withName("artifact-creds").withNamespace(ns)
        .withLabels(labelled ? Map.of(Api.CREDENTIALS_LABEL, "true") : Map.of()).endMetadata()
        .addToData("username", base64("deployer")).addToData("password", base64(PASSWORD)).build()).create();
  }

  private AppDeployment createApp(String name, Isolation isolation) {
    AppDeployment app = TestApps.vm(ns, name, "1.0", spec -> {
      spec.setIsolation(isolation);
      spec.getSource().setSecretRef(new LocalObjectReference("artifact-creds"));
    });
    return client.resource(app).create();
  }

  private AppDeployment app(String name) {
    return client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
  }

  private AppDeployment awaitReason(String name, String reason) {
    await().atMost(OperatorHarness.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      AppDeployment app = app(name);
      return app != null && app.getStatus() != null
          && condition(app, "Ready").filter(c -> reason.equals(c.getReason())).isPresent();
    });
    return app(name);
  }

  /** The password is nowhere a user or a log reader sees: status, events, the Deployment, the logs. */
  private void assertThePasswordShowsNowhere(String name) {
    String shown = Serialization.asJson(app(name)) + Serialization.asJson(client.v1().events().inNamespace(ns).list())
        + Serialization.asJson(client.apps().deployments().inNamespace(ns).list());
    assertFalse(shown.contains(PASSWORD), shown);
    assertFalse(logs.list.isEmpty(), "the operator logged");
    assertTrue(logs.list.stream().map(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(PASSWORD)),
        "a secret reached the logs");
  }

  /**
   * The attack the label stops: anyone who can push a spec names a Secret of the namespace (the
   * runtime pool's token, a database password) and a URL of their own, and the operator would send
   * its values there. A Secret that is missing or not labelled is used for nothing.
   */
  @Test
  void aVmAppsSecretMustBeLabelledForCredentialsBeforeAPodMayReadIt() {
    createApp("web", Isolation.vm);

    AppDeployment missing = awaitReason("web", "AuthenticationFailed");
    assertEquals(Phase.Failed, missing.getStatus().getPhase());
    assertEquals("Secret 'artifact-creds' named by source.secretRef does not exist in namespace " + ns,
        condition(missing, "Ready").orElseThrow().getMessage());
    assertEquals("True", condition(missing, "Stalled").orElseThrow().getStatus());

    createSecret(false);
    client.resources(AppDeployment.class).inNamespace(ns).withName("web").edit(a -> {
      a.getSpec().setDescription("look again");
      return a;
    });
    await().atMost(OperatorHarness.WAIT).until(() -> condition(app("web"), "Ready").orElseThrow().getMessage()
        .contains("is not labelled"));
    assertEquals("Secret 'artifact-creds' named by source.secretRef is not labelled bcgitops.io/credentials=true,"
        + " which allows its use as credentials: kubectl label secret artifact-creds -n " + ns
        + " bcgitops.io/credentials=true", condition(app("web"), "Ready").orElseThrow().getMessage());
    assertNull(client.apps().deployments().inNamespace(ns).withName("web").get(), "no pod may name the Secret");

    client.secrets().inNamespace(ns).withName("artifact-creds").edit(s -> {
      s.getMetadata().setLabels(Map.of(Api.CREDENTIALS_LABEL, "true"));
      return s;
    });
    client.resources(AppDeployment.class).inNamespace(ns).withName("web").edit(a -> {
      a.getSpec().setDescription("labelled now");
      return a;
    });

    Deployment deployment = kubelet.awaitDeployment("web");
    Container fetch = deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    assertEquals(List.of("BCGITOPS_ARTIFACT_USERNAME", "BCGITOPS_ARTIFACT_PASSWORD", "BCGITOPS_ARTIFACT_BEARER_TOKEN"),
        fetch.getEnv().stream().map(EnvVar::getName).toList());
    assertTrue(fetch.getEnv().stream().allMatch(e -> e.getValue() == null
        && "artifact-creds".equals(e.getValueFrom().getSecretKeyRef().getName())));
    kubelet.rollOut("web");
    awaitReason("web", "Succeeded");
    assertThePasswordShowsNowhere("web");
  }

  @Test
  void anEmbeddedAppsCredentialsGoToItsLoaderInTheJarRequestOnly() {
    createSecret(true);
    createApp("greeter", Isolation.embedded);
    kubelet.startPool(RuntimePools.name("default"));

    AppDeployment running = awaitReason("greeter", "Succeeded");

    assertEquals(Phase.Running, running.getStatus().getPhase());
    RuntimeApi.JarRequest sent = pool.jarRequests.get("greeter/1.0");
    assertEquals(new HttpCredentials("deployer", PASSWORD, null), sent.credentials());
    assertEquals("https://artifacts.example.com/greeter-1.0.jar", sent.url());
    assertFalse(sent.toString().contains(PASSWORD), "a request printed by mistake shows no password: " + sent);
    assertThePasswordShowsNowhere("greeter");
  }

  @Test
  void anEmbeddedAppWithAnUnlabelledSecretFetchesNothing() {
    createSecret(false);
    createApp("greeter", Isolation.embedded);
    kubelet.startPool(RuntimePools.name("default"));

    AppDeployment failed = awaitReason("greeter", "AuthenticationFailed");

    assertEquals(Phase.Failed, failed.getStatus().getPhase());
    assertTrue(condition(failed, "Ready").orElseThrow().getMessage().contains("is not labelled"));
    assertTrue(pool.jarRequests.isEmpty(), "nothing was sent to the loader: " + pool.calls);
    assertThePasswordShowsNowhere("greeter");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
