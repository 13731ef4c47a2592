package io.bcgitops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs under crds/ are generated from the model classes. This test generates them again and
 * fails when crds/ differs; run it with -Dbcgitops.updateCrds=true to rewrite crds/.
 */
class CrdsUpToDateTest {
  static final Path CRDS = Path.of("crds");
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of("gitopssources.bcgitops.io", GitOpsSource.class, "appdeployments.bcgitops.io", AppDeployment.class,
          "runtimepools.bcgitops.io", RuntimePool.class);

  @Test
  void crdsMatchTheModel(@TempDir Path generated) throws IOException {
    generate(generated.toFile());
    if (Boolean.getBoolean("bcgitops.updateCrds")) {
      for (String crd : KINDS.keySet()) {
        Files.copy(generated.resolve(fileName(crd)), CRDS.resolve(fileName(crd)),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    YAMLMapper yaml = new YAMLMapper();
    for (String crd : KINDS.keySet()) {
      JsonNode expected = yaml.readTree(generated.resolve(fileName(crd)).toFile());
      Path committed = CRDS.resolve(fileName(crd));
      JsonNode actual = Files.exists(committed) ? yaml.readTree(committed.toFile()) : null;
      assertEquals(expected, actual, committed + " is out of date with the model classes: run"
          + " mvn test -Dtest=CrdsUpToDateTest -Dbcgitops.updateCrds=true and commit crds/");
    }
  }

  static String fileName(String crdName) {
    return crdName + ".yaml";
  }

  private static void generate(File dir) {
    new CRDGenerator()
        .inOutputDir(dir)
        .forCRDVersions("v1")
        .withPostProcessor(new PostProcessing())
        .customResourceClasses(GitOpsSource.class, AppDeployment.class, RuntimePool.class)
        .detailedGenerate();
    for (String crd : KINDS.keySet()) {
      File out = new File(dir, CRDGenerator.getOutputName(crd, "v1") + ".yml");
      if (!out.renameTo(new File(dir, fileName(crd)))) {
        throw new IllegalStateException("cannot rename " + out);
      }
    }
  }

  /** Each of the steps below; the generator keeps only the last post-processor it is given. */
  private static final class PostProcessing implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      return new ReusedTypeDescriptions().process(new IntOrStringPatterns().process(
          new DeclaredColumnOrder().process(crd, crdSpecVersion), crdSpecVersion), crdSpecVersion);
    }
  }

  /**
   * The generator writes an int-or-string field (IntOrString) as anyOf integer or string and drops
   * its {@code @Pattern}. The API server applies a pattern there to the string form only, as the
   * schemas of its own quantities do: this puts it back.
   */
  private static final class IntOrStringPatterns implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      Class<?> kind = KINDS.get(definition.getMetadata().getName());
      JSONSchemaProps root = definition.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      for (String part : List.of("spec", "status")) {
        Type type = ((ParameterizedType) kind.getGenericSuperclass()).getActualTypeArguments()[part.equals("spec") ? 0 : 1];
        addPatterns((Class<?>) type, root.getProperties().get(part));
      }
      return crd;
    }

    private static void addPatterns(Class<?> type, JSONSchemaProps schema) {
      if (schema == null || schema.getProperties() == null) {
        return;
      }
      for (Field field : type.getDeclaredFields()) {
        JSONSchemaProps property = schema.getProperties().get(field.getName());
        if (property == null) {
          continue;
        }
        Pattern pattern = field.getAnnotation(Pattern.class);
        if (field.getType() == IntOrString.class && pattern != null) {
          property.setPattern(pattern.value());
        } else if (field.getType().getPackageName().equals(AppDeployment.class.getPackageName())) {
          addPatterns(field.getType(), property);
        }
      }
    }
  }

  /**
   * The model reuses two Kubernetes types whose classes carry no descriptions: a condition (metav1.Condition, in
   * every status.conditions) and a LocalObjectReference (each secretRef). This gives their fields the API
   * server's own descriptions, so that kubectl explain describes every field (CrdDescriptionsTest).
   */
  private static final class ReusedTypeDescriptions implements CRDPostProcessor {
    private static final Map<String, String> CONDITION = Map.of(
        "type", "The condition's type: Ready, Reconciling, Stalled, and per kind DependenciesReady, Healthy or"
            + " FetchFailed.",
        "status", "True, False or Unknown.",
        "observedGeneration", "The metadata.generation the condition was set for.",
        "lastTransitionTime", "When the condition last changed from one status to another (RFC 3339).",
        "reason", "Why, in one CamelCase word (Succeeded, Progressing, FetchFailed, HealthCheckFailed, ...).",
        "message", "Why, in words a user can act on.");
    private static final Map<String, String> LOCAL_OBJECT_REFERENCE = Map.of("name", "The Secret's name.");

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      ((CustomResourceDefinition) crd).getSpec().getVersions()
          .forEach(version -> describe(version.getSchema().getOpenAPIV3Schema().getProperties()));
      return crd;
    }

    private static void describe(Map<String, JSONSchemaProps> properties) {
      if (properties == null) {
        return;
      }
      properties.forEach((name, property) -> {
        if (name.equals("conditions") && property.getItems() != null) {
          fill(property.getItems().getSchema().getProperties(), CONDITION);
        } else if (name.equals("secretRef")) {
          fill(property.getProperties(), LOCAL_OBJECT_REFERENCE);
        }
        describe(property.getProperties());
        if (property.getItems() != null && property.getItems().getSchema() != null) {
          describe(property.getItems().getSchema().getProperties());
        }
      });
    }

    private static void fill(Map<String, JSONSchemaProps> properties, Map<String, String> descriptions) {
      descriptions.forEach((name, description) -> {
        JSONSchemaProps property = properties == null ? null : properties.get(name);
        if (property != null && property.getDescription() == null) {
          property.setDescription(description);
        }
      });
    }
  }

  /** The generator sorts printer columns by JSON path; kubectl shows them in the order the class declares. */
  private static final class DeclaredColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      List<String> declared = Arrays.stream(KINDS.get(definition.getMetadata().getName())
          .getAnnotationsByType(AdditionalPrinterColumn.class)).map(AdditionalPrinterColumn::name).toList();
      definition.getSpec().getVersions().forEach(version -> version.getAdditionalPrinterColumns()
          .sort(Comparator.comparing((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
      return crd;
    }
  }
}
