package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A git repository whose app folders the operator keeps in step with AppDeployments. Its spec and
 * status are read by {@link TolerantJson}: one that does not fit the model is reported, never fatal.
 */
@Group(Api.GROUP)
@Version(Api.VERSION)
// Named, not derived: Fabric8 derives a plural with regular expressions in every constructor, and
// every object the operator reads from the API server is constructed.
@Plural("gitopssources")
@ShortNames({"gs", "gitsrc"})
@Categories(Api.CATEGORY)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".spec.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Revision", jsonPath = ".status.artifact.shortRevision",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Apps", jsonPath = ".status.appCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
// Status is the Ready condition's reason, one word: its message (a sentence, with a revision) is -o wide's.
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// -o wide (priority 1), after Age as kubectl's own wide columns are.
@AdditionalPrinterColumn(name = "Ready Apps", jsonPath = ".status.readyCount",
    type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Suspended", jsonPath = ".spec.suspend",
    type = AdditionalPrinterColumn.Type.BOOLEAN, priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.conditions[?(@.type==\"Ready\")].message",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@ValidationRule(value = "self.metadata.name.size() <= 63",
    message = "the name is the value of the bcgitops.io/source label: at most 63 characters")
// Fields of a newer version are ignored, here as in the spec and status.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(converter = TolerantJson.GitOpsSourceWithSpec.class)
public class GitOpsSource extends CustomResource<GitOpsSourceSpec, GitOpsSourceStatus> implements Namespaced {
  /** Required: an object without one is refused by the API server, not left for the operator to trip on. */
  @Override
  @Required
  @JsonPropertyDescription("The git repository to watch and how its apps are applied.")
  @JsonSerialize(using = TolerantJson.SpecWriter.class)
  public GitOpsSourceSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonDeserialize(using = TolerantJson.GitOpsSourceSpecReader.class)
  public void setSpec(GitOpsSourceSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonPropertyDescription("What the operator last fetched and applied, the apps git asks for and those it rejected.")
  @JsonDeserialize(using = TolerantJson.GitOpsSourceStatusReader.class)
  public void setStatus(GitOpsSourceStatus status) {
    super.setStatus(status);
  }
}
