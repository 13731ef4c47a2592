package io.bcgitops.controller;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppSource;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.VmConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;

/** AppDeployments for tests: a vm app from a release jar, with an http health check and vm settings. */
public final class TestApps {
  static final String SHA = "a".repeat(64);

  private TestApps() {
  }

  public static AppDeployment vm(String namespace, String name, String version, Consumer<AppDeploymentSpec> customize) {
    AppDeployment app = new AppDeployment();
    app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setVersion(version);
    spec.setIsolation(Isolation.vm);
    AppSource source = new AppSource();
    source.setType(AppSource.Type.release);
    source.setUrl("https://artifacts.example.com/" + name + "-" + version + ".jar");
    source.setSha256(SHA);
    spec.setSource(source);
    HealthCheck health = new HealthCheck();
    health.setType(HealthCheck.Type.http);
    health.setPath("/health");
    spec.setHealth(health);
    VmConfig vm = new VmConfig();
    vm.setMemoryLimit(new IntOrString("256Mi"));
    vm.setSchedulerLimit(1);
    spec.setVmConfig(vm);
    customize.accept(spec);
    app.setSpec(spec);
    return app;
  }
}
