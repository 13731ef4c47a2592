package io.bcgitops.bench;

import io.bcgitops.source.FetchedRevision;
import io.bcgitops.source.GitCommitTree;
import io.bcgitops.source.GitCredentials;
import io.bcgitops.source.GitFetcher;
import io.bcgitops.source.GitReference;
import io.bcgitops.spec.GitOpsRepository;
import io.bcgitops.spec.RepositoryLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitFetcher against the git command doing the same on a repository of 5,000 commits: the fetch the
 * operator makes at its interval once one commit was pushed (fetch main, then read its apps straight
 * from the commit; git: fetch main, check it out), the same
 * when nothing changed, and the first fetch into an empty cache (which GitFetcher makes shallow, so
 * git gets --depth=1 there too). Over file:// URLs: each side serves itself, JGit in-process and git
 * through git-upload-pack. Each measure runs many times, the two in turn; medians are compared.
 */
final class GitFetchBenchmark implements Benchmark {
  private static final int COMMITS = 5_000;
  /** Each commit changes one of these app folders, as a GitOps repository's history does. */
  private static final int APPS = 50;
  private static final int WARM_UP_ROUNDS = 3;
  private static final int ROUNDS = 15;
  private static final int CLONES = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String MAIN = "+refs/heads/main:refs/remotes/origin/main";

  private final GitFetcher fetcher = new GitFetcher();

  /** The medians of one measure, GitFetcher's and git's. */
  private record Pair(long jgit, long git) {
    double ratio() {
      return jgit / (double) git;
    }

    String text(int runs) {
      return Units.ratio(ratio()) + " (" + Units.millis(jgit) + " vs " + Units.millis(git) + ", median of " + runs
          + ")";
    }
  }

  /** One side's operation in run {@code run}; returns its time in nanoseconds. */
  private interface Timed {
    long time(int run) throws Exception;
  }

  /** What comes before both sides' run {@code run}. */
  private interface Before {
    void prepare(int run) throws Exception;
  }

  @Override
  public List<Figure> run(Path work) throws Exception {
    GitRepo origin = GitRepo.createBare(work.resolve("origin.git"));
    origin.commits(COMMITS, GitFetchBenchmark::change);
    Path jgitCache = work.resolve("jgit-cache");
    Path gitCache = work.resolve("git-cache");
    timeJgit(origin, jgitCache);
    timeGitClone(origin, gitCache);
    Timed jgitFetch = run -> timeJgit(origin, jgitCache);
    Timed gitFetch = run -> timeGit(origin, gitCache);
    inTurn(WARM_UP_ROUNDS, run -> origin.commit(change(COMMITS + run)), jgitFetch, gitFetch);
    Pair newCommit = inTurn(ROUNDS, run -> origin.commit(change(COMMITS + WARM_UP_ROUNDS + run)), jgitFetch, gitFetch);
    Pair unchanged = inTurn(ROUNDS, run -> { }, jgitFetch, gitFetch);
    Pair clone = inTurn(CLONES, run -> { }, run -> timeJgit(origin, work.resolve("jgit-clone-" + run)),
        run -> timeGitClone(origin, work.resolve("git-clone-" + run)));
    return List.of(
        Figure.checked("Git: fetch of 1 new commit on 5,000, GitFetcher against `git fetch` + `git checkout`",
            "≤ 1.5x", newCommit.text(ROUNDS), newCommit.ratio() <= 1.5),
        Figure.info("Git: the same with no new commit (every interval)", unchanged.text(ROUNDS)),
        Figure.info("Git: first fetch into an empty cache, against `git fetch --depth=1` + `git checkout`",
            clone.text(CLONES)));
  }

  /**
   * Runs {@code before}, then both sides, {@code runs} times; GitFetcher first in even runs, git
   * first in odd ones, so that neither always runs on the warmer page cache.
   */
  private static Pair inTurn(int runs, Before before, Timed jgit, Timed git) throws Exception {
    List<Long> jgitTimes = new ArrayList<>();
    List<Long> gitTimes = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      before.prepare(run);
      if (run % 2 == 0) {
        jgitTimes.add(jgit.time(run));
        gitTimes.add(git.time(run));
      } else {
        gitTimes.add(git.time(run));
        jgitTimes.add(jgit.time(run));
      }
    }
    return new Pair(Units.median(jgitTimes), Units.median(gitTimes));
  }

  private static Map<String, String> change(int commit) {
    return Map.of(SpecFiles.file(commit % APPS), SpecFiles.spec(commit % APPS, "1.0." + commit, false));
  }

  private long timeJgit(GitRepo origin, Path cache) throws Exception {
    long started = System.nanoTime();
    FetchedRevision fetched = fetcher.fetch(origin.url(), GitReference.branch("main"), GitCredentials.NONE, TIMEOUT,
        cache);
    try (GitCommitTree tree = fetched.open(Instant.now().plus(TIMEOUT))) {
      // What a checkout gives git's side: the apps' files. GitFetcher checks nothing out.
      new GitOpsRepository().scan(tree, "apps", RepositoryLimits.DEFAULTS);
    }
    long took = System.nanoTime() - started;
    requireHead(origin, fetched.commit(), "GitFetcher");
    return took;
  }

  /** What GitFetcher does on a cache it has: fetch main alone, no tags; and git then checks it out. */
  private static long timeGit(GitRepo origin, Path cache) throws Exception {
    return timeGit(origin, cache, List.of("git", "fetch", "-q", "--no-tags", origin.url(), MAIN));
  }

  /** What GitFetcher does on an empty cache: the same, shallow. */
  private static long timeGitClone(GitRepo origin, Path cache) throws Exception {
    Command.run(null, List.of("git", "init", "-q", cache.toString()));
    return timeGit(origin, cache, List.of("git", "fetch", "-q", "--no-tags", "--depth=1", origin.url(), MAIN));
  }

  private static long timeGit(GitRepo origin, Path cache, List<String> fetch) throws Exception {
    long started = System.nanoTime();
    Command.run(cache, fetch);
    Command.run(cache, List.of("git", "checkout", "-q", "--force", "--detach", "refs/remotes/origin/main"));
    long took = System.nanoTime() - started;
    requireHead(origin, Command.run(cache, List.of("git", "rev-parse", "HEAD")), "git");
    return took;
  }

  private static void requireHead(GitRepo origin, String commit, String who) {
    if (!origin.head().equals(commit)) {
      throw new IllegalStateException(who + " checked out " + commit + ", not the head " + origin.head());
    }
  }
}
