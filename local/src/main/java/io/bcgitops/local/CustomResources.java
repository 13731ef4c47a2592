package io.bcgitops.local;

import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.RuntimePool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** This project's CRDs, as the build copies them from crds/ into the jar, and what the local API serves of them. */
final class CustomResources {
  private CustomResources() {
  }

  /** The CRDs, read from the class path ({@code crds/<plural>.<group>.yaml}). */
  static List<CustomResourceDefinition> definitions() {
    List<CustomResourceDefinition> definitions = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : List.of(GitOpsSource.class, AppDeployment.class, RuntimePool.class)) {
      String resource = "crds/" + HasMetadata.getFullResourceName(kind) + ".yaml";
      try (InputStream in = CustomResources.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is not on the class path: the build copies it from crds/");
        }
        definitions.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return definitions;
  }

  /**
   * The served versions of a CRD as the local API publishes them.
   *
   * @throws IllegalArgumentException when a printer column's JSONPath is one the Tables cannot evaluate
   */
  static List<ApiResource> served(CustomResourceDefinition crd) {
    CustomResourceDefinitionNames names = crd.getSpec().getNames();
    ApiResource.Names published = new ApiResource.Names(names.getPlural(), names.getSingular(), names.getKind(),
        listOrEmpty(names.getShortNames()), listOrEmpty(names.getCategories()));
    boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
    return crd.getSpec().getVersions().stream()
        .filter(CustomResourceDefinitionVersion::getServed)
        .map(version -> new ApiResource(crd.getSpec().getGroup(), version.getName(), published, namespaced,
            version.getSubresources() != null && version.getSubresources().getStatus() != null,
            Stream.concat(Stream.of(Column.NAME),
                listOrEmpty(version.getAdditionalPrinterColumns()).stream().map(PrinterColumns::of)).toList(),
            KubeJson.MAPPER.valueToTree(version.getSchema().getOpenAPIV3Schema())))
        .toList();
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
