package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type != 'url' || has(self.value)", message = "icon.value: required")
@ValidationRule(value = "self.type != 'base64' || has(self.value) && has(self.mimeType)",
    message = "icon: a base64 icon needs value and mimeType")
@JsonIgnoreProperties(ignoreUnknown = true)
public class Icon {
  /** Constant names are the wire values. */
  public enum Type { url, base64, identicon }

  @Required
  @JsonPropertyDescription("url: an image at value. base64: an image in value, of type mimeType. identicon: "
      + "generated from the app name.")
  private Type type;
  @JsonPropertyDescription("url: the image URL. base64: the image, base64-encoded.")
  private String value;
  @JsonPropertyDescription("base64: the image type, such as image/png.")
  private String mimeType;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public String getMimeType() {
    return mimeType;
  }

  public void setMimeType(String mimeType) {
    this.mimeType = mimeType;
  }
}
