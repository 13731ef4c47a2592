package io.bcgitops.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes the jar that holds {@link ParentWatchAgent} alone, for {@code -javaagent:<jar>=<pid>}. */
final class ParentWatchJar {
  private ParentWatchJar() {
  }

  static Path write(Path file) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatchAgent.class.getName());
    String entry = ParentWatchAgent.class.getName().replace('.', '/') + ".class";
    Files.createDirectories(file.getParent());
    try (InputStream classFile = ParentWatchAgent.class.getClassLoader().getResourceAsStream(entry);
        OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      if (classFile == null) {
        throw new IOException("cannot read " + entry + " from the operator's jar");
      }
      jar.putNextEntry(new JarEntry(entry));
      classFile.transferTo(jar);
      jar.closeEntry();
    }
    return file;
  }

  /** The JVM option that loads the agent, watching this process. */
  static String option(Path jar) {
    return "-javaagent:" + jar.toAbsolutePath() + "=" + ProcessHandle.current().pid();
  }
}
