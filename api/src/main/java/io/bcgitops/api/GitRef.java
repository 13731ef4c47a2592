package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Which revision of the repository to deploy: one of branch (default main), tag, semver or commit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.branch), has(self.tag), has(self.semver), has(self.commit)]"
    + ".filter(x, x).size() <= 1", message = "set at most one of branch, tag, semver and commit")
@JsonIgnoreProperties(ignoreUnknown = true)
public class GitRef {
  @JsonPropertyDescription("The branch to follow. Default main when no ref is set.")
  private String branch;
  @JsonPropertyDescription("A tag to deploy.")
  private String tag;
  /** A range such as ">=1.0.0 <2.0.0", "1.x" or "~1.2": the highest matching tag is deployed. */
  @JsonPropertyDescription("A semver range (\">=1.0.0 <2.0.0\", \"1.x\", \"~1.2\"): the highest matching tag is "
      + "deployed.")
  private String semver;
  @Pattern("^[0-9a-f]{40}$")
  @JsonPropertyDescription("A commit to deploy: 40 hex digits.")
  private String commit;

  public GitRef() {
  }

  public static GitRef branch(String name) {
    GitRef ref = new GitRef();
    ref.setBranch(name);
    return ref;
  }

  public String getBranch() {
    return branch;
  }

  public void setBranch(String branch) {
    this.branch = branch;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }

  public String getSemver() {
    return semver;
  }

  public void setSemver(String semver) {
    this.semver = semver;
  }

  public String getCommit() {
    return commit;
  }

  public void setCommit(String commit) {
    this.commit = commit;
  }
}
