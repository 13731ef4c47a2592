package io.bcgitops.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;

/**
 * A git SSH server on 127.0.0.1 and a random port (JGit's {@link SshTestGitServer}, Apache MINA
 * sshd) serving one {@link TestRepo} to one user who authenticates with a freshly generated RSA key.
 * The server's host key is generated too. Use {@link #clientPrivateKey()} and {@link #knownHosts()}
 * as the {@code identity} and {@code known_hosts} of a Secret.
 *
 * <pre>{@code
 * try (GitSshServer ssh = GitSshServer.start(repo)) {
 *   var credentials = new GitCredentials(null, null, null, ssh.clientPrivateKey(), ssh.knownHosts());
 *   fetcher.fetch(ssh.url(), GitReference.branch("main"), credentials, timeout, cache);
 * }
 * }</pre>
 */
public final class GitSshServer implements AutoCloseable {
  /** The user name of {@link #url()}. */
  public static final String USER = "git";

  private final Server server;
  private final int port;
  private final KeyPair hostKey;
  private final KeyPair clientKey;
  private final AtomicInteger publicKeyAuthAttempts = new AtomicInteger();

  private GitSshServer(Repository repository) throws IOException {
    this.hostKey = generateKeyPair();
    this.clientKey = generateKeyPair();
    this.server = new Server(USER, clientKey.getPublic(), repository, hostKey);
    server.countPublicKeyAuthAttempts(publicKeyAuthAttempts);
    this.port = server.start();
  }

  /** Starts a server for {@code repo}. */
  public static GitSshServer start(TestRepo repo) {
    try {
      return new GitSshServer(repo.repository());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code ssh://git@127.0.0.1:<port>/repo.git} (the server serves its one repository at any path). */
  public String url() {
    return "ssh://" + USER + "@127.0.0.1:" + port + "/repo.git";
  }

  public int port() {
    return port;
  }

  /** The private key the server accepts for {@link #USER}: unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public String clientPrivateKey() {
    return toPem(clientKey);
  }

  /** The same private key as {@link #clientPrivateKey()} in OpenSSH format ({@code BEGIN OPENSSH PRIVATE KEY}), as ssh-keygen writes it. */
  public String clientPrivateKeyOpenSsh() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "test", null, out);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** The known_hosts line that trusts this server: {@code [127.0.0.1]:<port> ssh-rsa AAAA...}. */
  public String knownHosts() {
    return knownHostsLine(hostKey.getPublic());
  }

  /** A known_hosts line for this server's host and port but another host key, as after a server swap or a MITM. */
  public String knownHostsWithOtherKey() {
    return knownHostsLine(generateKeyPair().getPublic());
  }

  /**
   * How many times a client offered a public key to the server. Zero after a failed fetch means the
   * client stopped before authenticating: at the host key check.
   */
  public int publicKeyAuthAttempts() {
    return publicKeyAuthAttempts.get();
  }

  /** A new private key, in the format of {@link #clientPrivateKey()}, that no server accepts. */
  public static String generatePrivateKey() {
    return toPem(generateKeyPair());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String knownHostsLine(PublicKey key) {
    StringBuilder line = new StringBuilder("[127.0.0.1]:").append(port).append(' ');
    try {
      PublicKeyEntry.appendPublicKeyEntry(line, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.append('\n').toString();
  }

  private static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String toPem(KeyPair key) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  /** Gives access to the sshd server, to count authentication attempts. */
  private static final class Server extends SshTestGitServer {
    Server(String user, PublicKey userKey, Repository repository, KeyPair hostKey) {
      super(user, userKey, repository, hostKey);
    }

    void countPublicKeyAuthAttempts(AtomicInteger counter) {
      PublickeyAuthenticator delegate = server.getPublickeyAuthenticator();
      server.setPublickeyAuthenticator((user, key, session) -> {
        counter.incrementAndGet();
        return delegate.authenticate(user, key, session);
      });
    }
  }
}
