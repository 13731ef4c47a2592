package io.bcgitops.vm;

/**
 * What a vm app's pod is made of.
 *
 * @param operatorImage this project's image: its fetch command downloads the jar in the init container
 * @param jreImage the Java runtime the app's JVM runs on
 * @param mavenRepository where maven sources without a repository of their own are resolved
 */
public record VmImages(String operatorImage, String jreImage, String mavenRepository) {
  public static final VmImages DEFAULTS = new VmImages("bc-gitops-operator:latest", "eclipse-temurin:17-jre",
      "https://repo.maven.apache.org/maven2");
}
