package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Api;
import io.bcgitops.spec.ParsedApp;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/**
 * Turns a valid app spec into the AppDeployment a source keeps in the cluster. Every field the
 * CRD defaults is written out, so that the object read back equals the one written and an
 * unchanged spec never looks changed.
 */
public final class DesiredAppDeployments {
  private DesiredAppDeployments() {
  }

  /** The file's spec is the AppDeployment's: it was read into the CRD's own type, defaults and all. */
  public static AppDeployment of(ParsedApp app, String sourceName) {
    AppDeployment deployment = new AppDeployment();
    deployment.setMetadata(new ObjectMetaBuilder()
        .withName(app.name())
        .withLabels(Map.of(Api.SOURCE_LABEL, sourceName))
        .withAnnotations(Map.of(Api.SPEC_FILE_ANNOTATION, app.file()))
        .build());
    deployment.setSpec(app.spec());
    return deployment;
  }
}
