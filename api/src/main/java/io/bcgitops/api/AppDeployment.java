package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One JVM app, as its spec in git describes it (the bc_gitops app_spec). Its spec and status are
 * read by {@link TolerantJson}: one that does not fit the model is reported, never fatal.
 */
@Group(Api.GROUP)
@Version(Api.VERSION)
// Named, not derived: Fabric8 derives a plural with regular expressions in every constructor, and
// every object the operator reads from the API server is constructed.
@Plural("appdeployments")
@ShortNames({"appdep", "ad"})
@Categories(Api.CATEGORY)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Isolation", jsonPath = ".spec.isolation", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Health", jsonPath = ".status.health", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// -o wide (priority 1), after Age as kubectl's own wide columns are.
@AdditionalPrinterColumn(name = "Deployed", jsonPath = ".status.deployedVersion",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Restarts", jsonPath = ".status.restarts",
    type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.node",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Source", jsonPath = ".metadata.labels.bcgitops\\.io/source",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Suspended", jsonPath = ".spec.suspend",
    type = AdditionalPrinterColumn.Type.BOOLEAN, priority = 1)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
// Fields of a newer version are ignored, here as in the spec and status.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(converter = TolerantJson.AppDeploymentWithSpec.class)
public class AppDeployment extends CustomResource<AppDeploymentSpec, AppDeploymentStatus> implements Namespaced {
  /** Required: an object without one is refused by the API server, not left for the operator to trip on. */
  @Override
  @Required
  @JsonPropertyDescription("The app as its spec in git describes it; the owning GitOpsSource writes it (git is the "
      + "source of truth).")
  @JsonSerialize(using = TolerantJson.SpecWriter.class)
  public AppDeploymentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonDeserialize(using = TolerantJson.AppDeploymentSpecReader.class)
  public void setSpec(AppDeploymentSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonPropertyDescription("What the operator observed: phase, deployed version, health and conditions.")
  @JsonDeserialize(using = TolerantJson.AppDeploymentStatusReader.class)
  public void setStatus(AppDeploymentStatus status) {
    super.setStatus(status);
  }
}
