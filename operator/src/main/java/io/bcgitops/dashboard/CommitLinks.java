package io.bcgitops.dashboard;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web page of a source's revision, where its URL says which: https URLs of github.com, gitlab.com and hosts
 * named gitlab.* (self-managed GitLab). Anything else (ssh, a URL with credentials, another host, a path with
 * characters a repository's name never has) gets no link rather than a guessed one: the link is put in a page.
 */
final class CommitLinks {
  private static final Pattern HTTPS = Pattern.compile(
      "https://((?i:github\\.com|gitlab\\.com|gitlab\\.[a-z0-9.-]+))((?:/[A-Za-z0-9._-]+){2,})/?");
  private static final Pattern REVISION = Pattern.compile(".*@sha1:([0-9a-f]{40})");

  private CommitLinks() {
  }

  /** The commit's page; null when there is none to link to. */
  static String of(String url, String revision) {
    if (url == null || revision == null) {
      return null;
    }
    Matcher repository = HTTPS.matcher(url.strip());
    Matcher commit = REVISION.matcher(revision);
    if (!repository.matches() || !commit.matches()) {
      return null;
    }
    String host = repository.group(1).toLowerCase(Locale.ROOT);
    String path = repository.group(2).replaceFirst("\\.git$", "");
    if (path.contains("/..") || path.contains("/./")) {
      return null;
    }
    String sha = commit.group(1);
    return "https://" + host + path + (host.equals("github.com") ? "/commit/" : "/-/commit/") + sha;
  }
}
