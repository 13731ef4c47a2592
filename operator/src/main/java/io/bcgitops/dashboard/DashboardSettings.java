package io.bcgitops.dashboard;

import io.bcgitops.arguments.PortSetting;
import java.util.Locale;
import java.util.Map;

/**
 * Whether the operator serves the dashboard, and where (README, "Dashboard").
 *
 * @param enabled BCGITOPS_DASHBOARD: off unless set to true
 * @param port BCGITOPS_DASHBOARD_PORT: a listener of its own, so that viewers never reach the metrics, webhook or
 *     probe ports
 */
public record DashboardSettings(boolean enabled, int port) {
  public static final String ENABLED = "BCGITOPS_DASHBOARD";
  public static final String PORT = "BCGITOPS_DASHBOARD_PORT";
  public static final int DEFAULT_PORT = 8083;

  /** @throws IllegalArgumentException naming the variable whose value is wrong */
  public static DashboardSettings fromEnvironment(Map<String, String> env) {
    String enabled = env.getOrDefault(ENABLED, "false").strip().toLowerCase(Locale.ROOT);
    if (!enabled.equals("true") && !enabled.equals("false") && !enabled.isEmpty()) {
      throw new IllegalArgumentException(ENABLED + " must be true or false, got '" + env.get(ENABLED) + "'");
    }
    return new DashboardSettings(enabled.equals("true"),
        PortSetting.parse(PORT, env.getOrDefault(PORT, String.valueOf(DEFAULT_PORT))));
  }
}
