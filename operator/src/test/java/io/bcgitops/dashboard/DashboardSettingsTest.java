package io.bcgitops.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {
  @Test
  void offByDefaultOnItsOwnPort() {
    assertEquals(new DashboardSettings(false, 8083), DashboardSettings.fromEnvironment(Map.of()));
    assertEquals(new DashboardSettings(true, 9000), DashboardSettings.fromEnvironment(Map.of(
        "BCGITOPS_DASHBOARD", "TRUE", "BCGITOPS_DASHBOARD_PORT", " 9000 ")));
  }

  @Test
  void aWrongValueNamesItsVariable() {
    assertEquals("BCGITOPS_DASHBOARD must be true or false, got 'yes'", assertThrows(IllegalArgumentException.class,
        () -> DashboardSettings.fromEnvironment(Map.of("BCGITOPS_DASHBOARD", "yes"))).getMessage());
    assertEquals("BCGITOPS_DASHBOARD_PORT must be a port number (0 to 65535), got '70000'",
        assertThrows(IllegalArgumentException.class,
            () -> DashboardSettings.fromEnvironment(Map.of("BCGITOPS_DASHBOARD_PORT", "70000"))).getMessage());
  }
}
