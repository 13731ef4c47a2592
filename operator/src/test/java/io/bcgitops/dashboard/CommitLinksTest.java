package io.bcgitops.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CommitLinksTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String REVISION = "main@sha1:" + SHA;

  @Test
  void githubAndGitlabHttpsUrlsLinkToTheCommit() {
    assertEquals("https://github.com/acme/shop/commit/" + SHA, CommitLinks.of("https://github.com/acme/shop.git", REVISION));
    assertEquals("https://github.com/acme/shop/commit/" + SHA, CommitLinks.of("https://GitHub.com/acme/shop/", REVISION));
    assertEquals("https://gitlab.com/group/sub/shop/-/commit/" + SHA,
        CommitLinks.of("https://gitlab.com/group/sub/shop.git", REVISION));
    assertEquals("https://gitlab.example.com/team/shop/-/commit/" + SHA,
        CommitLinks.of("https://gitlab.example.com/team/shop", REVISION));
  }

  @Test
  void anythingElseHasNoLink() {
    assertNull(CommitLinks.of("git@github.com:acme/shop.git", REVISION));
    assertNull(CommitLinks.of("ssh://git@github.com/acme/shop.git", REVISION));
    assertNull(CommitLinks.of("http://github.com/acme/shop.git", REVISION));
    assertNull(CommitLinks.of("https://user:pw@github.com/acme/shop.git", REVISION));
    assertNull(CommitLinks.of("https://github.com.evil.example/acme/shop", REVISION));
    assertNull(CommitLinks.of("https://github.com/acme/../../x", REVISION));
    assertNull(CommitLinks.of("https://github.com/acme/shop\"><script>", REVISION));
    assertNull(CommitLinks.of("https://github.com/acme", REVISION));
    assertNull(CommitLinks.of("https://github.com/acme/shop", "main@sha1:not-a-sha"));
    assertNull(CommitLinks.of(null, REVISION));
  }
}
