package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.Api;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Icon;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.VmConfig;
import io.bcgitops.spec.AppSpec;
import io.bcgitops.spec.Durations;
import io.bcgitops.spec.ParsedApp;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
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

  public static AppDeployment of(ParsedApp app, String sourceName) {
    AppSpec spec = app.spec();
    AppDeployment deployment = new AppDeployment();
    deployment.setMetadata(new ObjectMetaBuilder()
        .withName(spec.name())
        .withLabels(Map.of(Api.SOURCE_LABEL, sourceName))
        .withAnnotations(Map.of(Api.SPEC_FILE_ANNOTATION, app.file()))
        .build());
    AppDeploymentSpec out = new AppDeploymentSpec();
    out.setVersion(spec.version());
    out.setDescription(spec.description());
    out.setIcon(icon(spec));
    out.setSource(source(spec.source()));
    out.setArgs(spec.args());
    out.setEnv(spec.env());
    out.setDependsOn(spec.dependsOn());
    out.setHealth(health(spec.health()));
    out.setIsolation(Isolation.valueOf(spec.isolationOrDefault()));
    out.setVmConfig(vmConfig(spec.vmConfig()));
    out.setRuntime(spec.runtime() == null ? "default" : spec.runtime());
    out.setSuspend(Boolean.TRUE.equals(spec.suspend()));
    deployment.setSpec(out);
    return deployment;
  }

  private static Icon icon(AppSpec spec) {
    if (spec.icon() == null) {
      return null;
    }
    Icon icon = new Icon();
    icon.setType(Icon.Type.valueOf(spec.icon().type()));
    icon.setValue(spec.icon().value());
    icon.setMimeType(spec.icon().mimeType());
    if (icon.getType() == Icon.Type.identicon && icon.getValue() == null) {
      icon.setValue(Identicon.svgBase64(spec.name()));
      icon.setMimeType(Identicon.MIME_TYPE);
    }
    return icon;
  }

  private static AppSource source(AppSpec.Source in) {
    AppSource out = new AppSource();
    out.setType(AppSource.Type.valueOf(in.type()));
    out.setUrl(in.url());
    out.setSha256(in.sha256() == null ? null : in.sha256().toLowerCase(java.util.Locale.ROOT));
    out.setCoordinates(in.coordinates());
    out.setRepository(in.repository());
    out.setImage(in.image());
    out.setMainClass(in.mainClass());
    if (in.secretRef() != null) {
      out.setSecretRef(new LocalObjectReference(in.secretRef().name()));
    }
    return out;
  }

  private static HealthCheck health(AppSpec.Health in) {
    if (in == null) {
      return null;
    }
    HealthCheck out = new HealthCheck();
    out.setType(HealthCheck.Type.valueOf(in.type()));
    if (in.port() != null) {
      out.setPort(in.port());
    }
    out.setPath(in.path());
    if (in.interval() != null) {
      out.setInterval(Durations.format(in.interval()));
    }
    if (in.timeout() != null) {
      out.setTimeout(Durations.format(in.timeout()));
    }
    out.setCommand(in.command());
    out.setClassName(in.className());
    return out;
  }

  private static VmConfig vmConfig(AppSpec.VmConfig in) {
    if (in == null) {
      return null;
    }
    VmConfig out = new VmConfig();
    out.setMemoryLimit(in.memoryLimit());
    out.setSchedulerLimit(in.schedulerLimit());
    out.setNodePrefix(in.nodePrefix());
    out.setExtraArgs(in.extraArgs());
    return out;
  }
}
