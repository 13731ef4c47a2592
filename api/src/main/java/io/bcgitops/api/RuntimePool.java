package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One shared JVM of embedded apps (DESIGN.md section 8): the Deployment {@code bcgitops-runtime-<name>}, its
 * Service and its token Secret, sized from the spec; its status says which apps the JVM runs. Written by a user
 * to size a pool, or by the operator with defaults when an embedded app names one that does not exist. Its spec
 * and status are read by {@link TolerantJson}: one that does not fit the model is reported, never fatal.
 */
@Group(Api.GROUP)
@Version(Api.VERSION)
// Named, not derived: Fabric8 derives a plural with regular expressions in every constructor.
@Plural("runtimepools")
@ShortNames("rtp")
@Categories(Api.CATEGORY)
@AdditionalPrinterColumn(name = "Apps", jsonPath = ".status.appCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".status.memoryLimit", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// -o wide (priority 1), after Age as kubectl's own wide columns are.
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".status.pod",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@ValidationRule(value = "self.metadata.name.size() <= 46",
    message = "the name is part of the pool's Deployment name bcgitops-runtime-<name>: at most 46 characters")
// Fields of a newer version are ignored, here as in the spec and status.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(converter = TolerantJson.RuntimePoolWithSpec.class)
public class RuntimePool extends CustomResource<RuntimePoolSpec, RuntimePoolStatus> implements Namespaced {
  @Override
  @JsonPropertyDescription("The shared JVM pool that embedded apps naming it run in; optional: every field has a "
      + "default.")
  @JsonSerialize(using = TolerantJson.SpecWriter.class)
  public RuntimePoolSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonDeserialize(using = TolerantJson.RuntimePoolSpecReader.class)
  public void setSpec(RuntimePoolSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonPropertyDescription("The pool's pod, the apps it runs and its conditions.")
  @JsonDeserialize(using = TolerantJson.RuntimePoolStatusReader.class)
  public void setStatus(RuntimePoolStatus status) {
    super.setStatus(status);
  }
}
