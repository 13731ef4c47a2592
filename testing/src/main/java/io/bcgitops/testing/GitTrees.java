package io.bcgitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * Commits written object by object, as an attacker builds them: a tree that names the same object
 * a thousand times is a few bytes in git but a thousand files (or folders) in a checkout. A tree
 * is a map of names to a String (a file's content), a {@link Link} (a symlink), another map (a
 * folder), or an {@link ObjectId} of a tree already written.
 */
public final class GitTrees {
  /** A symlink (mode 120000): its target is the blob's content. */
  public record Link(String target) {
  }

  private final Repository repository;
  private final ObjectInserter inserter;

  public GitTrees(TestRepo repo) {
    this.repository = repo.repository();
    this.inserter = repository.newObjectInserter();
  }

  /** Writes a tree; returns its id. */
  public ObjectId tree(Map<String, ?> entries) {
    try {
      List<Map.Entry<String, ObjectId>> written = new ArrayList<>();
      Map<String, FileMode> modes = new LinkedHashMap<>();
      for (Map.Entry<String, ?> entry : entries.entrySet()) {
        Object value = entry.getValue();
        ObjectId id;
        FileMode mode;
        if (value instanceof String content) {
          id = inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
          mode = FileMode.REGULAR_FILE;
        } else if (value instanceof Link link) {
          id = inserter.insert(Constants.OBJ_BLOB, link.target().getBytes(StandardCharsets.UTF_8));
          mode = FileMode.SYMLINK;
        } else if (value instanceof Map<?, ?> folder) {
          @SuppressWarnings("unchecked")
          Map<String, ?> typed = (Map<String, ?>) folder;
          id = tree(typed);
          mode = FileMode.TREE;
        } else {
          id = (ObjectId) value;
          mode = FileMode.TREE;
        }
        written.add(Map.entry(entry.getKey(), id));
        modes.put(entry.getKey(), mode);
      }
      // Git's order: by name, a folder's name as if it ended with '/'.
      written.sort(Comparator.comparing(e -> modes.get(e.getKey()) == FileMode.TREE ? e.getKey() + "/" : e.getKey()));
      TreeFormatter formatter = new TreeFormatter();
      for (Map.Entry<String, ObjectId> entry : written) {
        formatter.append(entry.getKey(), modes.get(entry.getKey()), entry.getValue());
      }
      return inserter.insert(formatter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tree bomb: {@code levels} folders deep, each folder holding {@code width} copies of the next
   * (the last a file): width^levels files in a checkout, levels + 1 objects in git.
   */
  public ObjectId bomb(int levels, int width) {
    Object level = "boom\n";
    for (int i = 0; i < levels; i++) {
      Map<String, Object> folder = new LinkedHashMap<>();
      for (int j = 0; j < width; j++) {
        folder.put("d" + j, level);
      }
      level = tree(folder);
    }
    return (ObjectId) level;
  }

  /** Commits the tree on branch main, after its current commit if it has one; returns the commit id. */
  public String commit(Map<String, ?> root, String message) {
    try {
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree(root));
      ObjectId head = repository.resolve("refs/heads/main");
      if (head != null) {
        commit.setParentId(head);
      }
      commit.setAuthor(TestRepo.AUTHOR);
      commit.setCommitter(TestRepo.AUTHOR);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repository.updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      update.update();
      return id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
