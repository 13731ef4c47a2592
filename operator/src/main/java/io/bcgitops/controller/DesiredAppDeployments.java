package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.Api;
import io.bcgitops.spec.DesiredState;
import io.bcgitops.spec.ParsedApp;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

  /**
   * The AppDeployments of {@code existing} a source prunes for this desired state: those no valid
   * app names, except where an invalid spec may still stand for them (its name, or its folder,
   * which the AppDeployment's spec-file annotation records): nothing is lost to a typo.
   */
  public static List<AppDeployment> stale(DesiredState desired, Collection<AppDeployment> existing) {
    Set<String> wanted = desired.names().collect(Collectors.toSet());
    Set<String> keepNames = desired.protectedNames();
    Set<String> keepFolders = desired.protectedFolders();
    return existing.stream()
        .filter(app -> !app.isMarkedForDeletion())
        .filter(app -> !wanted.contains(app.getMetadata().getName()))
        .filter(app -> !keepNames.contains(app.getMetadata().getName()))
        .filter(app -> specFile(app) == null || !keepFolders.contains(DesiredState.folderOf(specFile(app))))
        .toList();
  }

  /** The spec file an AppDeployment was made from (its bcgitops.io/spec-file annotation); null when not recorded. */
  public static String specFile(AppDeployment app) {
    Map<String, String> annotations = app.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Api.SPEC_FILE_ANNOTATION);
  }
}
