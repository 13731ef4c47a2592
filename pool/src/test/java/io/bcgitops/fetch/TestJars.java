package io.bcgitops.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Small real jars, built in memory. */
final class TestJars {
  private TestJars() {
  }

  /** A jar holding the given classes (dummy bytes: only their presence is checked); mainClass null: no Main-Class. */
  static byte[] jar(String mainClass, String... classes) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
      for (String name : classes) {
        out.putNextEntry(new JarEntry(name.replace('.', '/') + ".class"));
        out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
        out.closeEntry();
      }
      // Some padding, so a body cut short is cut well before its end.
      out.putNextEntry(new JarEntry("data.txt"));
      byte[] data = new byte[20_000];
      new Random(42).nextBytes(data);
      out.write(data);
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A runnable jar: Main-Class com.example.Main, which it holds. */
  static byte[] runnable() {
    return jar("com.example.Main", "com.example.Main");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
