package io.bcgitops.source;

import io.bcgitops.spec.ReadBudget;
import io.bcgitops.spec.RepositoryTooLargeException;
import io.bcgitops.spec.RepositoryTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * One commit of the git cache, read object by object: only the folders on the way to a path are
 * loaded, each after its size is checked against the budget, and a file only when asked for.
 * Nothing is checked out, so a tree bomb elsewhere in the commit costs nothing. Symlinks (blobs of
 * mode 120000) are followed as the file system would, but only inside the repository: an absolute
 * target, or one that climbs above the root, is {@link Kind#OUTSIDE}.
 */
public final class GitCommitTree implements RepositoryTree, AutoCloseable {
  /** Linux's MAXSYMLINKS: more links on one path are a loop. */
  private static final int MAX_SYMLINK_HOPS = 40;
  /** Linux's PATH_MAX: a longer symlink target names nothing a checkout could hold. */
  private static final int MAX_SYMLINK_BYTES = 4096;

  private record Entry(int mode, ObjectId id) {
  }

  private final Repository repository;
  private final ObjectReader reader;
  private final ObjectId root;
  /** When reading must have ended: the fetch's deadline, which the reading is part of. */
  private final Instant deadline;
  /** Each folder listed so far, by its tree id; a tree shared by two folders is charged once. */
  private final Map<ObjectId, Map<String, Entry>> trees = new HashMap<>();
  /** Folders and files resolved so far, by their real path, for {@link #list} and {@link #read}. */
  private final Map<String, ObjectId> resolved = new HashMap<>();

  private GitCommitTree(Repository repository, ObjectId root, Instant deadline) {
    this.repository = repository;
    this.reader = repository.newObjectReader();
    this.root = root;
    this.deadline = deadline;
  }

  /**
   * The tree of {@code commit} in the repository at {@code gitDir}, read by {@code deadline}: a
   * folder listing or file read after it fails.
   *
   * @throws IOException when the repository cannot be opened or does not hold that commit
   */
  public static GitCommitTree open(Path gitDir, String commit, Instant deadline) throws IOException {
    Repository repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
    try (RevWalk walk = new RevWalk(repository)) {
      return new GitCommitTree(repository, walk.parseCommit(ObjectId.fromString(commit)).getTree().getId(),
          deadline);
    } catch (IOException | RuntimeException e) {
      repository.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  @Override
  public Node resolve(String path, ReadBudget budget) throws IOException, RepositoryTooLargeException {
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    Deque<String> names = new ArrayDeque<>();
    Deque<ObjectId> parents = new ArrayDeque<>();
    ObjectId folder = root;
    int hops = 0;
    // Whether the path's own last entry was a symlink: if what it points to is missing, the path dangles.
    boolean throughLastLink = false;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        if (names.isEmpty()) {
          return new Node(path, Kind.OUTSIDE, 0);
        }
        names.removeLast();
        folder = parents.removeLast();
        continue;
      }
      Entry entry = entries(folder, String.join("/", names), budget).get(part);
      Kind gone = throughLastLink ? Kind.DANGLING : Kind.MISSING;
      if (entry == null) {
        return new Node(path, gone, 0);
      }
      if (FileMode.SYMLINK.equals(entry.mode())) {
        throughLastLink |= todo.isEmpty();
        if (++hops > MAX_SYMLINK_HOPS) {
          return new Node(path, throughLastLink ? Kind.DANGLING : Kind.MISSING, 0);
        }
        String target = symlinkTarget(entry.id(), budget);
        if (target == null) {
          return new Node(path, throughLastLink ? Kind.DANGLING : Kind.MISSING, 0);
        }
        if (target.startsWith("/")) {
          return new Node(path, Kind.OUTSIDE, 0);
        }
        push(todo, target); // relative to the folder the link is in: where the walk stands
        continue;
      }
      if (FileMode.TREE.equals(entry.mode())) {
        parents.addLast(folder);
        names.addLast(part);
        folder = entry.id();
        budget.depth(String.join("/", names), names.size());
        continue;
      }
      if (!todo.isEmpty()) {
        return new Node(path, gone, 0); // a file in the middle of a path
      }
      names.addLast(part);
      String real = String.join("/", names);
      budget.depth(real, names.size());
      resolved.put(real, entry.id());
      if (FileMode.REGULAR_FILE.equals(entry.mode()) || FileMode.EXECUTABLE_FILE.equals(entry.mode())) {
        return new Node(real, Kind.FILE, reader.getObjectSize(entry.id(), Constants.OBJ_BLOB));
      }
      return new Node(real, Kind.OTHER, 0); // a submodule (gitlink)
    }
    String real = String.join("/", names);
    resolved.put(real, folder);
    return new Node(real, Kind.FOLDER, 0);
  }

  @Override
  public List<String> list(Node folder, ReadBudget budget) throws IOException, RepositoryTooLargeException {
    return List.copyOf(entries(resolved.get(folder.path()), folder.path(), budget).keySet());
  }

  @Override
  public byte[] read(Node file) throws IOException {
    inTime();
    return reader.open(resolved.get(file.path()), Constants.OBJ_BLOB).getCachedBytes((int) file.size());
  }

  @Override
  public void close() {
    reader.close();
    repository.close();
  }

  /** Puts a path's parts in front of what is left to walk. */
  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].equals(".")) {
        todo.addFirst(parts[i]);
      }
    }
  }

  /** A folder's entries by name, loaded once its size fits the budget, each entry counted. */
  private Map<String, Entry> entries(ObjectId tree, String where, ReadBudget budget)
      throws IOException, RepositoryTooLargeException {
    Map<String, Entry> known = trees.get(tree);
    if (known != null) {
      return known;
    }
    inTime();
    budget.bytes(reader.getObjectSize(tree, Constants.OBJ_TREE), where.isEmpty() ? "the root folder"
        : "the folder '" + where + "'");
    Map<String, Entry> entries = new HashMap<>();
    CanonicalTreeParser parser = new CanonicalTreeParser();
    parser.reset(reader, tree);
    for (; !parser.eof(); parser.next()) {
      budget.entries(1);
      entries.put(parser.getEntryPathString(), new Entry(parser.getEntryRawMode(), parser.getEntryObjectId()));
    }
    trees.put(tree, entries);
    return entries;
  }

  private void inTime() throws IOException {
    if (Instant.now().isAfter(deadline)) {
      throw new IOException("the deadline (spec.timeout) passed before the apps were read");
    }
  }

  /** Where a symlink points; null when its target is too long to be a path. */
  private String symlinkTarget(ObjectId link, ReadBudget budget) throws IOException, RepositoryTooLargeException {
    long size;
    try {
      size = reader.getObjectSize(link, Constants.OBJ_BLOB);
    } catch (MissingObjectException e) {
      return null;
    }
    if (size > MAX_SYMLINK_BYTES) {
      return null;
    }
    inTime();
    budget.bytes(size, "a symlink");
    return new String(reader.open(link, Constants.OBJ_BLOB).getCachedBytes(MAX_SYMLINK_BYTES),
        StandardCharsets.UTF_8);
  }
}
