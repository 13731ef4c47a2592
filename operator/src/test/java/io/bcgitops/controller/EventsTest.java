package io.bcgitops.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.testing.FakeKubelet;
import io.bcgitops.testing.ManualClock;
import io.bcgitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubernetes Events: what `kubectl describe` and `kubectl get events` show. */
class EventsTest extends OperatorTestBase {

  List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName())).toList();
  }

  boolean hasEvent(String involvedName, String type, String reason) {
    return events(involvedName).stream().anyMatch(e -> type.equals(e.getType()) && reason.equals(e.getReason()));
  }

  @Test
  void theSameEventTwiceIsOneEventCountedTwice() {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(ns).withUid("uid-1").build());
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC());

    recorder.warning(app, "ChecksumMismatch", "expected aaaa");
    recorder.warning(app, "ChecksumMismatch", "expected aaaa");
    recorder.warning(app, "ArtifactFetchFailed", "404");

    List<Event> events = events("web");
    assertEquals(2, events.size());
    Event mismatch = events.stream().filter(e -> "ChecksumMismatch".equals(e.getReason())).findFirst().orElseThrow();
    assertEquals(2, mismatch.getCount());
    assertEquals("Warning", mismatch.getType());
    assertEquals("bc-gitops-operator", mismatch.getSource().getComponent());
    assertEquals("uid-1", mismatch.getInvolvedObject().getUid());
  }

  @Test
  void seriesOlderThanTheirWindowAreForgottenSoNewMessagesDoNotPileUp() {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(ns).withUid("uid-2").build());
    ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    EventRecorder recorder = new EventRecorder(client, clock);

    for (int version = 1; version <= 5; version++) {
      recorder.normal(app, "Upgrading", "upgrading to " + version);
    }
    assertEquals(5, recorder.rememberedSeries());

    clock.advance(Duration.ofHours(2));
    recorder.normal(app, "Upgrading", "upgrading to 6");

    assertEquals(1, recorder.rememberedSeries());
  }

  @Test
  void aSourceTellsWhatItFetchedAppliedAndPruned() {
    TestRepo repo = TestRepo.create(tmp.resolve("repo"));
    repo.write("apps/db/app.yaml", GitOpsSourceReconcilerTest.app("db", "1.0"));
    repo.write("apps/web/app.yaml", GitOpsSourceReconcilerTest.app("web", "1.0"));
    repo.write("apps/api/app.yaml", GitOpsSourceReconcilerTest.app("api", "1.0"));
    repo.commit("three apps");
    startOperator(true).createSource(ns, "shop", repo.fileUrl(), spec -> { });
    operator.awaitReady(ns, "shop", "Succeeded");

    assertTrue(hasEvent("shop", "Normal", "Fetched"));
    assertTrue(hasEvent("shop", "Normal", "Applied"));
    assertTrue(hasEvent("shop", "Normal", "Succeeded"));

    repo.delete("apps/web");
    repo.write("apps/db/app.yaml", "name: db\nversion: 1.10\n");
    repo.commit("remove web, break db");
    operator.requestReconcile(ns, "shop");
    GitOpsSource broken = operator.awaitReady(ns, "shop", "InvalidAppSpecs");

    await().atMost(OperatorHarness.WAIT).until(() -> hasEvent("shop", "Normal", "Pruned")
        && hasEvent("shop", "Warning", "InvalidAppSpecs"));
    assertTrue(events("shop").stream().filter(e -> "Warning".equals(e.getType()))
        .allMatch(e -> e.getMessage().equals(OperatorHarness.condition(broken, "Ready").orElseThrow().getMessage())));
  }

  @Test
  void anAppTellsItsDeployAndItsFailure() {
    startOperator(false, OperatorHarness.Controllers.ALL);
    FakeKubelet kubelet = new FakeKubelet(client, ns);
    client.resource(TestApps.vm(ns, "web", "1.0", spec -> { })).create();
    kubelet.failFetch("web", "ChecksumMismatch: expected aaaa, got bbbb");

    await().atMost(OperatorHarness.WAIT).until(() -> hasEvent("web", "Normal", "Deploying")
        && hasEvent("web", "Warning", "ChecksumMismatch"));
  }
}
