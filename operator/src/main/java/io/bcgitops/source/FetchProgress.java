package io.bcgitops.source;

import java.util.concurrent.CancellationException;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * JGit's progress callbacks for one fetch, which is where JGit learns that the fetch was ended.
 * JGit asks {@link #isCancelled} only between objects it receives and between the bases whose
 * deltas it resolves: one base with a long chain of large deltas (a few KB on the wire) kept a
 * fetch resolving for a minute past its deadline. {@link #update}, which JGit calls for every
 * object it receives and every delta it resolves, ends the fetch there.
 */
final class FetchProgress implements ProgressMonitor {
  private final FetchAbort abort;

  FetchProgress(FetchAbort abort) {
    this.abort = abort;
  }

  @Override
  public boolean isCancelled() {
    abort.budget().nextBase();
    return abort.aborted();
  }

  @Override
  public void update(int completed) {
    if (abort.aborted()) {
      // JGit lets an unchecked exception through, and closes the connection on the way.
      throw new CancellationException("the fetch was ended");
    }
  }

  @Override
  public void start(int totalTasks) {
  }

  @Override
  public void beginTask(String title, int totalWork) {
  }

  @Override
  public void endTask() {
  }

  @Override
  public void showDuration(boolean enabled) {
  }
}
