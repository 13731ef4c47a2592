package io.bcgitops.cli;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A container's log as a stream, read through the API server as {@code kubectl logs} reads it. The
 * client library's own log calls are not used: {@code watchLog} passes an error's body on as if it
 * were the log, and {@code getLog} holds the whole log in memory. Here the stream is read as it
 * arrives (the HTTP client reads ahead a bounded amount), and an answer that is not the log is one
 * line saying what the API server said (local mode, for one, says where the log is instead).
 */
final class ContainerLog {
  /** An error's body is a Status; anything longer is not worth reading. */
  private static final int MAX_ERROR_BYTES = 16 * 1024;

  private ContainerLog() {
  }

  /** The open log; the caller closes it. */
  static InputStream open(Cluster cluster, String pod, LogRequest request) throws CommandFailure, InterruptedException {
    KubernetesClient client = cluster.client();
    HttpClient http = client.getHttpClient();
    String url = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", cluster.namespace(), "pods",
        pod, "log") + "?" + request.query();
    HttpResponse<InputStream> response;
    try {
      // The timeout bounds the wait for the answer's headers, not the reading of a followed log.
      response = http.sendAsync(http.newHttpRequestBuilder().uri(url)
          .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS).build(), InputStream.class)
          .get();
    } catch (ExecutionException e) {
      throw KubernetesClientException.launderThrowable(e.getCause());
    }
    if (response.isSuccessful()) {
      return response.body();
    }
    String body;
    try (InputStream in = response.body()) {
      body = new String(in.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      body = "";
    }
    throw new CommandFailure(1, "cannot read the log of container " + request.container() + " of pod/" + pod + ": "
        + message(response.code(), body));
  }

  /** The Status's message, else the body's first line, else the code. */
  private static String message(int code, String body) {
    try {
      Status status = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(body, Status.class);
      if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
        return status.getMessage().replaceAll("\\s*\\R\\s*", " ");
      }
    } catch (RuntimeException e) {
      // Not a Status: the text itself.
    }
    String first = body.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("");
    return "the API server answered " + code + (first.isEmpty() ? "" : ": " + first.substring(0, Math.min(200,
        first.length())));
  }
}
