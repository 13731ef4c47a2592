package io.bcgitops.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's settings from BCGITOPS_ variables that are not the git limits (OperatorConfigGitTest). */
class OperatorConfigTest {
  @Test
  void aMavenRepositoryWithCredentialsIsRefusedWithoutRepeatingThem() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> OperatorConfig.fromEnvironment(
        Map.of("BCGITOPS_MAVEN_REPOSITORY", "https://deployer:s3cret@nexus.example.com/repository/maven")));

    assertTrue(refused.getMessage().startsWith("BCGITOPS_MAVEN_REPOSITORY must not carry credentials"),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
  }

  @Test
  void aMavenRepositoryMustBeAnHttpUrl() {
    assertEquals("BCGITOPS_MAVEN_REPOSITORY must be an http or https URL, got 'nexus.example.com'",
        assertThrows(IllegalArgumentException.class, () -> OperatorConfig.fromEnvironment(
            Map.of("BCGITOPS_MAVEN_REPOSITORY", "nexus.example.com"))).getMessage());
    assertEquals("https://nexus.example.com/maven", OperatorConfig.fromEnvironment(
        Map.of("BCGITOPS_MAVEN_REPOSITORY", "https://nexus.example.com/maven")).images().mavenRepository());
  }

  @Test
  void theDefaultServiceAccountIsANameOrNone() {
    assertEquals("tenant-writer", OperatorConfig.fromEnvironment(
        Map.of("BCGITOPS_DEFAULT_SERVICE_ACCOUNT", "tenant-writer")).defaultServiceAccount());
    assertEquals(null, OperatorConfig.fromEnvironment(Map.of("BCGITOPS_DEFAULT_SERVICE_ACCOUNT", "")).defaultServiceAccount());
    assertEquals(null, OperatorConfig.fromEnvironment(Map.of()).defaultServiceAccount());
    assertEquals("BCGITOPS_DEFAULT_SERVICE_ACCOUNT must be a service account's name (a DNS-1123 subdomain), got"
        + " 'kube-system:admin'", assertThrows(IllegalArgumentException.class, () -> OperatorConfig.fromEnvironment(
            Map.of("BCGITOPS_DEFAULT_SERVICE_ACCOUNT", "kube-system:admin"))).getMessage());
  }
}
