package io.bcgitops.dashboard;

import io.bcgitops.spec.SafeUrls;

/**
 * User-written text as the dashboard shows it: a URL's credentials taken out (SafeUrls: a message may quote a URL
 * with them), and cut at a bound. The overview carries every app's description and Ready message to every open
 * stream at each change, so each has a bound there that does not depend on what a tenant writes; the app's page
 * (one app, on request) has longer ones.
 */
final class ShownText {
  /** A version, a reason, a file name. */
  static final int SHORT = 256;
  /** In the overview: a description, a Ready message, an invalid spec file's error, a pool app's message. */
  static final int OVERVIEW = 1024;
  /** On an app's page: a condition's or an event's message. */
  static final int PAGE = 8 * 1024;

  private ShownText() {
  }

  /** {@code text} as shown: credentials out, at most {@code max} characters and a note of how many more there were. */
  static String of(String text, int max) {
    if (text == null) {
      return null;
    }
    String shown = SafeUrls.redact(text);
    if (shown.length() <= max) {
      return shown;
    }
    int cut = Character.isHighSurrogate(shown.charAt(max - 1)) ? max - 1 : max;
    return shown.substring(0, cut) + "… (" + (shown.length() - cut) + " more characters)";
  }
}
