package io.bcgitops.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FtpChannel;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.RemoteSession2;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

/**
 * SSH sessions of one fetch, each closed when the fetch is ended: at the deadline the handshake
 * (which JGit bounds only by sshd's own two minutes) is interrupted, and a session that trickles
 * is disconnected. What the server sends (git's output and its stderr, which JGit keeps) is
 * counted against the fetch's budget.
 */
final class AbortableSshSessions extends SshSessionFactory {
  private final SshSessionFactory delegate;
  private final FetchAbort abort;

  AbortableSshSessions(SshSessionFactory delegate, FetchAbort abort) {
    this.delegate = delegate;
    this.abort = abort;
  }

  @Override
  public RemoteSession getSession(URIish uri, CredentialsProvider credentialsProvider, FS fs, int tms)
      throws TransportException {
    RemoteSession session = delegate.getSession(uri, credentialsProvider, fs, tms);
    abort.closeOnAbort(session::disconnect);
    return new Counted(session, abort.budget());
  }

  @Override
  public String getType() {
    return delegate.getType();
  }

  @Override
  public void releaseSession(RemoteSession session) {
    delegate.releaseSession(session instanceof Counted counted ? counted.session : session);
  }

  /** A session whose commands' output is counted; it asks for protocol v2 when JGit does. */
  private static final class Counted implements RemoteSession2 {
    private final RemoteSession session;
    private final FetchBudget budget;

    Counted(RemoteSession session, FetchBudget budget) {
      this.session = session;
      this.budget = budget;
    }

    @Override
    public Process exec(String commandName, int timeout) throws IOException {
      return new CountedProcess(session.exec(commandName, timeout), budget);
    }

    @Override
    public Process exec(String commandName, Map<String, String> environment, int timeout) throws IOException {
      return new CountedProcess(session instanceof RemoteSession2 v2 ? v2.exec(commandName, environment, timeout)
          : session.exec(commandName, timeout), budget);
    }

    @Override
    public FtpChannel getFtpChannel() {
      return session.getFtpChannel();
    }

    @Override
    public void disconnect() {
      session.disconnect();
    }
  }

  private static final class CountedProcess extends Process {
    private final Process process;
    private final InputStream out;
    private final InputStream err;

    CountedProcess(Process process, FetchBudget budget) {
      this.process = process;
      this.out = budget.fromServer(process.getInputStream());
      this.err = budget.fromServer(process.getErrorStream());
    }

    @Override
    public OutputStream getOutputStream() {
      return process.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return out;
    }

    @Override
    public InputStream getErrorStream() {
      return err;
    }

    @Override
    public int waitFor() throws InterruptedException {
      return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
      return process.exitValue();
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void destroy() {
      process.destroy();
    }
  }
}
