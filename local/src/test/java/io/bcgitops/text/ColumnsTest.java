package io.bcgitops.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  @Test
  void eachColumnIsAsWideAsItsWidestCellTwoSpacesApart() {
    assertEquals(List.of(
        "NAME   VERSION  MESSAGE",
        "clock  1.0.0    not Ready: UpgradeFailed",
        "web    1.10.0"),
        Columns.of(List.of(List.of("NAME", "VERSION", "MESSAGE"), List.of("clock", "1.0.0", "not Ready: UpgradeFailed"),
            List.of("web", "1.10.0", ""))));
  }

  @Test
  void noRowsNoLines() {
    assertEquals(List.of(), Columns.of(List.of()));
  }
}
