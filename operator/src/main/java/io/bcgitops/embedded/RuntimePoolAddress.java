package io.bcgitops.embedded;

import io.bcgitops.runtime.RuntimeApi;
import java.net.URI;

/** Where the operator reaches a runtime pool's two APIs. */
public interface RuntimePoolAddress {
  URI host(String namespace, String runtime);

  URI loader(String namespace, String runtime);

  /** In a cluster: the pool's Service, by its cluster DNS name. */
  RuntimePoolAddress CLUSTER_DNS = new RuntimePoolAddress() {
    @Override
    public URI host(String namespace, String runtime) {
      return URI.create("http://" + RuntimePools.name(runtime) + "." + namespace + ".svc:" + RuntimeApi.HOST_PORT);
    }

    @Override
    public URI loader(String namespace, String runtime) {
      return URI.create("http://" + RuntimePools.name(runtime) + "." + namespace + ".svc:" + RuntimeApi.LOADER_PORT);
    }
  };
}
