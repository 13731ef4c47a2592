package io.bcgitops.local;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

/**
 * An in-process Kubernetes API on loopback for {@code local} mode: Fabric8's mock server in CRUD mode stores the
 * objects (with both CRDs registered, so the status subresource behaves as on a cluster), and a front door lets
 * the real kubectl use it ({@link #url()}, with the kubeconfig {@link #writeKubeconfig(Path)} writes).
 *
 * <p>There is no admission, no defaulting, no garbage collection and no server-side validation (kubectl validates
 * against the CRD schemas before it sends): what a cluster's controllers and webhooks do is not done here. Nor
 * are protobuf bodies (kubectl's {@code create secret|configmap|namespace}: {@code kubectl apply} works), strategic
 * merge patches with lists, server-side apply, or pods' exec and port-forward; a pod's log is answered with where
 * its file is. {@link Routes} lists what is served; every other request is refused.
 */
public final class LocalApiServer implements AutoCloseable {
  private static final String DEFAULT_NAMESPACE = "default";
  /**
   * IPv4's loopback, named rather than asked of the JVM, which answers ::1 when it prefers IPv6
   * (java.net.preferIPv6Addresses): an address a URL would have to bracket, and not the one local mode's other
   * servers listen on.
   */
  private static final String LOOPBACK = "127.0.0.1";
  /** Changes kept for watches that start from a resourceVersion: far more than a list-then-watch falls behind. */
  private static final int KEPT_CHANGES = 1000;
  /**
   * The mock server logs every request at INFO through java.util.logging, which prints to stderr; held here
   * because java.util.logging keeps loggers only weakly, and would forget the level.
   */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer store;
  private final KubernetesClient client;
  private final HttpsServer http;
  private final ExecutorService requests;
  private final String certificatePem;
  private final String token;
  private final URI url;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalApiServer(KubernetesMockServer store, KubernetesClient client, HttpsServer http,
      ExecutorService requests, String certificatePem, String token) {
    this.store = store;
    this.client = client;
    this.http = http;
    this.requests = requests;
    this.certificatePem = certificatePem;
    this.token = token;
    this.url = URI.create("https://" + LOOPBACK + ":" + http.getAddress().getPort());
  }

  /**
   * Starts the store and the front door, registers the CRDs (from the class path) and creates the Namespace
   * "default".
   *
   * @param port the front door's port on loopback; 0 for any free one
   * @param state the run's state folder, whose files {@code kubectl logs} is told of
   */
  public static LocalApiServer start(int port, StateFolder state) throws IOException {
    List<CustomResourceDefinition> crds = CustomResources.definitions();
    List<ApiResource> served = new ArrayList<>(BuiltInResources.all());
    crds.forEach(crd -> served.addAll(CustomResources.served(crd)));
    ResourceCatalog catalog = new ResourceCatalog(served);
    InetAddress loopback = InetAddress.getByName(LOOPBACK);
    ServerCertificate certificate;
    try {
      certificate = ServerCertificate.generate(loopback);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make an EC key and certificate", e);
    }

    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    ChangeLog changes = new ChangeLog(KEPT_CHANGES);
    MockWebServer storeServer = new MockWebServer();
    KubernetesMockServer store = new KubernetesMockServer(new Context(KubeJson.MAPPER), storeServer, new HashMap<>(),
        new StoreDispatcher(token, changes, storeServer), false);
    store.start(loopback, 0);
    KubernetesClient client = null;
    HttpsServer http = null;
    ExecutorService requests = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "local-api");
      thread.setDaemon(true);
      return thread;
    });
    try {
      URI storeUrl = URI.create("http://" + LOOPBACK + ":" + store.getPort() + "/");
      client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
          .withMasterUrl(storeUrl.toString()).withOauthToken(token).withNamespace(DEFAULT_NAMESPACE)
          .withHttp2Disable(true).build()).build();
      for (CustomResourceDefinition crd : crds) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
      Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(DEFAULT_NAMESPACE).endMetadata().build();
      client.namespaces().resource(namespace).create();

      http = HttpsServer.create(new InetSocketAddress(loopback, port), 0);
      http.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
      Discovery discovery = new Discovery(catalog, LOOPBACK + ":" + http.getAddress().getPort());
      http.createContext("/", new FrontDoor(token, catalog, discovery, new StoreClient(storeUrl, token), changes,
          PodLogs.in(state)));
      http.setExecutor(requests);
      http.start();
      return new LocalApiServer(store, client, http, requests, certificate.pem(), token);
    } catch (GeneralSecurityException e) {
      stop(http, requests, client, store);
      throw new IllegalStateException("this JVM cannot serve TLS with its own certificate", e);
    } catch (IOException | RuntimeException e) {
      stop(http, requests, client, store);
      throw e;
    }
  }

  /** Stops what started; {@code http} and {@code client} are null if not made yet. */
  private static void stop(HttpsServer http, ExecutorService requests, KubernetesClient client,
      KubernetesMockServer store) {
    if (http != null) {
      http.stop(0);
    }
    requests.shutdownNow();
    if (client != null) {
      client.close();
    }
    store.shutdown();
  }

  /** A client of the store itself, for the operator and the local node: it watches over WebSockets, as Fabric8 does. */
  public KubernetesClient client() {
    return client;
  }

  /**
   * Where kubectl reaches the API: https on loopback, with a certificate made at start (kubectl sends a token
   * only over TLS); every request needs the token.
   */
  public URI url() {
    return url;
  }

  /**
   * Writes a kubeconfig for this API (cluster, user and context named bc-gitops-local, namespace "default"),
   * readable by its owner only.
   *
   * @return the file's absolute path
   */
  public Path writeKubeconfig(Path file) throws IOException {
    return Kubeconfig.write(file, url, certificatePem, token, DEFAULT_NAMESPACE);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(http, requests, client, store);
    }
  }
}
