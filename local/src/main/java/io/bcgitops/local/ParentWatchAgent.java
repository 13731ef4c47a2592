package io.bcgitops.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Java agent in every vm app's JVM that local mode starts: it ends that JVM as soon as the local
 * command's process is gone, however it ended ({@code kill -9} included), so no app outlives it.
 *
 * <p>It travels in a jar of its own holding only this class ({@link ParentWatchJar}), so it uses
 * java.base only: the operator's classes never reach an app's class path.
 */
public final class ParentWatchAgent {
  /** SIGTERM's exit status: the app was stopped from outside. */
  private static final int STOPPED = 143;
  /** How long the app's shutdown hooks get before the JVM halts. */
  private static final long HOOKS_SECONDS = 10;

  private ParentWatchAgent() {
  }

  /** The agent's argument is the parent's process id. */
  public static void premain(String parentPid) {
    long pid = Long.parseLong(parentPid.trim());
    Thread watch = new Thread(() -> {
      ProcessHandle.of(pid).map(ProcessHandle::onExit).ifPresent(CompletableFuture::join);
      Thread halt = new Thread(() -> {
        try {
          TimeUnit.SECONDS.sleep(HOOKS_SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(STOPPED);
      }, "bcgitops-parent-gone-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(STOPPED);
    }, "bcgitops-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
