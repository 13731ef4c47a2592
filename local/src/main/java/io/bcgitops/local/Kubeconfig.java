package io.bcgitops.local;

import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.EnumSet;
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
   * Writes the file, readable by its owner only (it holds the API's token) where the file system keeps
   * permissions; it is written whole to a new file first and then moved over {@code file}, so no reader ever sees
   * it half written or with wider permissions.
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
    Path partial = createOwnersOnly(target.getParent(), "." + target.getFileName());
    try {
      Files.write(partial, YAML.writeValueAsBytes(config));
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return target;
  }

  /**
   * A new, empty file in {@code folder} that only its owner may read or write: by POSIX permissions or, where
   * there are none (Windows), by an access control list that names the owner alone. A file system with neither
   * (such as FAT) lets every user read every file: there is nothing to narrow.
   */
  private static Path createOwnersOnly(Path folder, String prefix) throws IOException {
    FileStore store = Files.getFileStore(folder);
    if (store.supportsFileAttributeView(PosixFileAttributeView.class)) {
      return Files.createTempFile(folder, prefix, ".partial",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Path file = Files.createTempFile(folder, prefix, ".partial");
    if (store.supportsFileAttributeView(AclFileAttributeView.class)) {
      AclFileAttributeView acl = Files.getFileAttributeView(file, AclFileAttributeView.class);
      acl.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(acl.getOwner())
          .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build()));
    }
    return file;
  }

  private static Map<String, Object> named(String kind, Map<String, Object> value) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", NAME);
    entry.put(kind, value);
    return entry;
  }
}
