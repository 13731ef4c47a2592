package io.bcgitops.cli;

import java.io.IOException;
import java.net.BindException;

/** A port a command cannot listen on, said in one line with the setting that picks another. */
final class ListenFailure {
  private ListenFailure() {
  }

  /**
   * @param what what would have been served there, such as "/metrics, /healthz, /readyz and /hook/"
   * @param port the port asked for
   * @param setting the option or variable that sets it, such as "BCGITOPS_HTTP_PORT"
   */
  static StartupFailure of(String what, int port, String setting, IOException e) {
    // The JDK says "Address already in use" (and nothing about which): the port is the news.
    boolean inUse = e instanceof BindException && String.valueOf(e.getMessage()).contains("in use");
    return new StartupFailure("cannot serve " + what + " on port " + port + ": "
        + (inUse ? "another process listens there; stop it, or set " + setting + " to a free port"
            : (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "; set " + setting
                + " to another port"));
  }
}
