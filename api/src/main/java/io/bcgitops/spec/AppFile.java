package io.bcgitops.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.Durations;
import io.bcgitops.api.HealthCheck;
import io.bcgitops.api.Icon;
import java.util.Locale;

/**
 * One app as its spec file in git describes it: its name and the spec of the AppDeployment it
 * becomes, read straight into the CRD's own spec type. {@link AppSpecParser} reads it (with the
 * bc_gitops snake_case names too); {@link SpecValidator} checks it.
 */
public final class AppFile extends AppDeploymentSpec {
  /** The AppDeployment's metadata.name: read from the file, never written into a spec. */
  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /**
   * Fills in what a valid file leaves to the operator, once, so that every AppDeployment written
   * from it is the same: an identicon's image, drawn from the name; sha256 in lower case as the
   * jar's digest is compared with it; durations in their fewest parts (60s is written 1m).
   */
  void complete() {
    HealthCheck health = getHealth();
    if (health != null) {
      health.setInterval(Durations.format(health.interval()));
      health.setTimeout(Durations.format(health.timeout()));
    }
    Icon icon = getIcon();
    if (icon != null && icon.getType() == Icon.Type.identicon && icon.getValue() == null) {
      icon.setValue(Identicon.svgBase64(name));
      icon.setMimeType(Identicon.MIME_TYPE);
    }
    if (getSource() != null && getSource().getSha256() != null) {
      getSource().setSha256(getSource().getSha256().toLowerCase(Locale.ROOT));
    }
  }
}
