package io.bcgitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.eclipse.jgit.transport.Daemon;

/** A test repository served over git:// by JGit's own git daemon, on a free loopback port. */
public final class GitDaemonServer implements AutoCloseable {
  private final Daemon daemon;

  private GitDaemonServer(Daemon daemon) {
    this.daemon = daemon;
  }

  /** Serves {@code repo} at any path until closed. */
  public static GitDaemonServer of(TestRepo repo) {
    Daemon daemon = new Daemon(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon.setRepositoryResolver((request, name) -> {
      repo.repository().incrementOpen(); // the daemon closes what it is given after each request
      return repo.repository();
    });
    try {
      daemon.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GitDaemonServer(daemon);
  }

  public String url() {
    return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/repo.git";
  }

  @Override
  public void close() {
    daemon.stop();
  }
}
