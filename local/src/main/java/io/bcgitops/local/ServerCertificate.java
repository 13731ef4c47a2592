package io.bcgitops.local;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A key and a self-signed certificate for the front door, made at each start. The API needs TLS because kubectl
 * sends a kubeconfig's token only to an https server; the kubeconfig carries this certificate as its
 * certificate authority, so kubectl verifies the server too. The JDK has no public API to make a certificate:
 * BouncyCastle makes it.
 */
final class ServerCertificate {
  private static final String NAME = "bc-gitops-local";
  /** Longer than any local session; a restart makes a new one. */
  private static final Duration VALIDITY = Duration.ofDays(365);

  private final KeyPair keys;
  private final X509Certificate certificate;

  private ServerCertificate(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A certificate for {@code address} and "localhost". */
  static ServerCertificate generate(InetAddress address) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=" + NAME);
    // Clocks a little apart must not make it "not yet valid".
    Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    try {
      X509CertificateHolder signed = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(notBefore),
          Date.from(notBefore.plus(VALIDITY)), name, keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, address.getHostAddress()),
              new GeneralName(GeneralName.dNSName, "localhost")}))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      return new ServerCertificate(keys, new JcaX509CertificateConverter().getCertificate(signed));
    } catch (OperatorCreationException | CertIOException e) {
      throw new GeneralSecurityException("cannot make the API's certificate: " + e.getMessage(), e);
    }
  }

  SSLContext sslContext() throws GeneralSecurityException, IOException {
    char[] password = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, password);
    store.setKeyEntry(NAME, keys.getPrivate(), password, new Certificate[] {certificate});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), null, null);
    return context;
  }

  /** The certificate in PEM form, as a kubeconfig's certificate-authority-data holds it (base64 once more). */
  String pem() throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
