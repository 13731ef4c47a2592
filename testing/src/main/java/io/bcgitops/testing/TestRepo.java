package io.bcgitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.TimeZone;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A real, non-bare git repository on disk, made with JGit, to fetch from in tests: by {@link #fileUrl()}
 * directly, or over {@link GitHttpServer} / {@link GitSshServer}.
 *
 * <p>The initial branch is {@code main}. Every mutating method works on the checked-out branch
 * (main unless {@link #checkout(String)} was called) and fails with an unchecked exception, so
 * tests stay short:
 *
 * <pre>{@code
 * try (TestRepo repo = TestRepo.create(tempDir.resolve("remote"))) {
 *   repo.write("apps/web/app.yaml", "name: web\nversion: '1.0'\n");
 *   String sha = repo.commit("add web");
 *   repo.tag("v1.0.0");
 *   ... fetch repo.fileUrl() ...
 * }
 * }</pre>
 *
 * <p>Each commit gets its own timestamp (one second after the previous one), so two commits never
 * share an id by accident, even after {@link #resetHard(String)}.
 */
public final class TestRepo implements AutoCloseable {
  /** The author and committer of every commit. */
  public static final PersonIdent AUTHOR = new PersonIdent("Test Author", "test@example.com");

  private final Path dir;
  private final Git git;
  private long clock = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

  private TestRepo(Path dir, Git git) {
    this.dir = dir;
    this.git = git;
  }

  /** Initialises a new repository (branch {@code main}, no commit yet) in {@code dir}, created if missing. */
  public static TestRepo create(Path dir) {
    try {
      Files.createDirectories(dir);
      Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
      return new TestRepo(dir.toAbsolutePath(), git);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The working directory (its {@code .git} folder holds the repository). */
  public Path dir() {
    return dir;
  }

  /** The JGit repository, for servers and for assertions the helpers do not cover. */
  public Repository repository() {
    return git.getRepository();
  }

  /** A {@code file:///...} URL of this repository, for fetching from it directly. */
  public String fileUrl() {
    return "file://" + dir.toAbsolutePath();
  }

  /** Writes (creates or replaces) a file of the working tree, creating folders as needed. Staged by {@link #commit}. */
  public TestRepo write(String path, String content) {
    try {
      Path file = dir.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file, or a folder with everything in it, from the working tree. Staged by {@link #commit}. */
  public TestRepo delete(String path) {
    Folders.deleteRecursively(dir.resolve(path));
    return this;
  }

  /** Stages every change of the working tree (new, changed and deleted files) and commits it; returns the commit id. */
  public String commit(String message) {
    try {
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      PersonIdent ident = new PersonIdent(AUTHOR, Date.from(Instant.ofEpochSecond(clock++)),
          TimeZone.getTimeZone(ZoneOffset.UTC));
      RevCommit commit = git.commit()
          .setMessage(message)
          .setAuthor(ident)
          .setCommitter(ident)
          .setSign(false)
          .setAllowEmpty(true)
          .call();
      return commit.name();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The commit id the checked-out branch points at. */
  public String head() {
    try {
      return repository().resolve("HEAD").name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates (or moves) a lightweight tag at HEAD; returns the commit id it points at. */
  public String tag(String name) {
    try {
      git.tag().setName(name).setAnnotated(false).setForceUpdate(true).call();
      return head();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates (or moves) an annotated tag at HEAD; returns the commit id it peels to (not the tag object's id). */
  public String annotatedTag(String name) {
    try {
      git.tag().setName(name).setAnnotated(true).setMessage("release " + name).setTagger(AUTHOR)
          .setSigned(false).setForceUpdate(true).call();
      return head();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a tag. */
  public void deleteTag(String name) {
    try {
      git.tagDelete().setTags(name).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a branch at HEAD without checking it out. */
  public void branch(String name) {
    try {
      git.branchCreate().setName(name).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks out an existing branch: later writes and commits go there. */
  public void checkout(String branch) {
    try {
      git.checkout().setName(branch).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a branch (even one not merged); it must not be the checked-out one. */
  public void deleteBranch(String name) {
    try {
      git.branchDelete().setBranchNames(name).setForce(true).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Moves the checked-out branch to {@code sha} and resets index and working tree to it: with a
   * commit afterwards, this is what a remote looks like after a force-push rewrote its history.
   */
  public void resetHard(String sha) {
    try {
      git.reset().setMode(ResetCommand.ResetType.HARD).setRef(sha).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
