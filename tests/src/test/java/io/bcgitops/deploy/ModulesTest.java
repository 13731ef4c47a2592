package io.bcgitops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build's modules keep the layout README's "Code layout" describes: dependencies point one
 * way, down the parent's list; libraries only tests use never reach a module's compile scope (so
 * never the jar and the image); local mode's in-process API server stays in local mode's module.
 */
class ModulesTest {
  private static final XPath XPATH = XPathFactory.newInstance().newXPath();
  /** Libraries for tests alone: in no module's compile or runtime scope. */
  private static final Set<String> TEST_ONLY = Set.of("junit-jupiter", "awaitility", "cel",
      "org.eclipse.jgit.junit.ssh", "kubernetes-junit-jupiter", "crd-generator-api-v2", "k3s");
  /** What local mode's API server runs on: no module below local may have them but for its tests. */
  private static final Set<String> LOCAL_ONLY = Set.of("kubernetes-server-mock", "vertx-core", "bcpkix-jdk18on");

  @Test
  void eachModuleDependsOnlyOnModulesListedBeforeIt() throws Exception {
    List<String> modules = modules();
    for (String module : modules) {
      for (Dependency dependency : dependencies(module)) {
        if (dependency.groupId().equals("io.bcgitops")) {
          String on = dependency.artifactId().replaceFirst("^bc-gitops-", "");
          assertTrue(modules.indexOf(on) >= 0 && modules.indexOf(on) < modules.indexOf(module),
              module + " depends on " + on + ", which is not listed before it: " + modules);
        }
      }
    }
  }

  @Test
  void testLibrariesStayInTheTestScope() throws Exception {
    for (String module : modules()) {
      for (Dependency dependency : dependencies(module)) {
        if (TEST_ONLY.contains(dependency.artifactId()) && !module.equals("testing")) {
          assertEquals("test", dependency.scope(), module + "'s " + dependency.artifactId());
        }
        if (LOCAL_ONLY.contains(dependency.artifactId()) && !module.equals("local")) {
          assertEquals("test", dependency.scope(), module + "'s " + dependency.artifactId()
              + ": only local mode runs on it");
        }
      }
    }
    for (Dependency dependency : dependencies(".")) {
      assertEquals("test", dependency.scope(), "the parent gives every module " + dependency.artifactId());
    }
    // The test helpers, test libraries included, reach the others' tests alone.
    for (String module : modules()) {
      for (Dependency dependency : dependencies(module)) {
        if (dependency.artifactId().equals("bc-gitops-testing") || "test-jar".equals(dependency.type())) {
          assertEquals("test", dependency.scope(), module + "'s " + dependency.artifactId());
        }
      }
    }
  }

  @Test
  void eachPackageLivesInOneModule() throws IOException {
    Map<String, Set<String>> modulesOfPackage = new TreeMap<>();
    for (String module : modules()) {
      Path sources = Path.of(module, "src", "main", "java");
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String pkg = sources.relativize(file.getParent()).toString().replace('/', '.');
          modulesOfPackage.computeIfAbsent(pkg, p -> new TreeSet<>()).add(module);
        }
      }
    }
    modulesOfPackage.forEach((pkg, in) -> assertEquals(1, in.size(), pkg + " is split across " + in));
    assertTrue(modulesOfPackage.containsKey("io.bcgitops.controller"), modulesOfPackage.keySet().toString());
  }

  private static List<String> modules() {
    try {
      NodeList names = (NodeList) XPATH.evaluate("/*[local-name()='project']/*[local-name()='modules']"
          + "/*[local-name()='module']", pom("."), XPathConstants.NODESET);
      List<String> modules = new ArrayList<>();
      for (int i = 0; i < names.getLength(); i++) {
        modules.add(names.item(i).getTextContent().strip());
      }
      assertTrue(modules.contains("operator"), modules.toString());
      return modules;
    } catch (Exception e) {
      throw new AssertionError("cannot read the parent pom's modules", e);
    }
  }

  private record Dependency(String groupId, String artifactId, String type, String scope) {
  }

  /** The module's own dependencies (not its dependencyManagement's). */
  private static List<Dependency> dependencies(String module) throws Exception {
    NodeList nodes = (NodeList) XPATH.evaluate("/*[local-name()='project']/*[local-name()='dependencies']"
        + "/*[local-name()='dependency']", pom(module), XPathConstants.NODESET);
    List<Dependency> dependencies = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element dependency = (Element) nodes.item(i);
      dependencies.add(new Dependency(child(dependency, "groupId"), child(dependency, "artifactId"),
          child(dependency, "type"), child(dependency, "scope")));
    }
    return dependencies;
  }

  private static String child(Element element, String name) {
    NodeList children = element.getElementsByTagNameNS("*", name);
    return children.getLength() == 0 ? null : children.item(0).getTextContent().strip();
  }

  private static Document pom(String module) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(Path.of(module, "pom.xml").toFile());
  }
}
