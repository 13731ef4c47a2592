package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** Where the app's jar (or, for vm apps, its image) comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// What each type needs and what only some types use, as SpecValidator says it.
@ValidationRule(value = "self.type != 'release' || has(self.url)", message = "source.url: required")
@ValidationRule(value = "self.type != 'maven' || has(self.coordinates)",
    message = "source.coordinates: required for a maven source (group:artifact[:version])")
@ValidationRule(value = "self.type != 'image' || has(self.image)",
    message = "source.image: required for an image source")
@ValidationRule(value = "self.type == 'release' || !has(self.url)",
    message = "source.url: used only by a release source; remove it")
@ValidationRule(value = "self.type == 'maven' || !has(self.coordinates)",
    message = "source.coordinates: used only by a maven source; remove it")
@ValidationRule(value = "self.type != 'release' || !has(self.repository)",
    message = "source.repository: not used by a release source; remove it")
@ValidationRule(value = "self.type == 'image' || !has(self.image)",
    message = "source.image: used only by an image source; remove it")
@ValidationRule(value = "self.type != 'image' || !has(self.sha256)",
    message = "source.sha256: not used by an image source; remove it")
@ValidationRule(value = "self.type != 'image' || !has(self.mainClass)",
    message = "source.mainClass: not used by an image source; remove it")
@ValidationRule(value = "self.type != 'image' || !has(self.secretRef)",
    message = "source.secretRef: not used by an image source; remove it")
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppSource {
  /** Constant names are the wire values. */
  public enum Type { release, maven, image }

  @Required
  @JsonPropertyDescription("release: a jar at url. maven: a jar from a Maven repository (coordinates). image: a "
      + "container image that runs the app (isolation: vm only).")
  private Type type;
  @JsonPropertyDescription("release: the https (or http) URL of the jar.")
  private String url;
  @Pattern("^[0-9a-fA-F]{64}$")
  @JsonPropertyDescription("The jar's SHA-256 (64 hex digits), verified before it runs (release, maven); a mismatch "
      + "fails the deploy with reason ChecksumMismatch.")
  private String sha256;
  /** group:artifact[:version]; the version defaults to the app's version. */
  @Pattern("^[^:\\s]+:[^:\\s]+(:[^:\\s]+)?$")
  @JsonPropertyDescription("maven: group:artifact[:version]; the version defaults to spec.version.")
  private String coordinates;
  @JsonPropertyDescription("maven: the repository's base URL; the operator's default (BCGITOPS_MAVEN_REPOSITORY, "
      + "else Maven Central) when unset.")
  private String repository;
  @JsonPropertyDescription("image: the container image that runs the app (vm only).")
  private String image;
  @JsonPropertyDescription("The class whose main method starts the app, when the jar's manifest names none "
      + "(release, maven).")
  private String mainClass;
  /**
   * The Secret (same namespace, labelled bcgitops.io/credentials: "true") whose username and
   * password, or bearerToken, a release or maven download presents to its URL's host.
   */
  @JsonPropertyDescription("release, maven: a Secret (same namespace, labelled bcgitops.io/credentials: \"true\") "
      + "whose username and password, or bearerToken, the download presents to the host of the URL.")
  private LocalObjectReference secretRef;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  /** The maven coordinates with a version: group:artifact gets the app's version. */
  public String coordinatesFor(String appVersion) {
    return coordinates.split(":").length == 2 ? coordinates + ":" + appVersion : coordinates;
  }

  public String getCoordinates() {
    return coordinates;
  }

  public void setCoordinates(String coordinates) {
    this.coordinates = coordinates;
  }

  public String getRepository() {
    return repository;
  }

  public void setRepository(String repository) {
    this.repository = repository;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getMainClass() {
    return mainClass;
  }

  public void setMainClass(String mainClass) {
    this.mainClass = mainClass;
  }

  public LocalObjectReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(LocalObjectReference secretRef) {
    this.secretRef = secretRef;
  }
}
