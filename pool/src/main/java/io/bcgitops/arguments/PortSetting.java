package io.bcgitops.arguments;

/** A port given in a setting (a BCGITOPS_*_PORT variable): 0 (any free port) to 65535. */
public final class PortSetting {
  private PortSetting() {
  }

  /** The port {@code text} names; an IllegalArgumentException naming {@code variable} when it is no port. */
  public static int parse(String variable, String text) {
    try {
      int port = Integer.parseInt(text.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException(variable + " must be a port number (0 to 65535), got '" + text + "'");
  }
}
