package io.bcgitops.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports for tests' servers and apps. */
public final class Ports {
  private Ports() {
  }

  /** A port free now: the system's pick, released for the test to bind. */
  public static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
