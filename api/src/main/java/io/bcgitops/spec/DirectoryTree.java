package io.bcgitops.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** A GitOps repository as a folder on disk (a checkout): what {@code validate} and {@code render} read. */
public final class DirectoryTree implements RepositoryTree {
  private final Path root;

  /** @throws IOException when the folder cannot be read */
  public DirectoryTree(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  @Override
  public Node resolve(String path, ReadBudget budget) throws IOException, RepositoryTooLargeException {
    Path file = root.resolve(path);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Node(path, Kind.MISSING, 0);
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return new Node(path, Kind.DANGLING, 0);
    }
    if (!real.startsWith(root)) {
      return new Node(path, Kind.OUTSIDE, 0);
    }
    String relative = root.relativize(real).toString().replace('\\', '/');
    budget.depth(relative, relative.isEmpty() ? 0 : root.relativize(real).getNameCount());
    if (Files.isDirectory(real)) {
      return new Node(relative, Kind.FOLDER, 0);
    }
    if (Files.isRegularFile(real)) {
      return new Node(relative, Kind.FILE, Files.size(real));
    }
    return new Node(relative, Kind.OTHER, 0);
  }

  @Override
  public List<String> list(Node folder, ReadBudget budget) throws IOException, RepositoryTooLargeException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root.resolve(folder.path()))) {
      // One at a time: a folder of millions of entries stops at the limit, not after listing them all.
      for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
        budget.entries(1);
        names.add(it.next().getFileName().toString());
      }
    }
    return names;
  }

  @Override
  public byte[] read(Node file) throws IOException {
    // No more than the size checked: a file that grew since is cut there, and then fails to parse.
    try (InputStream in = Files.newInputStream(root.resolve(file.path()))) {
      return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, file.size()));
    }
  }
}
