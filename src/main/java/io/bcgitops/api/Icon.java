package io.bcgitops.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
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
  private Type type;
  private String value;
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
