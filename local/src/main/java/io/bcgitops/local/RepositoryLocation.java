package io.bcgitops.local;

import io.bcgitops.api.GitOpsSourceSpec;
import io.bcgitops.api.GitRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What {@code local <repo-url-or-dir>} follows: a git URL as it is, or a folder of a git work tree
 * on this machine as a file URL to that work tree, with the folder's place in it prefixed to the
 * apps path and, unless a ref is given, the branch checked out there.
 *
 * @param url the GitOpsSource's spec.url
 * @param path the apps folder inside the repository (spec.path)
 * @param ref the branch checked out in a local work tree, or null for the source's default (main)
 * @param name a GitOpsSource name made from the folder or the URL's last segment
 * @param uncommitted whether a local folder has changes that are not committed, and so not deployed
 */
public record RepositoryLocation(String url, String path, GitRef ref, String name, boolean uncommitted) {
  private static final int MAX_NAME = 63;

  /**
   * @param argument a git URL, or a folder of a git work tree
   * @param appsPath the apps folder, relative to the repository for a URL or to the folder
   * @throws IllegalArgumentException when the argument is neither, saying what to do
   */
  public static RepositoryLocation of(String argument, String appsPath) throws IOException {
    if (argument.matches(GitOpsSourceSpec.URL_PATTERN)) {
      String last = argument.replaceAll("/+$", "").replaceAll("\\.git$", "");
      return new RepositoryLocation(argument, appsPath, null, name(last.substring(last.lastIndexOf('/') + 1)), false);
    }
    Path folder = Path.of(argument).toAbsolutePath().normalize();
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(argument + " is neither a git URL nor a folder");
    }
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(folder.toFile());
    if (builder.getGitDir() == null) {
      throw new IllegalArgumentException(argument + " is not in a git repository: local mode deploys commits, so run"
          + " 'git init && git add -A && git commit -m apps' there first");
    }
    try (Repository repository = builder.setMustExist(true).build(); Git git = new Git(repository)) {
      Path workTree = repository.getWorkTree().toPath().toAbsolutePath().normalize();
      String inside = workTree.relativize(folder).toString().replace('\\', '/');
      String path = inside.isEmpty() ? appsPath : inside + "/" + appsPath;
      String branch = repository.getBranch();
      GitRef ref = ObjectId.isId(branch) ? commit(branch) : GitRef.branch(branch);
      boolean uncommitted = !git.status().addPath(path).call().isClean();
      return new RepositoryLocation(workTree.toUri().toString(), path, ref,
          name(folder.getFileName() == null ? "local" : folder.getFileName().toString()), uncommitted);
    } catch (GitAPIException e) {
      throw new IOException("cannot read the git status of " + argument + ": " + e.getMessage(), e);
    }
  }

  private static GitRef commit(String id) {
    GitRef ref = new GitRef();
    ref.setCommit(id);
    return ref;
  }

  /** A DNS label from a folder or repository name: lower case, [a-z0-9-], at most 63 characters. */
  static String name(String from) {
    String name = from.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    name = name.length() > MAX_NAME ? name.substring(0, MAX_NAME).replaceAll("-+$", "") : name;
    return name.isEmpty() ? "local" : name;
  }
}
