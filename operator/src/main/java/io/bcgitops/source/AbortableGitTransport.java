package io.bcgitops.source;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TcpTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportProtocol;
import org.eclipse.jgit.transport.URIish;

/**
 * Fetching over git:// (git daemon) with a socket the fetch's {@link FetchAbort} can close. JGit's
 * own git:// transport keeps its socket to itself, and a thread blocked reading a socket ignores
 * interrupts, so a daemon trickling bytes would hold the fetch forever. What the daemon sends is
 * counted against the fetch's budget. It asks for protocol v2 (git daemon 2.18 and later speak it):
 * the daemon then lists only the refs asked for, where protocol v0 lists every ref the repository
 * has. One request line, then the exchange JGit's {@link BasePackFetchConnection} does.
 */
final class AbortableGitTransport extends TcpTransport implements PackTransport {
  private static final int GIT_PORT = 9418;

  /** Registered with JGit ahead of its own git:// transport (JGit holds it weakly: this field keeps it). */
  static final TransportProtocol PROTOCOL = new TransportProtocol() {
    @Override
    public String getName() {
      return "git daemon (abortable)";
    }

    @Override
    public Set<String> getSchemes() {
      return Set.of("git");
    }

    @Override
    public Set<URIishField> getRequiredFields() {
      return EnumSet.of(URIishField.HOST, URIishField.PATH);
    }

    @Override
    public Set<URIishField> getOptionalFields() {
      return EnumSet.of(URIishField.PORT);
    }

    @Override
    public int getDefaultPort() {
      return GIT_PORT;
    }

    @Override
    public Transport open(URIish uri, Repository local, String remoteName) {
      return new AbortableGitTransport(local, uri);
    }
  };

  private FetchAbort abort;

  private AbortableGitTransport(Repository local, URIish uri) {
    super(local, uri);
  }

  /** The fetch whose end closes this transport's sockets. */
  void abortWith(FetchAbort fetchAbort) {
    this.abort = fetchAbort;
  }

  @Override
  public FetchConnection openFetch() throws TransportException {
    return openFetch(List.of());
  }

  @Override
  public FetchConnection openFetch(Collection<RefSpec> refSpecs, String... additionalPatterns)
      throws TransportException {
    Socket socket = new Socket();
    if (abort != null) {
      abort.closeOnAbort(socket);
    }
    try {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : GIT_PORT),
          getTimeout() > 0 ? getTimeout() * 1000 : 0);
      return new Connection(socket, refSpecs, additionalPatterns);
    } catch (IOException e) {
      closeQuietly(socket);
      throw e instanceof TransportException t ? t : new TransportException(uri, e.getMessage(), e);
    }
  }

  @Override
  public PushConnection openPush() throws NotSupportedException {
    throw new NotSupportedException("the operator never pushes");
  }

  @Override
  public void close() {
    // Each connection closes its own socket.
  }

  private void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Failing already.
    }
    if (abort != null) {
      abort.closed(socket);
    }
  }

  private final class Connection extends BasePackFetchConnection {
    private final Socket socket;

    Connection(Socket socket, Collection<RefSpec> refSpecs, String... additionalPatterns)
        throws TransportException {
      super(AbortableGitTransport.this);
      this.socket = socket;
      try {
        InputStream in = socket.getInputStream();
        init(new BufferedInputStream(abort == null ? in : abort.budget().fromServer(in)),
            new BufferedOutputStream(socket.getOutputStream()));
        // git-daemon's request: the service, the path, the host it was asked by, and (after an
        // empty field, which daemons before git 2.18 ignore) the protocol version.
        String host = uri.getHost() + (uri.getPort() > 0 && uri.getPort() != GIT_PORT ? ":" + uri.getPort() : "");
        pckOut.writeString("git-upload-pack " + uri.getPath() + "\0host=" + host + "\0\0version=2\0");
        pckOut.flush();
      } catch (IOException e) {
        close();
        throw new TransportException(uri, "the remote hung up: " + e.getMessage(), e);
      }
      if (!readAdvertisedRefs()) {
        lsRefs(refSpecs, additionalPatterns);
      }
    }

    @Override
    public void close() {
      super.close();
      closeQuietly(socket);
    }
  }
}
