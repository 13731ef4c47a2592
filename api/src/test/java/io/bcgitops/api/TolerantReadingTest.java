package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bcgitops.api.AppDeploymentStatus.Phase;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Objects that do not fit the model are read, never refused: a spec becomes a stand-in with the
 * errors and the stored JSON; a status keeps what can be read; fields of a newer version are ignored.
 */
class TolerantReadingTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static AppDeployment app(String spec) {
    return app(spec, "{}");
  }

  private static AppDeployment app(String spec, String status) {
    return JSON.unmarshal("{\"apiVersion\": \"bcgitops.io/v1alpha1\", \"kind\": \"AppDeployment\","
        + " \"metadata\": {\"name\": \"web\"}" + (spec == null ? "" : ", \"spec\": " + spec)
        + ", \"status\": " + status + "}", AppDeployment.class);
  }

  private static String spec(String extra) {
    return "{\"version\": \"1.0\", \"source\": {\"type\": \"maven\", \"coordinates\": \"g:a\"}" + extra + "}";
  }

  @Test
  void aSpecThatFitsIsReadWhole() {
    AppDeployment app = app(spec(", \"vmConfig\": {\"memoryLimit\": 256}"));

    assertEquals(List.of(), app.getSpec().readErrors());
    assertEquals(new IntOrString(256), app.getSpec().getVmConfig().getMemoryLimit());
    assertEquals(Isolation.embedded, app.getSpec().getIsolation());
  }

  @Test
  void eachValueThatCannotBeReadIsNamedWithWhatWasFound() {
    AppDeployment app = app(spec(", \"isolation\": \"bogus\", \"health\": {\"type\": \"http\", \"port\": \"eighty\"},"
        + " \"args\": [\"-v\", {\"x\": 1}], \"env\": [\"A=1\"], \"suspend\": \"perhaps\","
        + " \"vmConfig\": {\"memoryLimit\": 2.5}"));

    assertEquals(List.of("spec.isolation: 'bogus' is not one of embedded, vm",
        "spec.health.port: 'eighty' is not an integer",
        "spec.args[1]: a mapping is not a string",
        "spec.env: a list is not a mapping",
        "spec.suspend: 'perhaps' is not true or false",
        "spec.vmConfig.memoryLimit: 2.5 is not an integer or a string"), app.getSpec().readErrors());
    // Nothing of it is used: no isolation, no version, no source.
    assertNull(app.getSpec().getIsolation());
    assertNull(app.getSpec().getVersion());
    assertNull(app.getSpec().getSource());
  }

  /** JOSDK hands out copies made through JSON, and a status write carries the spec: both keep it as stored. */
  @Test
  void anUnreadableSpecIsWrittenAsItWasStored() {
    String stored = spec(", \"isolation\": \"bogus\", \"sidecars\": [\"proxy\"]");
    AppDeployment app = app(stored);

    AppDeployment copy = JSON.clone(app);

    assertEquals(app.getSpec().readErrors(), copy.getSpec().readErrors());
    assertEquals(JSON.unmarshal(stored, JsonNode.class), JSON.convertValue(copy, JsonNode.class).get("spec"));
  }

  @Test
  void aSpecThatIsNotAMappingOrIsMissing() {
    assertEquals(List.of("spec: a string is not a mapping"), app("\"main\"").getSpec().readErrors());
    assertEquals(List.of("spec: required"), app("null").getSpec().readErrors());
    assertEquals(List.of("spec: required"), app(null).getSpec().readErrors());
    assertEquals(List.of("spec: required"), JSON.clone(app(null)).getSpec().readErrors());
  }

  @Test
  void fieldsOfANewerVersionAreIgnored() {
    AppDeployment app = JSON.unmarshal("""
        {"apiVersion": "bcgitops.io/v1alpha1", "kind": "AppDeployment", "metadata": {"name": "web"},
         "spec": {"version": "1.0", "sidecars": [{"name": "proxy"}],
                  "source": {"type": "maven", "coordinates": "g:a", "signature": "x"},
                  "health": {"type": "tcp", "grace": "5s"}, "vmConfig": {"gpus": 1}, "icon": {"type": "url", "alt": "x"}},
         "status": {"phase": "Running", "shards": 3, "conditions": [{"type": "Ready", "status": "True", "since": 1}]},
         "rollout": {"strategy": "canary"}}
        """, AppDeployment.class);
    GitOpsSource source = JSON.unmarshal("""
        {"apiVersion": "bcgitops.io/v1alpha1", "kind": "GitOpsSource", "metadata": {"name": "shop"},
         "spec": {"url": "https://example.com/shop.git", "ref": {"branch": "main", "depth": 1}, "verify": {}},
         "status": {"artifact": {"revision": "main@sha1:x", "size": 1}, "apps": [{"name": "web", "digest": "x"}],
                    "invalidApps": [{"file": "f", "error": "e", "line": 3}], "mirrors": []}}
        """, GitOpsSource.class);

    assertEquals(List.of(), app.getSpec().readErrors());
    assertEquals(Phase.Running, app.getStatus().getPhase());
    assertEquals(List.of(), source.getSpec().readErrors());
    assertEquals("main", source.getSpec().getRef().getBranch());
    assertEquals("web", source.getStatus().getApps().get(0).getName());
  }

  /** A status is the operator's own report, written again at its next reconcile: what cannot be read is left out. */
  @Test
  void aStatusKeepsWhatCanBeRead() {
    AppDeployment app = app(spec(""), "{\"phase\": \"Hibernating\", \"deployedVersion\": \"1.0\", \"restarts\": \"many\"}");

    assertNull(app.getStatus().getPhase());
    assertNull(app.getStatus().getRestarts());
    assertEquals("1.0", app.getStatus().getDeployedVersion());
    assertEquals(List.of(), app.getSpec().readErrors());
  }

  @Test
  void aGitOpsSourceSpecThatCannotBeRead() {
    GitOpsSource source = JSON.unmarshal("{\"apiVersion\": \"bcgitops.io/v1alpha1\", \"kind\": \"GitOpsSource\","
        + " \"metadata\": {\"name\": \"shop\"}, \"spec\": {\"url\": \"https://example.com/shop.git\", \"ref\": \"main\","
        + " \"prune\": \"sometimes\"}}", GitOpsSource.class);

    assertEquals(List.of("spec.ref: a string is not a mapping", "spec.prune: 'sometimes' is not true or false"),
        source.getSpec().readErrors());
    assertNull(source.getSpec().getUrl(), "nothing of it is used");
  }

  /** Each unreadable value costs a pass over the object: a hostile one is cut short. */
  @Test
  void theErrorsOfOneObjectAreBounded() {
    StringBuilder args = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      args.append(i == 0 ? "" : ",").append("{}");
    }
    long started = System.nanoTime();

    AppDeployment app = app(spec(", \"args\": [" + args + "]"));

    assertEquals(16, app.getSpec().readErrors().size());
    assertTrue(app.getSpec().readErrors().get(15).startsWith("spec.args[15]: a mapping is not a string"));
    assertTrue(System.nanoTime() - started < 5_000_000_000L, "read in well under 5 s");
  }

  @Test
  void aValueThatMayBeASecretIsNamedByItsShapeOnly() {
    AppDeployment app = JSON.unmarshal("{\"apiVersion\":\"bcgitops.io/v1alpha1\",\"kind\":\"AppDeployment\","
        + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"version\":\"1\",\"source\":{\"type\":\"maven\","
        + "\"coordinates\":\"a:b\"},\"env\":{\"DB_PASSWORD\":{\"value\":\"hunter2-s3cret\"}},"
        + "\"args\":[\"--token\",{\"value\":\"t0ken-s3cret\"}]}}", AppDeployment.class);

    assertEquals(List.of("spec.env.DB_PASSWORD: a mapping is not a string", "spec.args[1]: a mapping is not a string"),
        app.getSpec().readErrors());
  }
}
