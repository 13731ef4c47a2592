package io.bcgitops.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepositoryUrlsTest {
  private static String key(String url) {
    return RepositoryUrls.key(url).orElse(null);
  }

  @Test
  void everySpellingOfOneNetworkRepositoryHasOneKey() {
    for (String url : List.of(
        "https://github.com/acme/shop",
        "https://github.com/acme/shop.git",
        "https://github.com/acme/shop/",
        "https://github.com/acme/shop.git/",
        "http://GitHub.COM/acme/shop",
        "https://user:token@github.com/acme/shop.git",
        "https://github.com:443/acme/shop",
        "https://github.com//acme//shop",
        "https://github.com/Acme/Shop",
        "https://github.com/acme/shop?x=1#readme",
        "ssh://git@github.com/acme/shop.git",
        "ssh://git@github.com:22/acme/shop",
        "git+ssh://git@github.com/acme/shop",
        "git://github.com/acme/shop.git",
        "git@github.com:acme/shop.git",
        "git@github.com:/acme/shop",
        "github.com:acme/shop",
        "  https://github.com/acme/shop  ")) {
      assertEquals("github.com/acme/shop", key(url), url);
    }
  }

  @Test
  void otherHostsAndPathsAreOtherRepositories() {
    assertNotEquals(key("https://github.com/acme/shop"), key("https://gitlab.com/acme/shop"));
    assertNotEquals(key("https://github.com/acme/shop"), key("https://github.com/acme/shop-2"));
    assertNotEquals(key("https://github.com/acme/shop"), key("https://github.com/acme/shop/sub"));
    assertEquals("gitlab.example.com/group/sub/app", key("git@gitlab.example.com:group/sub/app.git"));
    assertEquals("[::1]/acme/shop", key("ssh://git@[::1]:2222/acme/shop.git"));
  }

  @Test
  void fileUrlsKeepTheirPathAndCase() {
    assertEquals("file:/tmp/Repo", key("file:///tmp/Repo"));
    assertEquals("file:/tmp/Repo", key("file:///tmp/Repo/"));
    assertEquals("file:/tmp/Repo", key("file:///tmp/Repo.git"));
    assertEquals("file:/tmp/Repo", key("file://localhost/tmp/Repo"));
    assertEquals("file:/tmp/Repo", key("file:/tmp/Repo"));
    assertNotEquals(key("file:///tmp/Repo"), key("file:///tmp/repo"));
    assertNotEquals(key("file:///tmp/repo"), key("https://tmp/repo"));
  }

  @Test
  void whatNamesNoRepositoryHasNoKey() {
    for (String url : new String[] {null, "", "  ", "https://github.com", "https://github.com/", "file:///",
        "not a url", "/just/a/path"}) {
      assertEquals(Optional.empty(), RepositoryUrls.key(url), String.valueOf(url));
    }
  }
}
