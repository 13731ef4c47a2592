package io.bcgitops.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A bare repository, branch main, written with the git command: {@code git fast-import} makes
 * thousands of commits in a second, where committing one by one would take minutes.
 */
final class GitRepo {
  private final Path dir;
  private long clock = 1_700_000_000L;
  private String head;

  private GitRepo(Path dir) {
    this.dir = dir;
  }

  static GitRepo createBare(Path dir) throws IOException, InterruptedException {
    Command.run(null, List.of("git", "init", "-q", "--bare", "--initial-branch=main", dir.toString()));
    return new GitRepo(dir.toAbsolutePath());
  }

  String url() {
    return "file://" + dir;
  }

  String head() {
    return head;
  }

  /**
   * One commit on main writing {@code files} (path to content), as loose objects: what a push of one
   * small commit leaves on a server (git unpacks fewer than 100 objects). Returns its id.
   */
  String commit(Map<String, String> files) throws IOException, InterruptedException {
    if (head == null) {
      return commits(1, i -> files);
    }
    Path index = Files.createTempFile("bench-index", "");
    try {
      Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
      git(env, new byte[0], "read-tree", head);
      for (Map.Entry<String, String> file : files.entrySet()) {
        String blob = git(env, file.getValue().getBytes(StandardCharsets.UTF_8), "hash-object", "-w", "--stdin");
        git(env, new byte[0], "update-index", "--add", "--cacheinfo", "100644," + blob + "," + file.getKey());
      }
      String tree = git(env, new byte[0], "write-tree");
      String commit = git(Map.of("GIT_COMMITTER_DATE", clock + " +0000", "GIT_AUTHOR_DATE", clock++ + " +0000",
              "GIT_AUTHOR_NAME", "Bench", "GIT_AUTHOR_EMAIL", "bench@example.com", "GIT_COMMITTER_NAME", "Bench",
              "GIT_COMMITTER_EMAIL", "bench@example.com"),
          "one more commit".getBytes(StandardCharsets.UTF_8), "commit-tree", tree, "-p", head);
      git(Map.of(), new byte[0], "update-ref", "refs/heads/main", commit, head);
      head = commit;
      return head;
    } finally {
      Files.deleteIfExists(index);
    }
  }

  /**
   * {@code count} commits on main, the i-th writing {@code files.apply(i)}, in one pack (as a
   * repository a server has packed); returns the last one's id.
   */
  String commits(int count, IntFunction<Map<String, String>> files) throws IOException, InterruptedException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      stream.writeBytes(("commit refs/heads/main\ncommitter Bench <bench@example.com> " + clock++ + " +0000\n")
          .getBytes(StandardCharsets.UTF_8));
      data(stream, "commit " + i);
      if (i == 0 && head != null) {
        // fast-import starts every branch afresh: the first commit names its parent.
        stream.writeBytes(("from " + head + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (Map.Entry<String, String> file : files.apply(i).entrySet()) {
        stream.writeBytes(("M 100644 inline " + file.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
        data(stream, file.getValue());
      }
      stream.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
    }
    git(Map.of(), stream.toByteArray(), "fast-import", "--quiet", "--date-format=raw");
    head = git(Map.of(), new byte[0], "rev-parse", "refs/heads/main");
    return head;
  }

  private String git(Map<String, String> env, byte[] input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    return Command.run(dir, env, input, command);
  }

  private static void data(ByteArrayOutputStream stream, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    stream.writeBytes(("data " + bytes.length + "\n").getBytes(StandardCharsets.UTF_8));
    stream.writeBytes(bytes);
    stream.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
  }
}
