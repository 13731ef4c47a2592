package io.bcgitops.local;

import io.bcgitops.source.GitFetcher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The folder a local run keeps its files in: kubeconfig, log, git cache, the node's pods and pools.
 * Only the owner may read it (the log and the apps' files may hold what the apps print), one run
 * at a time uses it, and a folder that is neither empty nor one of these is refused, so that
 * {@code --state-dir} pointed at the wrong place wipes nothing.
 */
public final class StateFolder implements AutoCloseable {
  /** The marker, and the file whose lock says a run uses the folder. */
  static final String MARKER = ".bcgitops-local";

  private final Path dir;
  private final FileChannel marker;
  private final FileLock lock;

  private StateFolder(Path dir, FileChannel marker, FileLock lock) {
    this.dir = dir;
    this.marker = marker;
    this.lock = lock;
  }

  /**
   * Takes the folder for this run, and empties the node's part of it (its pods' and pools' folders
   * are emptyDirs: each run starts them afresh; the git cache is kept).
   *
   * @throws IllegalArgumentException when the folder is another's, or another run holds it
   */
  public static StateFolder open(Path folder) throws IOException {
    Path dir = folder.toAbsolutePath().normalize();
    if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)) && !isEmpty(dir)) {
      throw new IllegalArgumentException(folder + " is not empty and not a local-mode state folder (no " + MARKER
          + " in it): give a new or empty folder as --state-dir");
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } else {
      Files.createDirectories(dir);
    }
    FileChannel marker = FileChannel.open(dir.resolve(MARKER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = marker.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      lock = null;
    }
    if (lock == null) {
      marker.close();
      throw new IllegalArgumentException("another local command is using " + folder);
    }
    GitFetcher.deleteRecursively(dir.resolve("node"));
    return new StateFolder(dir, marker, lock);
  }

  public Path dir() {
    return dir;
  }

  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  public Path log() {
    return dir.resolve("local.log");
  }

  public Path gitCache() {
    return dir.resolve("git");
  }

  public Path node() {
    return dir.resolve("node");
  }

  @Override
  public void close() throws IOException {
    lock.release();
    marker.close();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
