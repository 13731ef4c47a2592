package io.bcgitops.local;

import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kubeconfig for the local API: one cluster (its server certificate as certificate authority), user (the
 * token) and context, all named bc-gitops-local.
 */
final class Kubeconfig {
  static final String NAME = "bc-gitops-local";
  private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  private Kubeconfig() {
  }

  /**
   * Writes the file, readable by its owner only (it holds the API's token); it is written whole to a new file
   * first and then moved over {@code file}, so no reader ever sees it half written or with wider permissions.
   */
  static Path write(Path file, URI server, String certificatePem, String token, String namespace)
      throws IOException {
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("server", server.toString());
    cluster.put("certificate-authority-data",
        Base64.getEncoder().encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII)));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", NAME);
    context.put("user", NAME);
    context.put("namespace", namespace);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    config.put("clusters", List.of(named("cluster", cluster)));
    config.put("users", List.of(named("user", Map.of("token", token))));
    config.put("contexts", List.of(named("context", context)));
    config.put("current-context", NAME);
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(partial, YAML.writeValueAsBytes(config));
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return target;
  }

  private static Map<String, Object> named(String kind, Map<String, Object> value) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", NAME);
    entry.put(kind, value);
    return entry;
  }
}
