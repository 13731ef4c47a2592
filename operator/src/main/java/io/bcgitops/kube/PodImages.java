package io.bcgitops.kube;

/**
 * The images of the pods the operator makes: a vm app's (the fetch init container and the JRE)
 * and a runtime pool's (host and loader run the operator's image).
 *
 * @param operatorImage this project's image: its fetch command downloads the jar in the init container
 * @param jreImage the Java runtime the app's JVM runs on
 * @param mavenRepository where maven sources without a repository of their own are resolved
 */
public record PodImages(String operatorImage, String jreImage, String mavenRepository) {
  public static final PodImages DEFAULTS = new PodImages("bc-gitops-operator:latest", "eclipse-temurin:17-jre",
      "https://repo.maven.apache.org/maven2");
}
