package io.bcgitops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bcgitops.controller.OperatorConfig;
import io.bcgitops.runtime.RuntimeApi;
import io.fabric8.kubernetes.api.model.Container;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The image the operator's pods and the pods it creates run (no Docker engine here to build it:
 * this reads the Dockerfile). What they rely on: the non-root user 65532 their securityContext
 * names, java -jar of the shaded jar as ENTRYPOINT so that a pod's args pick the command
 * (["fetch", ...], ["runtime-host", ...], ["loader", ...], the default ["operator"]), and a build
 * stage that builds the jar the pom produces.
 */
class DockerfileTest {
  static final String JAR = "/opt/bc-gitops-operator/bc-gitops-operator.jar";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One instruction: keyword and arguments, continuation lines joined, comments dropped. */
  record Instruction(String keyword, String arguments) {
  }

  /** A build stage: FROM's image, its name (AS ...), its instructions. */
  record Stage(String image, String name, List<Instruction> instructions) {
    List<String> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    String last(String keyword) {
      List<String> found = all(keyword);
      return found.isEmpty() ? null : found.get(found.size() - 1);
    }
  }

  private final List<Stage> stages = stages(Path.of("Dockerfile"));

  @Test
  void theBuildStageBuildsTheShadedJarThePomProduces() throws Exception {
    assertEquals(2, stages.size(), "a build stage and a runtime stage");
    Stage build = stages.get(0);
    assertEquals("maven:3.9-eclipse-temurin-17", build.image());
    assertEquals("build", build.name());
    String jar = shadedJar();

    List<String> runs = build.all("RUN");
    int offline = indexOf(runs, "dependency:go-offline");
    int packaging = indexOf(runs, " package");
    assertTrue(offline >= 0 && packaging > offline, "dependencies are fetched (and cached in a layer) before the"
        + " build: " + runs);
    String mvn = runs.get(packaging);
    assertTrue(mvn.contains("-Dmaven.test.skip=true"),
        "the image build neither compiles nor runs tests, nor builds the example apps: " + mvn);
    assertFalse(mvn.contains("-Dbuild.dir"), "the jar lands in target/, where COPY --from=build takes it: " + mvn);
    // pom.xml is copied (and its dependencies fetched) before the sources, so a source change keeps that layer.
    List<String> copies = build.all("COPY");
    assertTrue(copies.get(0).startsWith("pom.xml"), "pom.xml first: " + copies);
    assertTrue(build.instructions().indexOf(new Instruction("COPY", copies.get(0)))
        < build.instructions().indexOf(new Instruction("RUN", runs.get(offline))));

    Stage runtime = stages.get(1);
    String copied = runtime.all("COPY").stream().filter(c -> c.contains("--from=build")).findFirst()
        .orElseThrow(() -> new AssertionError("the runtime stage copies nothing from the build stage"));
    List<String> words = List.of(copied.split("\\s+"));
    assertEquals(List.of(build.last("WORKDIR") + "/" + jar, JAR),
        words.stream().filter(w -> !w.startsWith("--")).toList(), "the shaded jar, at " + JAR);
  }

  @Test
  void theImageRunsAsTheNonRootUserThePodsName() {
    Stage runtime = stages.get(stages.size() - 1);
    assertEquals("eclipse-temurin:17-jre", runtime.image(), "a JRE on glibc (Ubuntu), not Alpine's musl");
    String user = runtime.last("USER");
    assertNotNull(user, "the image does not run as root");
    assertEquals("65532", user.split(":")[0], "numeric, so that runAsNonRoot can check it");
    if (user.contains(":")) {
      assertEquals("65532", user.split(":")[1]);
    }
    String run = String.join("\n", runtime.all("RUN"));
    assertTrue(run.contains("--uid 65532") && run.contains("--gid 65532"), "the user exists in /etc/passwd: " + run);
    for (var pod : DeployManifestsTest.podSpecs()) {
      assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
    }
  }

  /** `local` keeps its state folder in the working directory by default: the image's user can write there. */
  /** EXPOSE documents every port a command of the image listens on by default, and no other. */
  @Test
  void theImageExposesThePortsItsCommandsListenOn() {
    Stage runtime = stages.get(stages.size() - 1);
    Set<Integer> exposed = new TreeSet<>();
    runtime.all("EXPOSE").forEach(ports -> List.of(ports.trim().split("\\s+")).forEach(p -> exposed.add(
        Integer.parseInt(p))));
    OperatorConfig.Service operator = OperatorConfig.fromEnvironment(java.util.Map.of()).service();
    assertEquals(new TreeSet<>(List.of(operator.httpPort(), operator.webhookPort(), operator.healthPort(),
        RuntimeApi.HOST_PORT, RuntimeApi.LOADER_PORT, RuntimeApi.HOST_HEALTH_PORT, RuntimeApi.LOADER_HEALTH_PORT)),
        exposed);
  }

  @Test
  void theImagesUserCanWriteItsWorkingDirectory() {
    Stage runtime = stages.get(stages.size() - 1);
    String workdir = runtime.last("WORKDIR");
    assertNotNull(workdir);
    String run = String.join("\n", runtime.all("RUN"));
    assertTrue(run.matches("(?s).*mkdir -p [^&]*" + workdir + "\\b.*"), "the image creates " + workdir + ": " + run);
    assertTrue(run.matches("(?s).*chown 65532:65532 [^&]*" + workdir + "\\b.*"), "user 65532 owns " + workdir);
  }

  @Test
  void thePodsArgsPickTheCommand() throws Exception {
    Stage runtime = stages.get(stages.size() - 1);
    assertEquals(List.of("java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", JAR),
        execForm(runtime.last("ENTRYPOINT")));
    assertEquals(List.of("operator"), execForm(runtime.last("CMD")));
    ByteArrayOutputStream usage = new ByteArrayOutputStream();
    assertEquals(0, run("operator", "--help", new PrintStream(usage), new PrintStream(new ByteArrayOutputStream())));
    assertTrue(usage.toString(StandardCharsets.UTF_8).startsWith("usage: operator"), "the jar knows the CMD");

    // Every container the operator creates from this image sets no command (the ENTRYPOINT runs)
    // and a first argument the jar knows.
    Set<String> commands = new TreeSet<>();
    for (Container container : DeployManifestsTest.podContainers()) {
      if (!container.getImage().equals(io.bcgitops.kube.PodImages.DEFAULTS.operatorImage())) {
        continue;
      }
      assertTrue(container.getCommand() == null || container.getCommand().isEmpty(), container.getName());
      String command = container.getArgs().get(0);
      commands.add(command);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      run(command, "--help", new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
      assertFalse(err.toString(StandardCharsets.UTF_8).contains("unknown command"), command);
    }
    assertEquals(Set.of("fetch", "runtime-host", "loader"), commands);
  }

  /**
   * The issue's attack: a request or a repository that fills the heap. Without
   * -XX:+ExitOnOutOfMemoryError the thread that hit the limit dies and the JVM lives on, answering
   * its probes with its reconcilers (or handlers) gone. With the image's flags, and the operator's
   * JDK_JAVA_OPTIONS from deploy/, the JVM exits with code 3 and Kubernetes restarts the container.
   * Every JVM the project ships starts through this ENTRYPOINT (operator, runtime-host, loader,
   * fetch: thePodsArgsPickTheCommand).
   */
  @Test
  void aJvmOutOfHeapExitsInsteadOfLivingOnBroken() throws Exception {
    List<String> entrypoint = execForm(stages.get(stages.size() - 1).last("ENTRYPOINT"));
    List<String> imageFlags = entrypoint.subList(1, entrypoint.indexOf("-jar"));
    assertTrue(imageFlags.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());

    Outcome image = runOutOfHeap(imageFlags);
    assertEquals(3, image.exitCode(), image.output());
    assertTrue(image.output().contains("Terminating due to java.lang.OutOfMemoryError: Java heap space"),
        image.output());
    assertFalse(image.output().contains("serves on"), image.output());

    List<String> without = imageFlags.stream().filter(f -> !f.equals("-XX:+ExitOnOutOfMemoryError")).toList();
    Outcome broken = runOutOfHeap(without);
    assertEquals(null, broken.exitCode(), "without the flag the JVM lives on: " + broken.output());
    assertTrue(broken.output().contains("the process serves on"), broken.output());
  }

  /** How a child JVM ended (null: still running after the wait, then killed) and what it printed. */
  private record Outcome(Integer exitCode, String output) {
  }

  private static Outcome runOutOfHeap(List<String> flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    command.addAll(flags);
    command.addAll(List.of("-Xmx32m", "-cp", System.getProperty("java.class.path"), FillsTheHeap.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // As in the operator's pod: the launcher reads these before the command line's flags.
    builder.environment().put("JDK_JAVA_OPTIONS", DeployManifestsTest.OPERATOR_JVM_FLAGS);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        process.getInputStream().transferTo(output);
      } catch (IOException e) {
        // The process is gone.
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
          reader.join(5_000);
          return new Outcome(process.exitValue(), output.toString(StandardCharsets.UTF_8));
        }
        if (output.toString(StandardCharsets.UTF_8).contains("serves on")) {
          // Past its OutOfMemoryError, and still there a second later.
          return new Outcome(process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : null,
              output.toString(StandardCharsets.UTF_8));
        }
      }
      return new Outcome(null, output.toString(StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  @Test
  void theBuildContextHoldsWhatTheBuildCopies() throws IOException {
    List<String> patterns = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (String needed : List.of("pom.xml", "api/pom.xml", "cli/src/main/java/io/bcgitops/cli/Main.java",
        "cli/src/main/resources/META-INF/services/ch.qos.logback.classic.spi.Configurator",
        "operator/src/main/java/io/bcgitops/controller/BcGitopsOperator.java")) {
      assertFalse(ignored(patterns, needed), needed + " is in the build context");
    }
    for (String left : List.of("target/bc-gitops-operator.jar", "target-deploy/classes", ".git/config",
        "tests/src/test/java/io/bcgitops/deploy/DockerfileTest.java", "operator/src/test", "operator/target/classes",
        "examples/gitops-repo/apps/web/app.yaml")) {
      assertTrue(ignored(patterns, left), left + " stays out of the build context");
    }
  }

  /**
   * Every folder the jar is built from (each of its modules' sources and resource folders, such as
   * crds/, whose CRDs `local` registers from the jar) is in the build context and copied into the
   * build stage before the jar is built: a folder left out still builds, into a jar without its files.
   */
  @Test
  void theBuildStageHasEveryFolderTheJarIsBuiltFrom() throws Exception {
    List<String> patterns = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    Stage build = stages.get(0);
    List<String> copied = build.all("COPY").stream().map(c -> c.split("\\s+")[0].replaceAll("/+$", "")).toList();
    int packaging = build.instructions().indexOf(new Instruction("RUN", build.all("RUN").stream()
        .filter(r -> r.contains(" package")).findFirst().orElseThrow()));
    List<String> folders = new ArrayList<>();
    for (String module : jarModules()) {
      folders.add(module + "/src/main/java");
      folders.addAll(resourceFolders(module));
      if (Files.isDirectory(Path.of(module, "src/main/resources"))) {
        folders.add(module + "/src/main/resources"); // Maven's default, which a pom need not name
      }
    }
    assertTrue(folders.contains("crds"), "the CRDs go into the jar: " + folders);
    for (String folder : folders) {
      String source = copied.stream().filter(c -> folder.equals(c) || folder.startsWith(c + "/")).findFirst()
          .orElseThrow(() -> new AssertionError(folder + " is not copied into the build stage: " + copied));
      int copy = build.instructions().indexOf(new Instruction("COPY", build.all("COPY").stream()
          .filter(c -> c.split("\\s+")[0].replaceAll("/+$", "").equals(source)).findFirst().orElseThrow()));
      assertTrue(copy < packaging, folder + " is copied before the jar is built");
      try (var files = Files.walk(Path.of(folder))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertFalse(ignored(patterns, file.toString().replace('\\', '/')), file + " is in the build context");
        }
      }
    }
  }

  /** The modules the jar is made of: cli's folder and, following their compile dependencies, the modules below it. */
  private static List<String> jarModules() throws Exception {
    var xpath = XPathFactory.newInstance().newXPath();
    Set<String> modules = new TreeSet<>();
    List<String> next = new ArrayList<>(List.of("cli"));
    while (!next.isEmpty()) {
      String module = next.remove(0);
      if (!modules.add(module)) {
        continue;
      }
      NodeList dependencies = (NodeList) xpath.evaluate("/*[local-name()='project']/*[local-name()='dependencies']"
          + "/*[local-name()='dependency'][*[local-name()='groupId']='io.bcgitops'][not(*[local-name()='scope'])]"
          + "/*[local-name()='artifactId']", pom(module + "/pom.xml"), XPathConstants.NODESET);
      for (int i = 0; i < dependencies.getLength(); i++) {
        // Each module's folder is its artifactId without the "bc-gitops-" prefix.
        next.add(dependencies.item(i).getTextContent().strip().replaceFirst("^bc-gitops-", ""));
      }
    }
    return List.copyOf(modules);
  }

  /** A module's resource folders, relative to the checkout. */
  private static List<String> resourceFolders(String module) throws Exception {
    NodeList directories = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
        "/*[local-name()='project']/*[local-name()='build']/*[local-name()='resources']/*[local-name()='resource']"
            + "/*[local-name()='directory']", pom(module + "/pom.xml"), XPathConstants.NODESET);
    Set<String> folders = new TreeSet<>();
    for (int i = 0; i < directories.getLength(); i++) {
      String directory = directories.item(i).getTextContent().strip();
      folders.add(directory.startsWith("${bcgitops.root}/") ? directory.substring("${bcgitops.root}/".length())
          : module + "/" + directory);
    }
    return folders.stream().filter(f -> Files.isDirectory(Path.of(f))).toList();
  }

  private static Document pom(String path) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of(path).toFile());
  }

  /** Docker's rule: the last pattern matching the path or one of its parent folders decides; "!" re-includes. */
  private static boolean ignored(List<String> patterns, String path) {
    boolean ignored = false;
    for (String pattern : patterns) {
      boolean include = pattern.startsWith("!");
      String glob = (include ? pattern.substring(1) : pattern).replaceAll("^/+|/+$", "");
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      Path candidate = Path.of(path);
      boolean matches = false;
      for (Path p = candidate; p != null; p = p.getParent()) {
        matches |= matcher.matches(p);
      }
      if (matches) {
        ignored = !include;
      }
    }
    return ignored;
  }

  private static int run(String command, String arg, PrintStream out, PrintStream err) throws Exception {
    Method run = Class.forName("io.bcgitops.cli.Main").getDeclaredMethod("run", String[].class, PrintStream.class,
        PrintStream.class);
    run.setAccessible(true);
    return (int) run.invoke(null, new String[] {command, arg}, out, err);
  }

  private static List<String> execForm(String arguments) throws IOException {
    assertNotNull(arguments);
    assertTrue(arguments.startsWith("["), "exec form (a JSON array), so that args are appended: " + arguments);
    List<String> words = new ArrayList<>();
    JSON.readTree(arguments).forEach(w -> words.add(w.asText()));
    return words;
  }

  private static int indexOf(List<String> runs, String part) {
    for (int i = 0; i < runs.size(); i++) {
      if (runs.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  /** Where the shade plugin (cli's pom) writes the runnable jar, relative to the checkout. */
  private static String shadedJar() throws Exception {
    String file = (String) XPathFactory.newInstance().newXPath().evaluate(
        "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']"
            + "//*[local-name()='configuration']/*[local-name()='outputFile']", pom("cli/pom.xml"),
        XPathConstants.STRING);
    assertTrue(file.strip().startsWith("${bcgitops.root}/"), "cli's pom writes the jar into the checkout: " + file);
    return file.strip().substring("${bcgitops.root}/".length());
  }

  static List<Stage> stages(Path dockerfile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dockerfile);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String stripped = line.strip();
      if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
        continue;
      }
      boolean continued = stripped.endsWith("\\");
      current.append(continued ? stripped.substring(0, stripped.length() - 1) : stripped).append(' ');
      if (!continued) {
        String text = current.toString().strip().replaceAll("\\s+", " ");
        current.setLength(0);
        int space = text.indexOf(' ');
        instructions.add(new Instruction(text.substring(0, space).toUpperCase(java.util.Locale.ROOT),
            text.substring(space + 1)));
      }
    }
    List<Stage> stages = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        String[] words = instruction.arguments().split(" ");
        String name = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        stages.add(new Stage(words[0], name, new ArrayList<>()));
      } else if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).instructions().add(instruction);
      }
    }
    return stages;
  }
}
