package io.bcgitops.local;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.controller.OperatorHarness;
import io.bcgitops.controller.TestApps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;

/** GitOpsSources and AppDeployments as the operator writes them, for the local API's tests. */
final class LocalObjects {
  static final String NAMESPACE = "default";

  private LocalObjects() {
  }

  static GitOpsSource source(String name, String url) {
    return OperatorHarness.source(NAMESPACE, name, url, spec -> { });
  }

  static GitOpsSourceStatus fetchedStatus(String shortRevision, int apps, String readyStatus, String message) {
    GitOpsSourceStatus status = new GitOpsSourceStatus();
    status.setArtifact(new GitOpsSourceStatus.Artifact("main@sha1:" + "1".repeat(40), shortRevision,
        Instant.now().toString()));
    status.setAppCount(apps);
    status.getConditions().add(condition(Conditions.READY, readyStatus, message, 1L));
    return status;
  }

  static AppDeployment app(String name, String version) {
    return TestApps.vm(NAMESPACE, name, version, spec -> { });
  }

  static AppDeploymentStatus runningStatus(String version, long observedGeneration) {
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setObservedGeneration(observedGeneration);
    status.setPhase(AppDeploymentStatus.Phase.Running);
    status.setDeployedVersion(version);
    status.setHealth(AppDeploymentStatus.Health.healthy);
    status.getConditions().add(condition(Conditions.READY, "True", "version " + version + " runs",
        observedGeneration));
    return status;
  }

  static Condition condition(String type, String status, String message, long observedGeneration) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason("Succeeded").withMessage(message)
        .withObservedGeneration(observedGeneration).withLastTransitionTime(Instant.now().toString()).build();
  }
}
