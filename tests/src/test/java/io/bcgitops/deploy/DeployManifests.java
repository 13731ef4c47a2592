package io.bcgitops.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The objects of the kustomize base in deploy/: rendered by {@code kubectl kustomize deploy/} when
 * kubectl is on the PATH, or read from the files its kustomization.yaml lists (and those of the
 * kustomizations it lists, such as ../crds/Kustomization).
 */
final class DeployManifests {
  /** The install that watches every namespace. */
  static final Path BASE = Path.of("deploy");
  /** The install with no cluster-wide permission, a Role in each namespace it watches. */
  static final Path NAMESPACED = Path.of("deploy", "namespaced");
  static final String NAMESPACE = "bc-gitops-system";
  static final String SERVICE_ACCOUNT = "bc-gitops-operator";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<JsonNode> objects;
  /** How the objects were read, for messages. */
  final String origin;

  private DeployManifests(List<JsonNode> objects, String origin) {
    this.objects = objects;
    this.origin = origin;
  }

  /** kubectl's rendering when kubectl is there, else the files. */
  static DeployManifests load() {
    return kubectl().isPresent() ? rendered() : files();
  }

  /** The objects {@code kubectl kustomize deploy/} prints; kubectl must be on the PATH. */
  static DeployManifests rendered() {
    return rendered(BASE);
  }

  /** The objects {@code kubectl kustomize <dir>} prints; kubectl must be on the PATH. */
  static DeployManifests rendered(Path dir) {
    Path kubectl = kubectl().orElseThrow(() -> new IllegalStateException("kubectl is not on the PATH"));
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60s");
        }
        if (process.exitValue() != 0) {
          throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "): "
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new DeployManifests(parse(Files.readString(out, StandardCharsets.UTF_8)), "kubectl kustomize " + dir + "/");
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The objects of the files deploy/kustomization.yaml lists, following the kustomizations it lists. */
  static DeployManifests files() {
    List<JsonNode> objects = new ArrayList<>();
    readKustomization(BASE, objects);
    return new DeployManifests(objects, "the files deploy/kustomization.yaml lists");
  }

  /** The kustomization file of a folder, by the names kustomize reads (crds/ has the one kubectl apply -f skips). */
  static Path kustomization(Path dir) {
    return Stream.of("kustomization.yaml", "kustomization.yml", "Kustomization").map(dir::resolve)
        .filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new AssertionError(dir + " has no kustomization file"));
  }

  private static void readKustomization(Path dir, List<JsonNode> into) {
    try {
      JsonNode kustomization = YAML.readTree(kustomization(dir).toFile());
      for (JsonNode resource : kustomization.path("resources")) {
        Path path = dir.resolve(resource.asText()).normalize();
        if (Files.isDirectory(path)) {
          readKustomization(path, into);
        } else {
          into.addAll(parse(Files.readString(path, StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          objects.add(doc);
        }
      }
    }
    return objects;
  }

  static Optional<Path> kubectl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The one object of this kind, namespace and name; fails the test when there is none. */
  JsonNode get(String kind, String namespace, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())
        && namespace.equals(o.path("metadata").path("namespace").asText())).findFirst()
        .orElseThrow(() -> new AssertionError(origin + " has no " + kind + " " + namespace + "/" + name));
  }

  /** The one object of this kind and name; fails the test when there is none. */
  JsonNode get(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + origin));
  }
}
