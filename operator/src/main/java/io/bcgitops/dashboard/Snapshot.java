package io.bcgitops.dashboard;

import io.bcgitops.api.Api;
import io.bcgitops.api.AppDeployment;
import io.bcgitops.api.AppDeploymentSpec;
import io.bcgitops.api.AppDeploymentStatus;
import io.bcgitops.api.Conditions;
import io.bcgitops.api.GitOpsSource;
import io.bcgitops.api.GitOpsSourceStatus;
import io.bcgitops.api.Icon;
import io.bcgitops.api.Isolation;
import io.bcgitops.api.RuntimePool;
import io.bcgitops.api.RuntimePoolStatus;
import io.bcgitops.dashboard.Views.AppView;
import io.bcgitops.dashboard.Views.ConditionView;
import io.bcgitops.dashboard.Views.IconView;
import io.bcgitops.dashboard.Views.InvalidAppView;
import io.bcgitops.dashboard.Views.Overview;
import io.bcgitops.dashboard.Views.PoolAppView;
import io.bcgitops.dashboard.Views.PoolView;
import io.bcgitops.dashboard.Views.SourceView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The dashboard's view of the caches at one moment, for every viewer; {@link #visibleTo} keeps what one viewer may
 * see. Failing apps come first, then by namespace and name.
 */
final class Snapshot {
  static final String SOURCES = "gitopssources";
  static final String APPS = "appdeployments";
  static final String POOLS = "runtimepools";
  /** A base64 icon larger than this is drawn as an identicon: the overview carries every app's icon. */
  static final int MAX_INLINE_ICON_CHARS = 16 * 1024;
  /** A source's invalid spec files listed in the overview, at most (its status says how many there are). */
  static final int MAX_INVALID_SHOWN = 20;
  private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp",
      "image/svg+xml");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
  private static final Comparator<AppView> FAILING_FIRST = Comparator.comparing((AppView a) -> !a.failing())
      .thenComparing(AppView::namespace).thenComparing(AppView::name);

  /** Whether a viewer may get a kind (one of {@link #SOURCES}, {@link #APPS}, {@link #POOLS}) in a namespace. */
  @FunctionalInterface
  interface Visibility {
    boolean mayGet(String resource, String namespace);
  }

  final long version;
  final List<SourceView> sources;
  final List<AppView> apps;
  final List<PoolView> pools;

  private Snapshot(long version, List<SourceView> sources, List<AppView> apps, List<PoolView> pools) {
    this.version = version;
    this.sources = sources;
    this.apps = apps;
    this.pools = pools;
  }

  static Snapshot of(long version, List<GitOpsSource> sources, List<AppDeployment> apps, List<RuntimePool> pools) {
    return new Snapshot(version,
        sources.stream().map(Snapshot::source).sorted(Comparator.comparing(SourceView::namespace)
            .thenComparing(SourceView::name)).toList(),
        apps.stream().map(Snapshot::app).sorted(FAILING_FIRST).toList(),
        pools.stream().map(Snapshot::pool).sorted(Comparator.comparing(PoolView::namespace)
            .thenComparing(PoolView::name)).toList());
  }

  /** What a viewer may see: each kind in the namespaces where they may get it. */
  Overview visibleTo(Visibility visibility) {
    List<SourceView> s = sources.stream().filter(v -> visibility.mayGet(SOURCES, v.namespace())).toList();
    List<AppView> a = apps.stream().filter(v -> visibility.mayGet(APPS, v.namespace())).toList();
    List<PoolView> p = pools.stream().filter(v -> visibility.mayGet(POOLS, v.namespace())).toList();
    Set<String> namespaces = new TreeSet<>();
    s.forEach(v -> namespaces.add(v.namespace()));
    a.forEach(v -> namespaces.add(v.namespace()));
    p.forEach(v -> namespaces.add(v.namespace()));
    return new Overview(version, List.copyOf(namespaces), s, a, p);
  }

  /** Every namespace anything is in: where a viewer's permissions are asked. */
  Set<String> namespaces() {
    Set<String> namespaces = new TreeSet<>();
    sources.forEach(v -> namespaces.add(v.namespace()));
    apps.forEach(v -> namespaces.add(v.namespace()));
    pools.forEach(v -> namespaces.add(v.namespace()));
    return namespaces;
  }

  static SourceView source(GitOpsSource source) {
    GitOpsSourceStatus status = source.getStatus();
    GitOpsSourceStatus.Artifact artifact = status == null ? null : status.getArtifact();
    String url = source.getSpec() == null ? null : source.getSpec().getUrl();
    String revision = artifact == null ? null : artifact.getRevision();
    List<Condition> conditions = status == null ? null : status.getConditions();
    List<InvalidAppView> invalid = status == null || status.getInvalidApps() == null ? List.of()
        : status.getInvalidApps().stream().map(i -> new InvalidAppView(ShownText.of(i.getFile(), ShownText.SHORT),
            ShownText.of(i.getError(), ShownText.OVERVIEW))).limit(MAX_INVALID_SHOWN).toList();
    return new SourceView(namespace(source), name(source), ShownText.of(url, ShownText.OVERVIEW),
        ShownText.of(revision, ShownText.SHORT),
        artifact == null ? null : ShownText.of(artifact.getShortRevision(), ShownText.SHORT), CommitLinks.of(url, revision),
        artifact == null ? null : artifact.getFetchedAt(), source.getSpec() != null && source.getSpec().isSuspend(),
        condition(conditions, "Ready"), condition(conditions, "Stalled"),
        status == null ? 0 : status.getAppCount(), status == null ? 0 : status.getReadyCount(), invalid,
        status == null || status.getInvalidApps() == null ? 0 : status.getInvalidApps().size());
  }

  static AppView app(AppDeployment app) {
    AppDeploymentSpec spec = app.getSpec() == null ? new AppDeploymentSpec() : app.getSpec();
    AppDeploymentStatus status = app.getStatus();
    List<Condition> conditions = status == null ? null : status.getConditions();
    Isolation isolation = spec.getIsolation() == null ? Isolation.embedded : spec.getIsolation();
    String phase = status == null || status.getPhase() == null ? null : status.getPhase().name();
    String health = status == null || status.getHealth() == null ? null : status.getHealth().name();
    ConditionView ready = condition(conditions, "Ready");
    ConditionView stalled = condition(conditions, "Stalled");
    boolean failing = "Failed".equals(phase) || "Degraded".equals(phase) || "unhealthy".equals(health)
        || stalled != null && "True".equals(stalled.status());
    return new AppView(namespace(app), name(app), app.getMetadata().getLabels() == null ? null
        : app.getMetadata().getLabels().get(Api.SOURCE_LABEL), ShownText.of(spec.getDescription(), ShownText.OVERVIEW),
        icon(name(app), spec.getIcon()), ShownText.of(spec.getVersion(), ShownText.SHORT),
        status == null ? null : ShownText.of(status.getDeployedVersion(), ShownText.SHORT),
        status == null ? null : ShownText.of(status.getPreviousVersion(), ShownText.SHORT), phase, health,
        status == null || status.getRestarts() == null ? 0 : status.getRestarts(), isolation.name(),
        isolation == Isolation.vm ? "pod" : "pool", status == null ? null : status.getNode(),
        isolation == Isolation.vm ? null : runtime(spec), spec.dependencies(), spec.isSuspend(), ready, failing);
  }

  /** The runtime pool an embedded app runs in. */
  static String runtime(AppDeploymentSpec spec) {
    return spec.getRuntime() == null || spec.getRuntime().isBlank() ? AppDeploymentSpec.DEFAULT_RUNTIME
        : spec.getRuntime();
  }

  static PoolView pool(RuntimePool pool) {
    RuntimePoolStatus status = pool.getStatus();
    List<PoolAppView> apps = status == null || status.getApps() == null ? List.of() : status.getApps().stream()
        .map(a -> new PoolAppView(a.getName(), ShownText.of(a.getVersion(), ShownText.SHORT),
            a.getState() == null ? null : a.getState().name(), ShownText.of(a.getHealth(), ShownText.SHORT),
            a.getRestarts(), ShownText.of(a.getMessage(), ShownText.OVERVIEW)))
        .sorted(Comparator.comparing(PoolAppView::name, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
    String memory = status != null && status.getMemoryLimit() != null ? status.getMemoryLimit()
        : pool.getSpec() == null ? null : text(pool.getSpec().getMemoryLimit());
    return new PoolView(namespace(pool), name(pool), memory,
        pool.getSpec() == null ? null : text(pool.getSpec().getCpuLimit()), status == null ? null : status.getPod(),
        condition(status == null ? null : status.getConditions(), "Ready"), apps);
  }

  static ConditionView condition(List<Condition> conditions, String type) {
    Condition c = conditions == null ? null : Conditions.find(conditions, type);
    return c == null ? null : condition(c, ShownText.OVERVIEW);
  }

  /** A condition as shown, its message cut at {@code maxMessage}. */
  static ConditionView condition(Condition c, int maxMessage) {
    return new ConditionView(ShownText.of(c.getType(), ShownText.SHORT), ShownText.of(c.getStatus(), ShownText.SHORT),
        ShownText.of(c.getReason(), ShownText.SHORT), ShownText.of(c.getMessage(), maxMessage),
        ShownText.of(c.getLastTransitionTime(), ShownText.SHORT));
  }

  /**
   * An image the page may show: an https URL (never javascript: or http: on an https page), or a base64 image of
   * an image type; anything else, and an icon too large to carry in the overview, is the name's identicon.
   */
  static IconView icon(String name, Icon icon) {
    if (icon != null && icon.getValue() != null) {
      String value = icon.getValue().strip();
      if (icon.getType() == Icon.Type.url && isHttpsUrl(value)) {
        return new IconView(value, null);
      }
      String type = icon.getMimeType() == null ? "" : icon.getMimeType().strip().toLowerCase(Locale.ROOT);
      if ((icon.getType() == Icon.Type.base64 || icon.getType() == Icon.Type.identicon)
          && IMAGE_TYPES.contains(type) && value.length() <= MAX_INLINE_ICON_CHARS && BASE64.matcher(value).matches()) {
        return new IconView("data:" + type + ";base64," + value, null);
      }
    }
    return new IconView(null, identicon(name));
  }

  private static boolean isHttpsUrl(String value) {
    try {
      URI uri = new URI(value);
      return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null
          && value.length() <= 2048;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The bytes io.bcgitops.spec's identicon is drawn from (SHA-256 of the name), as hex: the page draws the same. */
  static String identicon(String name) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
          name.getBytes(StandardCharsets.UTF_8)), 0, 18);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String text(IntOrString value) {
    if (value == null) {
      return null;
    }
    return value.getStrVal() != null ? value.getStrVal() : String.valueOf(value.getIntVal());
  }

  static String namespace(HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getNamespace(), "");
  }

  static String name(HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getName(), "");
  }

  /** The apps of a namespace's runtime pool, by name. */
  List<AppView> appsOfPool(String namespace, String runtime) {
    List<AppView> inPool = new ArrayList<>();
    for (AppView app : apps) {
      if (app.namespace().equals(namespace) && runtime.equals(app.runtime())) {
        inPool.add(app);
      }
    }
    inPool.sort(Comparator.comparing(AppView::name));
    return inPool;
  }
}
