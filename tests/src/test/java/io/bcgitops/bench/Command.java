package io.bcgitops.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Runs an external command (git, jcmd) to its end; a non-zero exit is an error that carries its output. */
final class Command {
  private Command() {
  }

  static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    return run(dir, Map.of(), new byte[0], command);
  }

  /**
   * With {@code env} added to the environment, and {@code input} fed to stdin (on a thread of its
   * own, so that a command writing much before it reads cannot block).
   */
  static String run(Path dir, Map<String, String> env, byte[] input, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (InputStream out = process.getInputStream()) {
      out.transferTo(output);
    }
    int exit = process.waitFor();
    feeding.join();
    String text = output.toString(StandardCharsets.UTF_8);
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit + ": " + text);
    }
    return text.trim();
  }
}
