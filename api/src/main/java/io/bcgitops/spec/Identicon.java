package io.bcgitops.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A 5x5 mirrored identicon, as SVG, drawn from the hash of an app's name: the same name, the same icon. */
final class Identicon {
  static final String MIME_TYPE = "image/svg+xml";

  private Identicon() {
  }

  static String svgBase64(String name) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    String color = String.format("#%02x%02x%02x", hash[0] & 0xff, hash[1] & 0xff, hash[2] & 0xff);
    StringBuilder svg = new StringBuilder(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 5 5\" shape-rendering=\"crispEdges\">");
    for (int row = 0; row < 5; row++) {
      for (int col = 0; col < 3; col++) {
        if ((hash[3 + row * 3 + col] & 1) == 1) {
          svg.append(cell(col, row, color));
          if (col < 2) {
            svg.append(cell(4 - col, row, color));
          }
        }
      }
    }
    svg.append("</svg>");
    return Base64.getEncoder().encodeToString(svg.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String cell(int x, int y, String color) {
    return "<rect x=\"" + x + "\" y=\"" + y + "\" width=\"1\" height=\"1\" fill=\"" + color + "\"/>";
  }
}
